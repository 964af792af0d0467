// Electron's nativeImage module and its NativeImage class.
//
// An image is a set of representations, one per scale factor, each a
// bitmap as Electron's are on Linux: B, G, R, A bytes, alpha
// premultiplied, rows packed.  Decoding, encoding and scaling are
// ctx.image's (app/native-image.c); the rest is here.
//
// Takes nothing; returns {nativeImage, NativeImage, imageFile}:
// imageFile(image) is the file a NativeImage was read from, unchanged
// since, or null.
(function (require, ctx, internal) {
  'use strict';

  const fs = require('fs');
  const path = require('path');

  // The file name suffixes Electron reads as scale factors (icon@2x.png).
  const SCALE_SUFFIXES = [1, 1.25, 1.33, 1.4, 1.5, 1.8, 2, 2.5, 3, 4, 5];
  // Image files are read whole: a larger one is not an icon.
  const MAX_FILE_BYTES = 256 * 1024 * 1024;

  function isBytes(value) {
    return value instanceof ArrayBuffer || ArrayBuffer.isView(value);
  }

  function toBuffer(value) {
    if (Buffer.isBuffer(value)) return value;
    if (value instanceof ArrayBuffer) return Buffer.from(value);
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }

  function scaleOption(options) {
    const scale = options && typeof options === 'object' ? options.scaleFactor : undefined;
    return typeof scale === 'number' && scale > 0 && Number.isFinite(scale) ? scale : 1;
  }

  // A representation from a raw bitmap; null when the size does not fit
  // the bytes.
  function bitmapRep(buffer, width, height, scale) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) return null;
    const bytes = toBuffer(buffer);
    if (bytes.length < width * height * 4) return null;
    return { scale, width, height, pixels: Buffer.from(bytes.subarray(0, width * height * 4)) };
  }

  function decodedRep(bytes, scale) {
    const image = ctx.image.decode(toBuffer(bytes));
    return image && { scale, width: image.width, height: image.height, pixels: image.pixels };
  }

  function dataURLBytes(url) {
    const m = typeof url === 'string' && /^data:image\/(png|jpeg|jpg)?[^,]*?;base64,(.*)$/is.exec(url);
    return m ? Buffer.from(m[2], 'base64') : null;
  }

  class NativeImage {
    constructor(reps) {
      // Sorted by scale factor, at most one per factor.
      this._reps = [];
      for (const rep of reps || []) this._add(rep);
    }

    _add(rep) {
      if (!rep) return;
      // Changed: no longer just what the file holds.
      this._file = null;
      this._reps = this._reps.filter((r) => r.scale !== rep.scale);
      this._reps.push(rep);
      this._reps.sort((a, b) => a.scale - b.scale);
    }

    // The representation closest to `scale`, as Electron picks one.
    _rep(scale = 1) {
      let best = null;
      for (const rep of this._reps)
        if (!best || Math.abs(rep.scale - scale) < Math.abs(best.scale - scale)) best = rep;
      return best;
    }

    isEmpty() {
      return this._reps.length === 0;
    }

    getSize(scaleFactor) {
      const rep = this._rep(typeof scaleFactor === 'number' ? scaleFactor : 1);
      if (!rep) return { width: 0, height: 0 };
      return { width: Math.round(rep.width / rep.scale), height: Math.round(rep.height / rep.scale) };
    }

    getAspectRatio(scaleFactor) {
      const { width, height } = this.getSize(scaleFactor);
      return height === 0 ? 1 : width / height;
    }

    getScaleFactors() {
      return this._reps.map((r) => r.scale);
    }

    toPNG(options) {
      const rep = this._rep(scaleOption(options));
      return rep ? ctx.image.encode(rep.pixels, rep.width, rep.height, 'png', 0) : Buffer.alloc(0);
    }

    toJPEG(quality) {
      if (typeof quality !== 'number') throw new TypeError('Insufficient number of arguments.');
      const rep = this._rep(1);
      return rep ? ctx.image.encode(rep.pixels, rep.width, rep.height, 'jpeg', Math.round(quality))
                 : Buffer.alloc(0);
    }

    toBitmap(options) {
      const rep = this._rep(scaleOption(options));
      return rep ? Buffer.from(rep.pixels) : Buffer.alloc(0);
    }

    getBitmap(options) {
      return this.toBitmap(options);
    }

    toDataURL(options) {
      return `data:image/png;base64,${this.toPNG(options).toString('base64')}`;
    }

    // rect in device-independent pixels, scaled for each representation
    // and clipped to it.
    crop(rect) {
      if (!rect || typeof rect !== 'object') throw new TypeError('Insufficient number of arguments.');
      const reps = [];
      for (const rep of this._reps) {
        const x = Math.max(0, Math.round((rect.x || 0) * rep.scale));
        const y = Math.max(0, Math.round((rect.y || 0) * rep.scale));
        const width = Math.min(rep.width - x, Math.round((rect.width || 0) * rep.scale));
        const height = Math.min(rep.height - y, Math.round((rect.height || 0) * rep.scale));
        if (width <= 0 || height <= 0) continue;
        const pixels = Buffer.alloc(width * height * 4);
        for (let row = 0; row < height; row++) {
          const from = ((y + row) * rep.width + x) * 4;
          rep.pixels.copy(pixels, row * width * 4, from, from + width * 4);
        }
        reps.push({ scale: rep.scale, width, height, pixels });
      }
      return new NativeImage(reps);
    }

    // One size in device-independent pixels; a missing side keeps the
    // aspect ratio.  Every representation is scaled to match.
    resize(options) {
      if (!options || typeof options !== 'object') throw new TypeError('Insufficient number of arguments.');
      const size = this.getSize();
      if (this.isEmpty()) return new NativeImage();
      let { width, height } = options;
      const hasWidth = Number.isInteger(width) && width > 0;
      const hasHeight = Number.isInteger(height) && height > 0;
      if (!hasWidth && !hasHeight) {
        width = size.width;
        height = size.height;
      } else if (!hasHeight) {
        height = Math.max(1, Math.round(width * size.height / size.width));
      } else if (!hasWidth) {
        width = Math.max(1, Math.round(height * size.width / size.height));
      }
      const quality = ['good', 'better', 'best'].includes(options.quality) ? options.quality : 'best';
      const reps = this._reps.map((rep) => {
        const w = Math.max(1, Math.round(width * rep.scale));
        const h = Math.max(1, Math.round(height * rep.scale));
        return { scale: rep.scale, width: w, height: h,
                 pixels: ctx.image.scale(rep.pixels, rep.width, rep.height, w, h, quality) };
      });
      return new NativeImage(reps);
    }

    addRepresentation(options) {
      if (!options || typeof options !== 'object') throw new TypeError('Insufficient number of arguments.');
      const scale = scaleOption(options);
      if (isBytes(options.buffer)) {
        this._add(bitmapRep(options.buffer, options.width, options.height, scale) ||
                  decodedRep(options.buffer, scale));
      } else if (typeof options.dataURL === 'string') {
        const bytes = dataURLBytes(options.dataURL);
        if (bytes) this._add(decodedRep(bytes, scale));
      }
    }

    // macOS only: on Linux, as in Electron, no image is a template.
    setTemplateImage() {}

    isTemplateImage() {
      return false;
    }

    get isMacTemplateImage() {
      return false;
    }

    set isMacTemplateImage(value) {}

    getNativeHandle() {
      throw new Error('Not implemented');
    }
  }

  function readImageFile(file) {
    try {
      const stat = fs.statSync(file);
      if (!stat.isFile() || stat.size > MAX_FILE_BYTES) return null;
      return fs.readFileSync(file);
    } catch {
      return null;
    }
  }

  // Electron reads `name.png` and its `name@2x.png`-style siblings.
  function createFromPath(file) {
    if (typeof file !== 'string') throw new TypeError('Insufficient number of arguments.');
    const image = new NativeImage();
    if (file === '') return image;
    const resolved = path.resolve(file);
    const ext = path.extname(resolved);
    const base = resolved.slice(0, resolved.length - ext.length).replace(/@[0-9.]+x$/, '');
    const explicit = /@([0-9.]+)x$/.exec(resolved.slice(0, resolved.length - ext.length));
    const own = readImageFile(resolved);
    if (own) image._add(decodedRep(own, explicit ? Number(explicit[1]) : 1));
    if (image.isEmpty()) return image;
    for (const scale of SCALE_SUFFIXES) {
      const sibling = `${base}@${scale}x${ext}`;
      if (sibling === resolved || image.getScaleFactors().includes(scale)) continue;
      const bytes = readImageFile(sibling);
      if (bytes) image._add(decodedRep(bytes, scale));
    }
    image._file = resolved;
    return image;
  }

  function createFromBuffer(buffer, options) {
    if (!isBytes(buffer)) throw new TypeError('buffer must be a node Buffer');
    const scale = scaleOption(options);
    const decoded = decodedRep(buffer, scale);
    if (decoded) return new NativeImage([decoded]);
    if (options && typeof options === 'object')
      return new NativeImage([bitmapRep(buffer, options.width, options.height, scale)]);
    return new NativeImage();
  }

  function createFromBitmap(buffer, options) {
    if (!isBytes(buffer)) throw new TypeError('buffer must be a node Buffer');
    if (!options || typeof options !== 'object') throw new TypeError('options must be an object');
    const { width, height } = options;
    if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0)
      throw new Error('width and height must be > 0');
    if (toBuffer(buffer).length < width * height * 4) throw new Error('invalid buffer size');
    return new NativeImage([bitmapRep(buffer, width, height, scaleOption(options))]);
  }

  function createFromDataURL(url) {
    if (typeof url !== 'string') throw new TypeError('Insufficient number of arguments.');
    const bytes = dataURLBytes(url);
    return new NativeImage(bytes ? [decodedRep(bytes, 1)] : []);
  }

  const nativeImage = {
    createEmpty: () => new NativeImage(),
    createFromPath,
    createFromBuffer,
    createFromBitmap,
    createFromDataURL,
    // macOS names and symbols: an empty image elsewhere, as in Electron.
    createFromNamedImage: () => new NativeImage(),
    createMenuSymbol: () => new NativeImage(),
  };

  function imageFile(image) {
    return image instanceof NativeImage && image._file ? image._file : null;
  }

  return { nativeImage, NativeImage, imageFile };
});
