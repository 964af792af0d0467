/* The pixel work behind nativeImage (app/api/native-image.js): decoding
 * PNG and JPEG, encoding them, scaling.  JavaScript keeps each image as
 * Electron's bitmaps on Linux are: 32-bit pixels in B, G, R, A byte order,
 * alpha premultiplied, rows packed (width * 4 bytes).  gdk-pixbuf does the
 * codecs in this process, without a display; it wants straight RGBA, so
 * every crossing converts.
 *
 * binding.image in bootstrap.js: decode(bytes) → {width, height, pixels}
 * or null; encode(pixels, width, height, format, quality) → Buffer;
 * scale(pixels, width, height, newWidth, newHeight, quality) → Buffer. */
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <string.h>

#include "host-private.h"

/* Larger images are refused before their pixels are allocated: a
 * malformed or hostile file must not take the app's memory. */
#define IMAGE_MAX_SIDE   32768
#define IMAGE_MAX_PIXELS (64u * 1024 * 1024)

static bool image_size_ok(int width, int height) {
        return width > 0 && height > 0 && width <= IMAGE_MAX_SIDE && height <= IMAGE_MAX_SIDE &&
               (guint64) width * (guint64) height <= IMAGE_MAX_PIXELS;
}

static void size_prepared_cb(GdkPixbufLoader *loader, int width, int height, gpointer data) {
        bool *too_big = data;

        if (!image_size_ok(width, height)) {
                *too_big = true;
                /* 1×1 allocates nothing worth speaking of; the result is
                 * dropped. */
                gdk_pixbuf_loader_set_size(loader, 1, 1);
        }
}

/* gdk-pixbuf's loaders hand back what they decoded of a truncated file,
 * where Electron gives an empty image: the bytes must hold the whole file.
 * A PNG's chunks must run to IEND; a JPEG must end with its EOI marker. */
static bool png_complete(const guint8 *bytes, size_t size) {
        size_t at = 8;

        while (size - at >= 12) {
                guint32 length = (guint32) bytes[at] << 24 | bytes[at + 1] << 16 | bytes[at + 2] << 8 |
                                 bytes[at + 3];

                if (memcmp(bytes + at + 4, "IEND", 4) == 0)
                        return true;
                if (length > size - at - 12)
                        return false;
                at += 12 + (size_t) length;
        }
        return false;
}

static bool jpeg_complete(const guint8 *bytes, size_t size) {
        /* Some writers pad after the marker. */
        while (size > 2 && bytes[size - 1] == 0)
                size--;
        return size >= 4 && bytes[size - 2] == 0xff && bytes[size - 1] == 0xd9;
}

/* PNG or JPEG bytes as a pixbuf; NULL when they are neither, incomplete,
 * or too big. */
static GdkPixbuf *pixbuf_decode(const void *data, size_t size) {
        g_autoptr(GdkPixbufLoader) loader = NULL;
        const guchar *bytes = data;
        const char *type;
        bool too_big = false;
        GdkPixbuf *pixbuf;

        /* Only the formats Electron reads, whatever else gdk-pixbuf could. */
        if (size >= 8 && memcmp(bytes, "\x89PNG\r\n\x1a\n", 8) == 0 && png_complete(bytes, size))
                type = "png";
        else if (size >= 3 && bytes[0] == 0xff && bytes[1] == 0xd8 && bytes[2] == 0xff &&
                 jpeg_complete(bytes, size))
                type = "jpeg";
        else
                return NULL;
        loader = gdk_pixbuf_loader_new_with_type(type, NULL);
        if (!loader)
                return NULL;
        g_signal_connect(loader, "size-prepared", G_CALLBACK(size_prepared_cb), &too_big);
        if (!gdk_pixbuf_loader_write(loader, bytes, size, NULL) || too_big) {
                gdk_pixbuf_loader_close(loader, NULL);
                return NULL;
        }
        if (!gdk_pixbuf_loader_close(loader, NULL) || too_big)
                return NULL;
        pixbuf = gdk_pixbuf_loader_get_pixbuf(loader);
        return pixbuf ? g_object_ref(pixbuf) : NULL;
}

