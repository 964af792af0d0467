// Electron's clipboard module (docs/api/clipboard.md of the release in
// docs/compat.md): the session's clipboard, which appd-desktop holds, so
// what an app writes stays after it quits.  Synchronous, as in Electron:
// each call waits for appd's answer (ctx.desktop, app/desktop-binding.c).
// `type` 'selection' is X11's PRIMARY selection; anything else is the
// clipboard, as Electron takes it.  Images cross as PNG bytes: readImage
// returns a NativeImage, writeImage takes one.
//
// Takes nativeImage and NativeImage.  Returns {clipboard}.
(function (require, ctx, internal) {
  'use strict';

  const desktop = ctx.desktop;
  const { nativeImage, NativeImage } = internal;

  const which = (type) => (type === 'selection' ? 'selection' : 'clipboard');

  function bytesOf(value) {
    return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  }

  function readBuffer(format, type) {
    return Buffer.from(desktop.clipboardRead(which(type), String(format)));
  }

  function readString(format, type) {
    return readBuffer(format, type).toString('utf8');
  }

  // items: [format, string or bytes], written all at once.
  function write(items, type) {
    desktop.clipboardWrite(which(type), items.map(([format, value]) => [format, bytesOf(value)]));
  }

  function requireString(value, what) {
    if (typeof value !== 'string') throw new TypeError(`${what} must be a string`);
    return value;
  }

  function pngOf(image) {
    if (image instanceof NativeImage) return image.toPNG();
    throw new TypeError('image must be a NativeImage');
  }

  const clipboard = {
    readText: (type) => readString('text/plain', type),
    writeText(text, type) {
      write([['text/plain', requireString(text, 'text')]], type);
    },
    readHTML: (type) => readString('text/html', type),
    writeHTML(markup, type) {
      write([['text/html', requireString(markup, 'markup')]], type);
    },
    readRTF: (type) => readString('text/rtf', type),
    writeRTF(text, type) {
      write([['text/rtf', requireString(text, 'text')]], type);
    },
    readImage: (type) => nativeImage.createFromBuffer(readBuffer('image/png', type)),
    writeImage(image, type) {
      write([['image/png', pngOf(image)]], type);
    },
    availableFormats: (type) => desktop.clipboardFormats(which(type)),
    has: (format, type) => desktop.clipboardFormats(which(type)).includes(String(format)),
    read: (format) => readString(format),
    readBuffer: (format) => readBuffer(format),
    writeBuffer(format, buffer, type) {
      if (!(buffer instanceof Uint8Array)) throw new TypeError('buffer must be a Buffer');
      write([[String(format), buffer]], type);
    },
    write(data, type) {
      if (!data || typeof data !== 'object') throw new TypeError('data must be an object');
      const items = [];
      if (data.text !== undefined) items.push(['text/plain', requireString(data.text, 'data.text')]);
      if (data.html !== undefined) items.push(['text/html', requireString(data.html, 'data.html')]);
      if (data.rtf !== undefined) items.push(['text/rtf', requireString(data.rtf, 'data.rtf')]);
      if (data.image !== undefined) items.push(['image/png', pngOf(data.image)]);
      // data.bookmark: macOS and Windows only (docs/compat.md).
      write(items, type);
    },
    clear(type) {
      write([], type);
    },
  };

  return { clipboard };
});
