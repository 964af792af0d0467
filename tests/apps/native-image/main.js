// Checks nativeImage against what Electron documents, with no display:
// exits 0 when every check holds, 1 with the first failure otherwise.
const { app, nativeImage } = require('electron');
const fs = require('fs');
const os = require('os');
const path = require('path');
const zlib = require('zlib');
const { check, same } = require('../lib/checks.js');

// A PNG made here, byte by byte, so the decoder is tried on files no
// library wrote: width × height, 8-bit RGBA, every pixel `rgba`.
function crc32(bytes) {
  let crc = ~0;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}
function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}
function png(width, height, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const row = Buffer.alloc(1 + width * 4);
  for (let x = 0; x < width; x++) row.set(rgba, 1 + x * 4);
  const rows = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), chunk('IHDR', ihdr),
                        chunk('IDAT', zlib.deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

// 3×2 BGRA, premultiplied: red, green, blue / white, half-transparent
// blue (straight 0,0,255 at alpha 128), transparent.
const BITMAP = Buffer.from([
  0, 0, 255, 255, 0, 255, 0, 255, 255, 0, 0, 255,
  255, 255, 255, 255, 128, 0, 0, 128, 0, 0, 0, 0,
]);

function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'appd-native-image-'));
  try {
    checkEmpty();
    checkBitmapAndPNG();
    checkFiles(tmp);
    checkJPEG();
    checkCropAndResize();
    checkBadInput(tmp);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function checkEmpty() {
  const empty = nativeImage.createEmpty();
  check(empty.isEmpty(), 'createEmpty() is empty');
  same(empty.getSize(), { width: 0, height: 0 }, 'empty getSize');
  same(empty.toPNG().length, 0, 'empty toPNG');
  same(empty.toDataURL(), 'data:image/png;base64,', 'empty toDataURL');
  same(empty.getScaleFactors(), [], 'empty getScaleFactors');
  check(require('electron/common').nativeImage === nativeImage, 'electron/common has nativeImage');
}

function checkBitmapAndPNG() {
  const image = nativeImage.createFromBitmap(BITMAP, { width: 3, height: 2 });
  check(!image.isEmpty(), 'createFromBitmap not empty');
  same(image.getSize(), { width: 3, height: 2 }, 'bitmap getSize');
  same(image.getAspectRatio(), 1.5, 'getAspectRatio');
  check(image.toBitmap().equals(BITMAP), 'toBitmap returns the bitmap');
  check(image.getBitmap().equals(BITMAP), 'getBitmap returns the bitmap');

  const encoded = image.toPNG();
  check(encoded.subarray(0, 8).equals(Buffer.from('\x89PNG\r\n\x1a\n', 'latin1')), 'toPNG is a PNG');
  const decoded = nativeImage.createFromBuffer(encoded);
  same(decoded.getSize(), { width: 3, height: 2 }, 'PNG round trip size');
  check(decoded.toBitmap().equals(BITMAP), 'PNG round trip keeps every pixel');

  const url = image.toDataURL();
  check(url.startsWith('data:image/png;base64,'), 'toDataURL is a PNG data URL');
  check(nativeImage.createFromDataURL(url).toBitmap().equals(BITMAP), 'data URL round trip');

  // A PNG from outside: straight alpha in, premultiplied out.
  const outside = nativeImage.createFromBuffer(png(2, 1, [255, 0, 0, 128]));
  same([...outside.toBitmap()], [0, 0, 128, 128, 0, 0, 128, 128], 'PNG pixels premultiplied BGRA');

  // A bitmap with a size given to createFromBuffer.
  const raw = nativeImage.createFromBuffer(BITMAP, { width: 3, height: 2 });
  check(raw.toBitmap().equals(BITMAP), 'createFromBuffer of a bitmap');
}

function checkFiles(tmp) {
  const one = path.join(tmp, 'icon.png');
  fs.writeFileSync(one, png(4, 2, [0, 0, 255, 255]));
  fs.writeFileSync(path.join(tmp, 'icon@2x.png'), png(8, 4, [0, 255, 0, 255]));
  const image = nativeImage.createFromPath(one);
  same(image.getScaleFactors(), [1, 2], 'createFromPath reads the @2x sibling');
  same(image.getSize(), { width: 4, height: 2 }, 'size of the 1x representation');
  same(image.getSize(2), { width: 4, height: 2 }, 'size of the 2x representation, in DIP');
  same(image.toBitmap({ scaleFactor: 2 }).length, 8 * 4 * 4, 'the 2x bitmap');
  same([...image.toBitmap({ scaleFactor: 2 }).subarray(0, 4)], [0, 255, 0, 255], 'the 2x pixels');
  same([...image.toBitmap().subarray(0, 4)], [255, 0, 0, 255], 'the 1x pixels');

  const added = nativeImage.createEmpty();
  added.addRepresentation({ scaleFactor: 3, dataURL: image.toDataURL() });
  same(added.getScaleFactors(), [3], 'addRepresentation on an empty image');
  added.addRepresentation({ scaleFactor: 1, width: 3, height: 2, buffer: BITMAP });
  same(added.getScaleFactors(), [1, 3], 'addRepresentation of a bitmap');
}

function checkJPEG() {
  const grey = nativeImage.createFromBuffer(png(16, 16, [100, 150, 200, 255]));
  const jpeg = grey.toJPEG(90);
  same([...jpeg.subarray(0, 3)], [0xff, 0xd8, 0xff], 'toJPEG is a JPEG');
  const back = nativeImage.createFromBuffer(jpeg);
  same(back.getSize(), { width: 16, height: 16 }, 'JPEG round trip size');
  const [b, g, r, a] = back.toBitmap().subarray(0, 4);
  check(Math.abs(r - 100) <= 4 && Math.abs(g - 150) <= 4 && Math.abs(b - 200) <= 4 && a === 255,
        `JPEG round trip colour: got ${[r, g, b, a]}`);
  check(grey.toJPEG(10).length < jpeg.length || grey.toJPEG(10).length <= 700, 'quality is used');
}

function checkCropAndResize() {
  const image = nativeImage.createFromBitmap(BITMAP, { width: 3, height: 2 });
  const cropped = image.crop({ x: 1, y: 0, width: 2, height: 2 });
  same(cropped.getSize(), { width: 2, height: 2 }, 'crop size');
  same([...cropped.toBitmap()], [...BITMAP.subarray(4, 12), ...BITMAP.subarray(16, 24)], 'crop pixels');
  same(image.crop({ x: 2, y: 1, width: 10, height: 10 }).getSize(), { width: 1, height: 1 },
       'crop clipped to the image');
  check(image.crop({ x: 5, y: 5, width: 1, height: 1 }).isEmpty(), 'crop outside is empty');

  const flat = nativeImage.createFromBuffer(png(10, 5, [10, 20, 30, 255]));
  const wide = flat.resize({ width: 20 });
  same(wide.getSize(), { width: 20, height: 10 }, 'resize keeps the aspect ratio');
  same(flat.resize({ height: 1, quality: 'good' }).getSize(), { width: 2, height: 1 }, 'resize by height');
  same(flat.resize({ width: 3, height: 7 }).getSize(), { width: 3, height: 7 }, 'resize to both');
  same([...wide.toBitmap().subarray(44, 48)], [30, 20, 10, 255], 'resize keeps the colour');
}

function checkBadInput(tmp) {
  check(nativeImage.createFromPath(path.join(tmp, 'missing.png')).isEmpty(), 'missing file: empty');
  const text = path.join(tmp, 'not-an-image.png');
  fs.writeFileSync(text, 'hello');
  check(nativeImage.createFromPath(text).isEmpty(), 'not an image: empty');
  check(nativeImage.createFromPath(tmp).isEmpty(), 'a folder: empty');
  check(nativeImage.createFromBuffer(Buffer.from('junk')).isEmpty(), 'junk buffer: empty');
  const truncated = png(8, 8, [1, 2, 3, 255]).subarray(0, 60);
  check(nativeImage.createFromBuffer(truncated).isEmpty(), 'truncated PNG: empty');
  check(nativeImage.createFromDataURL('data:text/plain,hi').isEmpty(), 'not an image data URL: empty');
  // Wider than the bound: refused before its pixels are allocated; one
  // at the bound decodes.
  check(nativeImage.createFromBuffer(png(32769, 1, [0, 0, 0, 255])).isEmpty(), 'too wide: empty');
  same(nativeImage.createFromBuffer(png(32768, 1, [0, 0, 0, 255])).getSize(), { width: 32768, height: 1 },
       'at the bound: decoded');

  const throws = (fn, what) => {
    let threw = false;
    try { fn(); } catch { threw = true; }
    check(threw, `${what} throws`);
  };
  throws(() => nativeImage.createFromBitmap(Buffer.alloc(8), { width: 3, height: 2 }), 'short bitmap');
  throws(() => nativeImage.createFromBitmap(BITMAP, { width: 0, height: 2 }), 'zero width');
  throws(() => nativeImage.createFromBuffer('not a buffer'), 'createFromBuffer of a string');
  throws(() => nativeImage.createFromPath(42), 'createFromPath of a number');
  throws(() => nativeImage.createEmpty().getNativeHandle(), 'getNativeHandle on Linux');
  check(nativeImage.createFromNamedImage('NSFolder').isEmpty(), 'createFromNamedImage: empty');
}

try {
  main();
  console.log('ok');
  app.exit(0);
} catch (err) {
  console.error(`FAIL: ${err.message}`);
  app.exit(1);
}