/* Straight RGB(A) rows with a stride → packed premultiplied BGRA. */
static void pixbuf_to_bgra(GdkPixbuf *pixbuf, guint8 *out) {
        int width = gdk_pixbuf_get_width(pixbuf), height = gdk_pixbuf_get_height(pixbuf);
        int stride = gdk_pixbuf_get_rowstride(pixbuf), channels = gdk_pixbuf_get_n_channels(pixbuf);
        bool alpha = gdk_pixbuf_get_has_alpha(pixbuf);
        const guint8 *pixels = gdk_pixbuf_read_pixels(pixbuf);

        for (int y = 0; y < height; y++) {
                const guint8 *s = pixels + (size_t) y * stride;

                for (int x = 0; x < width; x++, s += channels, out += 4) {
                        unsigned a = alpha ? s[3] : 255;

                        out[0] = (s[2] * a + 127) / 255;
                        out[1] = (s[1] * a + 127) / 255;
                        out[2] = (s[0] * a + 127) / 255;
                        out[3] = a;
                }
        }
}

/* Packed premultiplied BGRA → a straight RGBA pixbuf, or RGB (the alpha
 * dropped) without `alpha`. */
static GdkPixbuf *pixbuf_from_bgra(const guint8 *in, int width, int height, bool alpha) {
        GdkPixbuf *pixbuf = gdk_pixbuf_new(GDK_COLORSPACE_RGB, alpha, 8, width, height);
        int stride, channels = alpha ? 4 : 3;
        guint8 *pixels;

        if (!pixbuf)
                return NULL;
        stride = gdk_pixbuf_get_rowstride(pixbuf);
        pixels = gdk_pixbuf_get_pixels(pixbuf);
        for (int y = 0; y < height; y++) {
                guint8 *d = pixels + (size_t) y * stride;

                for (int x = 0; x < width; x++, in += 4, d += channels) {
                        unsigned a = in[3];

                        d[0] = a ? MIN(255u, (in[2] * 255 + a / 2) / a) : 0;
                        d[1] = a ? MIN(255u, (in[1] * 255 + a / 2) / a) : 0;
                        d[2] = a ? MIN(255u, (in[0] * 255 + a / 2) / a) : 0;
                        if (alpha)
                                d[3] = a;
                }
        }
        return pixbuf;
}

/* A new Buffer of `size` bytes; its data in *ret_data. */
static napi_value buffer_new(napi_env env, size_t size, void **ret_data) {
        napi_value value;

        if (napi_create_buffer(env, size, ret_data, &value) != napi_ok) {
                napi_throw_error(env, NULL, "nativeImage: out of memory");
                return NULL;
        }
        return value;
}

static int js_int(napi_env env, napi_value value) {
        int32_t i = 0;

        napi_get_value_int32(env, value, &i);
        return i;
}

/* The pixels argument, checked against width and height. */
static const guint8 *js_pixels(napi_env env, napi_value value, int width, int height) {
        const void *data;
        size_t size;

        if (!image_size_ok(width, height) || !js_value_get_bytes(env, value, &data, &size) ||
            size != (size_t) width * (size_t) height * 4) {
                napi_throw_type_error(env, NULL, "nativeImage: pixels do not match the size");
                return NULL;
        }
        return data;
}

static napi_value js_image_decode_cb(napi_env env, napi_callback_info info) {
        g_autoptr(GdkPixbuf) pixbuf = NULL;
        napi_value argv[1], result, buffer, v;
        size_t argc = 1;
        const void *data;
        size_t size;
        void *pixels;
        int width, height;

        if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
            !js_value_get_bytes(env, argv[0], &data, &size)) {
                napi_throw_type_error(env, NULL, "nativeImage: expected bytes");
                return NULL;
        }
        pixbuf = pixbuf_decode(data, size);
        if (!pixbuf) {
                napi_get_null(env, &result);
                return result;
        }
        width = gdk_pixbuf_get_width(pixbuf);
        height = gdk_pixbuf_get_height(pixbuf);
        buffer = buffer_new(env, (size_t) width * height * 4, &pixels);
        if (!buffer)
                return NULL;
        pixbuf_to_bgra(pixbuf, pixels);
        napi_create_object(env, &result);
        napi_create_int32(env, width, &v);
        napi_set_named_property(env, result, "width", v);
        napi_create_int32(env, height, &v);
        napi_set_named_property(env, result, "height", v);
        napi_set_named_property(env, result, "pixels", buffer);
        return result;
}

