/* Electron's accelerator text: see accelerator.h. */
#include "accelerator.h"

#include <gio/gio.h>
#include <stdio.h>
#include <string.h>

static const struct {
        const char *name;
        const char *gtk;
} modifiers[] = {
        { "command", "<Super>" },        { "cmd", "<Super>" },
        { "control", "<Control>" },      { "ctrl", "<Control>" },
        { "commandorcontrol", "<Control>" }, { "cmdorctrl", "<Control>" },
        { "alt", "<Alt>" },              { "option", "<Alt>" },
        { "altgr", "<Mod5>" },           { "shift", "<Shift>" },
        { "super", "<Super>" },          { "meta", "<Meta>" },
};

/* Key names Electron knows, as GDK's key names (lower case on the left). */
static const struct {
        const char *name;
        const char *gdk;
} keys[] = {
        { "plus", "plus" },            { "space", "space" },          { "tab", "Tab" },
        { "capslock", "Caps_Lock" },   { "numlock", "Num_Lock" },     { "scrolllock", "Scroll_Lock" },
        { "backspace", "BackSpace" },  { "delete", "Delete" },        { "insert", "Insert" },
        { "return", "Return" },        { "enter", "Return" },         { "up", "Up" },
        { "down", "Down" },            { "left", "Left" },            { "right", "Right" },
        { "home", "Home" },            { "end", "End" },              { "pageup", "Page_Up" },
        { "pagedown", "Page_Down" },   { "escape", "Escape" },        { "esc", "Escape" },
        { "volumeup", "XF86AudioRaiseVolume" }, { "volumedown", "XF86AudioLowerVolume" },
        { "volumemute", "XF86AudioMute" },      { "medianexttrack", "XF86AudioNext" },
        { "mediaprevioustrack", "XF86AudioPrev" }, { "mediastop", "XF86AudioStop" },
        { "mediaplaypause", "XF86AudioPlay" },  { "printscreen", "Print" },
        { "numdec", "KP_Decimal" },    { "numadd", "KP_Add" },        { "numsub", "KP_Subtract" },
        { "nummult", "KP_Multiply" },  { "numdiv", "KP_Divide" },
};

/* Punctuation, one character each. */
static const struct {
        char c;
        const char *gdk;
} punctuation[] = {
        { ')', "parenright" },  { '!', "exclam" },     { '@', "at" },          { '#', "numbersign" },
        { '$', "dollar" },      { '%', "percent" },    { '^', "asciicircum" }, { '&', "ampersand" },
        { '*', "asterisk" },    { '(', "parenleft" },  { ':', "colon" },       { ';', "semicolon" },
        { '<', "less" },        { '=', "equal" },      { '>', "greater" },     { '?', "question" },
        { '~', "asciitilde" },  { '{', "braceleft" },  { '}', "braceright" },  { '|', "bar" },
        { '[', "bracketleft" }, { ']', "bracketright" }, { '\\', "backslash" }, { '"', "quotedbl" },
        { '\'', "apostrophe" }, { ',', "comma" },      { '-', "minus" },       { '.', "period" },
        { '/', "slash" },       { '`', "grave" },      { '_', "underscore" },
};

static const char *key_to_gdk(const char *key, char buf[8]) {
        g_autofree char *lower = g_ascii_strdown(key, -1);
        unsigned n;

        if (strlen(key) == 1) {
                if (g_ascii_isalnum(key[0])) {
                        buf[0] = g_ascii_tolower(key[0]);
                        buf[1] = '\0';
                        return buf;
                }
                for (size_t i = 0; i < G_N_ELEMENTS(punctuation); i++)
                        if (punctuation[i].c == key[0])
                                return punctuation[i].gdk;
                return NULL;
        }
        for (size_t i = 0; i < G_N_ELEMENTS(keys); i++)
                if (g_str_equal(lower, keys[i].name))
                        return keys[i].gdk;
        if (lower[0] == 'f' && sscanf(lower + 1, "%u", &n) == 1 && n >= 1 && n <= 24 &&
            g_strcmp0(lower + 1, (g_snprintf(buf, 8, "%u", n), buf)) == 0) {
                g_snprintf(buf, 8, "F%u", n);
                return buf;
        }
        if (g_str_has_prefix(lower, "num") && strlen(lower) == 4 && g_ascii_isdigit(lower[3])) {
                g_snprintf(buf, 8, "KP_%c", lower[3]);
                return buf;
        }
        return NULL;
}

char *accelerator_to_gtk(const char *accelerator, GError **error) {
        g_autoptr(GString) mods = g_string_new("");
        g_auto(GStrv) parts = NULL;
        const char *key = NULL;
        char buf[8];

        if (!accelerator || !*accelerator) {
                g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Empty accelerator");
                return NULL;
        }
        parts = g_strsplit(accelerator, "+", -1);
        for (char **p = parts; *p; p++) {
                g_autofree char *lower = NULL;
                const char *mod = NULL;

                /* The plus key is "Plus", as in Electron. */
                if (!**p)
                        goto bad;
                lower = g_ascii_strdown(*p, -1);
                for (size_t i = 0; i < G_N_ELEMENTS(modifiers); i++)
                        if (g_str_equal(lower, modifiers[i].name))
                                mod = modifiers[i].gtk;
                if (mod) {
                        if (key)
                                goto bad;
                        if (!strstr(mods->str, mod))
                                g_string_append(mods, mod);
                        continue;
                }
                if (key)
                        goto twice;
                key = key_to_gdk(*p, buf);
                if (!key) {
                        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                    "Unknown key \"%s\" in accelerator \"%s\"", *p, accelerator);
                        return NULL;
                }
                /* buf is reused: keep what it holds. */
                if (key == buf) {
                        g_string_append(mods, buf);
                        key = "";
                }
        }
        if (!key) {
                g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                            "Accelerator \"%s\" has no key", accelerator);
                return NULL;
        }
        g_string_append(mods, key);
        return g_string_free(g_steal_pointer(&mods), FALSE);

twice:
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                    "Accelerator \"%s\" has more than one key", accelerator);
        return NULL;
bad:
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                    "Accelerator \"%s\" is not modifiers then one key", accelerator);
        return NULL;
}
