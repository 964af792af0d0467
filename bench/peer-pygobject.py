"""The floor program as a GNOME developer would write it in Python.

Usage: python3 peer-pygobject.py URI — prints the page's "bench ..." title.
"""
import sys

import gi

gi.require_version("Gtk", "4.0")
gi.require_version("WebKit", "6.0")
from gi.repository import GLib, Gtk, WebKit  # noqa: E402


def on_title(view, _pspec):
    title = view.get_title()
    if title and title.startswith("bench "):
        print(title, flush=True)


def on_close(_win, loop):
    loop.quit()
    return False


Gtk.init()
loop = GLib.MainLoop()
win = Gtk.Window(title="bench", default_width=800, default_height=600)
view = WebKit.WebView()
view.connect("notify::title", on_title)
win.set_child(view)
win.connect("close-request", on_close, loop)
view.load_uri(sys.argv[1])
win.present()
loop.run()