static napi_value js_image_encode_cb(napi_env env, napi_callback_info info) {
        g_autoptr(GdkPixbuf) pixbuf = NULL;
        g_autoptr(GError) error = NULL;
        g_autofree char *encoded = NULL, *quality_text = NULL;
        napi_value argv[5], buffer;
        size_t argc = 5, size = 0;
        const guint8 *in;
        char format[8] = "";
        void *out;
        int width, height;
        gboolean ok, jpeg;

        if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 5) {
                napi_throw_type_error(env, NULL, "nativeImage: missing arguments");
                return NULL;
        }
        width = js_int(env, argv[1]);
        height = js_int(env, argv[2]);
        napi_get_value_string_utf8(env, argv[3], format, sizeof format, NULL);
        if (!(in = js_pixels(env, argv[0], width, height)))
                return NULL;
        /* JPEG has no alpha: the colours are kept, the alpha dropped. */
        jpeg = g_str_equal(format, "jpeg");
        if (!jpeg && !g_str_equal(format, "png")) {
                napi_throw_type_error(env, NULL, "nativeImage: unknown format");
                return NULL;
        }
        pixbuf = pixbuf_from_bgra(in, width, height, !jpeg);
        if (!pixbuf) {
                napi_throw_error(env, NULL, "nativeImage: out of memory");
                return NULL;
        }
        if (jpeg) {
                quality_text = g_strdup_printf("%d", CLAMP(js_int(env, argv[4]), 0, 100));
                ok = gdk_pixbuf_save_to_buffer(pixbuf, &encoded, &size, "jpeg", &error, "quality",
                                               quality_text, NULL);
        } else
                ok = gdk_pixbuf_save_to_buffer(pixbuf, &encoded, &size, "png", &error, NULL);
        if (!ok) {
                napi_throw_error(env, NULL, error ? error->message : "nativeImage: cannot encode");
                return NULL;
        }
        buffer = buffer_new(env, size, &out);
        if (buffer)
                memcpy(out, encoded, size);
        return buffer;
}

static napi_value js_image_scale_cb(napi_env env, napi_callback_info info) {
        static const char *const qualities[] = { "good", "better", "best" };
        static const GdkInterpType interps[] = { GDK_INTERP_BILINEAR, GDK_INTERP_BILINEAR,
                                                 GDK_INTERP_HYPER };
        g_autoptr(GdkPixbuf) pixbuf = NULL, scaled = NULL;
        GdkInterpType interp = GDK_INTERP_HYPER;
        napi_value argv[6], buffer;
        size_t argc = 6;
        char quality[8] = "";
        const guint8 *in;
        void *out;
        int width, height, new_width, new_height;

        if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 6) {
                napi_throw_type_error(env, NULL, "nativeImage: missing arguments");
                return NULL;
        }
        width = js_int(env, argv[1]);
        height = js_int(env, argv[2]);
        new_width = js_int(env, argv[3]);
        new_height = js_int(env, argv[4]);
        napi_get_value_string_utf8(env, argv[5], quality, sizeof quality, NULL);
        for (size_t i = 0; i < G_N_ELEMENTS(qualities); i++)
                if (g_str_equal(quality, qualities[i]))
                        interp = interps[i];
        if (!(in = js_pixels(env, argv[0], width, height)))
                return NULL;
        if (!image_size_ok(new_width, new_height)) {
                napi_throw_range_error(env, NULL, "nativeImage: size out of range");
                return NULL;
        }
        pixbuf = pixbuf_from_bgra(in, width, height, true);
        scaled = pixbuf ? gdk_pixbuf_scale_simple(pixbuf, new_width, new_height, interp) : NULL;
        if (!scaled) {
                napi_throw_error(env, NULL, "nativeImage: out of memory");
                return NULL;
        }
        buffer = buffer_new(env, (size_t) new_width * new_height * 4, &out);
        if (buffer)
                pixbuf_to_bgra(scaled, out);
        return buffer;
}

napi_value native_image_binding(napi_env env) {
        static const struct {
                const char *name;
                napi_callback cb;
        } functions[] = {
                { "decode", js_image_decode_cb },
                { "encode", js_image_encode_cb },
                { "scale", js_image_scale_cb },
        };
        napi_value object, value;

        napi_create_object(env, &object);
        for (size_t i = 0; i < G_N_ELEMENTS(functions); i++) {
                napi_create_function(env, functions[i].name, NAPI_AUTO_LENGTH, functions[i].cb,
                                     NULL, &value);
                napi_set_named_property(env, object, functions[i].name, value);
        }
        return object;
}
