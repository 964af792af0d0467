// The floor program as a GNOME developer would write it in GJS.
// Usage: gjs peer-gjs.js URI — prints the page's "bench ..." title.
imports.gi.versions.Gtk = '4.0';
imports.gi.versions.WebKit = '6.0';
const { GLib, Gtk, WebKit } = imports.gi;

Gtk.init();
const loop = new GLib.MainLoop(null, false);
const win = new Gtk.Window({ title: 'bench', default_width: 800, default_height: 600 });
const view = new WebKit.WebView();
view.connect('notify::title', () => {
    if (view.title && view.title.startsWith('bench '))
        print(view.title);
});
win.set_child(view);
win.connect('close-request', () => {
    loop.quit();
    return false;
});
view.load_uri(ARGV[0]);
win.present();
loop.run();
