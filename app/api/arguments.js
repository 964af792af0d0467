// What Electron's native layer checks of the arguments and objects it is
// given, with its error messages.
//
// Takes nothing; returns {destroyedError, conversionError, requireArgs,
// intArg, numberArg, stringArg}.
(function (require, ctx, internal) {
  'use strict';

  function destroyedError() {
    return new TypeError('Object has been destroyed');
  }

  // Electron converts native arguments with gin, whose failures read
  // "Error processing argument at index N, conversion failure from V",
  // V being V8's detail string for the value.
  function detailString(value) {
    if (typeof value === 'string') return value;
    if (typeof value === 'function') return '#<Function>';
    if (Array.isArray(value)) return value.map((v) => (v == null ? '' : String(v))).join(',');
    if (value && typeof value === 'object') {
      const name = value.constructor && value.constructor.name;
      return `#<${name || 'Object'}>`;
    }
    return String(value);
  }

  function conversionError(index, value) {
    return new TypeError(
      `Error processing argument at index ${index}, conversion failure from ${detailString(value)}`);
  }

  function requireArgs(args, count) {
    if (args.length < count) throw new TypeError('Insufficient number of arguments.');
  }

  // Whole pixels: fractions are rounded rather than refused, which is
  // kinder to apps that compute sizes from ratios.
  function intArg(args, index) {
    const value = args[index];
    if (typeof value !== 'number' || !Number.isFinite(value)) throw conversionError(index, value);
    return Math.round(value);
  }

  function numberArg(args, index) {
    const value = args[index];
    if (typeof value !== 'number' || Number.isNaN(value)) throw conversionError(index, value);
    return value;
  }

  function stringArg(args, index) {
    const value = args[index];
    if (typeof value !== 'string') throw conversionError(index, value);
    return value;
  }

  return { destroyedError, conversionError, requireArgs, intArg, numberArg, stringArg };
});
