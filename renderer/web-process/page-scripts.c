/* Scripts the app runs in its page (webContents.executeJavaScript and
 * what goes through it), run through JavaScriptCore's API in the main
 * world of the page's main frame.  A page's Content-Security-Policy
 * governs what the page itself evaluates (eval(), new Function(), inline
 * scripts), not this: as in Electron, code the app runs works under any
 * policy, including the "script-src 'self'" of Electron's templates. */
#include "page-scripts.h"

#include "page-messages.h"

/* The message waiting for the settling of the promise its script
 * returned; the first of the two callbacks answers. */
typedef struct {
        WebKitUserMessage *message;
        gboolean answered;
} Pending;

static void pending_clear(gpointer data) {
        Pending *p = data;

        g_object_unref(p->message);
}

static void pending_release(gpointer data) {
        g_rc_box_release_full(data, pending_clear);
}

static void answer(WebKitUserMessage *message, gboolean ok, const char *text) {
        webkit_user_message_send_reply(message, webkit_user_message_new(EXECUTE_SCRIPT_MESSAGE,
                                                                        g_variant_new("(bs)", ok, text)));
}

/* JSON of a result; what JSON has no form for (undefined, functions,
 * symbols) is null, as Electron's structured clone gives for them. */
static void answer_value(WebKitUserMessage *message, JSCValue *value) {
        g_autofree char *json = NULL;
        JSCException *exception;
        JSCContext *context = jsc_value_get_context(value);

        if (!jsc_value_is_undefined(value))
                json = jsc_value_to_json(value, 0);
        exception = jsc_context_get_exception(context);
        if (exception) {
                /* A cycle, or a toJSON that throws. */
                g_autofree char *text = jsc_exception_to_string(exception);

                jsc_context_clear_exception(context);
                answer(message, FALSE, text);
                return;
        }
        answer(message, TRUE, json ? json : "null");
}

static void settled(Pending *p, gboolean ok, JSCValue *value) {
        g_autofree char *text = NULL;

        if (p->answered)
                return;
        p->answered = TRUE;
        if (ok) {
                answer_value(p->message, value);
                return;
        }
        text = jsc_value_to_string(value);
        jsc_context_clear_exception(jsc_value_get_context(value));
        answer(p->message, FALSE, text ? text : "Error");
}

static void fulfilled_cb(JSCValue *value, Pending *p) {
        settled(p, TRUE, value);
}

static void rejected_cb(JSCValue *value, Pending *p) {
        settled(p, FALSE, value);
}

/* A function of context calling cb(value, p), holding p. */
static JSCValue *settle_function(JSCContext *context, GCallback cb, Pending *p) {
        return jsc_value_new_function(context, NULL, cb, g_rc_box_acquire(p),
                                      pending_release, G_TYPE_NONE, 1, JSC_TYPE_VALUE);
}

/* Awaits value if it is a thenable, as an async function's await does. */
static void answer_when_settled(WebKitUserMessage *message, JSCValue *value) {
        JSCContext *context = jsc_value_get_context(value);
        g_autoptr(JSCValue) then = NULL;
        g_autoptr(JSCValue) on_fulfilled = NULL;
        g_autoptr(JSCValue) on_rejected = NULL;
        g_autoptr(JSCValue) ignored = NULL;
        Pending *p;

        if (jsc_value_is_object(value))
                then = jsc_value_object_get_property(value, "then");
        if (!then || !jsc_value_is_function(then)) {
                jsc_context_clear_exception(context);
                answer_value(message, value);
                return;
        }
        p = g_rc_box_new0(Pending);
        p->message = g_object_ref(message);
        on_fulfilled = settle_function(context, G_CALLBACK(fulfilled_cb), p);
        on_rejected = settle_function(context, G_CALLBACK(rejected_cb), p);
        ignored = jsc_value_object_invoke_method(value, "then", JSC_TYPE_VALUE, on_fulfilled, JSC_TYPE_VALUE,
                                                 on_rejected, G_TYPE_NONE);
        if (jsc_context_get_exception(context)) {
                /* A then() that throws rejects, as await makes it. */
                g_autofree char *text = jsc_exception_to_string(jsc_context_get_exception(context));

                jsc_context_clear_exception(context);
                if (!p->answered) {
                        p->answered = TRUE;
                        answer(message, FALSE, text);
                }
        }
        pending_release(p);
}

static gboolean page_message_cb(WebKitWebPage *page, WebKitUserMessage *message, gpointer user_data) {
        GVariant *params = webkit_user_message_get_parameters(message);
        g_autoptr(JSCContext) context = NULL;
        g_autoptr(JSCValue) value = NULL;
        g_autofree char *uri = NULL;
        JSCException *exception;
        const char *code;

        if (g_strcmp0(webkit_user_message_get_name(message), EXECUTE_SCRIPT_MESSAGE) != 0)
                return FALSE;
        if (!params || !g_variant_is_of_type(params, G_VARIANT_TYPE("(s)"))) {
                answer(message, FALSE, "appd: a script is wanted");
                return TRUE;
        }
        g_variant_get(params, "(&s)", &code);

        /* Deprecated for pages whose frames live in several processes,
         * which WebKitGTK does not make (no site isolation). */
        G_GNUC_BEGIN_IGNORE_DEPRECATIONS
        context = webkit_frame_get_js_context(webkit_web_page_get_main_frame(page));
        G_GNUC_END_IGNORE_DEPRECATIONS
        uri = g_strdup(webkit_web_page_get_uri(page));
        value = jsc_context_evaluate_with_source_uri(context, code, -1, uri ? uri : "", 1);
        exception = jsc_context_get_exception(context);
        if (exception) {
                g_autofree char *text = jsc_exception_to_string(exception);

                jsc_context_clear_exception(context);
                answer(message, FALSE, text);
                return TRUE;
        }
        answer_when_settled(message, value);
        return TRUE;
}

void page_scripts_watch(WebKitWebPage *page) {
        g_signal_connect(page, "user-message-received", G_CALLBACK(page_message_cb), NULL);
}
