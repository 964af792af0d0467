/* renderer/accelerator.c: Electron's accelerator text into GTK's. */
#include "accelerator.h"

static void test_valid(void) {
        static const char *const cases[][2] = {
                { "CmdOrCtrl+Shift+Z", "<Control><Shift>z" },
                { "CommandOrControl+Q", "<Control>q" },
                { "Alt+F4", "<Alt>F4" },
                { "F11", "F11" },
                { "F24", "F24" },
                { "CommandOrControl+Plus", "<Control>plus" },
                { "CommandOrControl+-", "<Control>minus" },
                { "CommandOrControl+0", "<Control>0" },
                { "Shift+CmdOrCtrl+R", "<Shift><Control>r" },
                { "ctrl+shift+i", "<Control><Shift>i" },
                { "Super+Space", "<Super>space" },
                { "Command+H", "<Super>h" },
                { "Alt+Left", "<Alt>Left" },
                { "num5", "KP_5" },
                { "Escape", "Escape" },
                { "Ctrl+Ctrl+A", "<Control>a" },
                { "Option+/", "<Alt>slash" },
        };

        for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
                g_autoptr(GError) error = NULL;
                g_autofree char *gtk = accelerator_to_gtk(cases[i][0], &error);

                g_assert_no_error(error);
                g_assert_cmpstr(gtk, ==, cases[i][1]);
        }
}

static void test_invalid(void) {
        static const char *const cases[] = {
                "", "Ctrl", "Ctrl+Shift", "A+B", "Ctrl+Foo", "F25", "F0", "F01", "Ctrl+",
                "+", "Ctrl++", "Shift+A+Ctrl", "Hyper+A", "Ctrl+ü",
        };

        for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
                g_autoptr(GError) error = NULL;
                g_autofree char *gtk = accelerator_to_gtk(cases[i], &error);

                if (gtk)
                        g_error("\"%s\" was taken as %s", cases[i], gtk);
                g_assert_nonnull(error);
        }
        g_assert_null(accelerator_to_gtk(NULL, NULL));
}

int main(int argc, char **argv) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/accelerator/valid", test_valid);
        g_test_add_func("/accelerator/invalid", test_invalid);
        return g_test_run();
}
