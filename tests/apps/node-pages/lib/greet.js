// A module of the app's own, loaded into the page by require().
const settings = require('./settings.json');
const { EventEmitter } = require('events');

exports.greet = (name) => `${settings.greeting}, ${name}`;
exports.emitter = new EventEmitter();
exports.dirname = __dirname;
// Node's globals, which a module has also where the page has none (a
// preload with context isolation).
exports.platform = process.platform;
exports.hasGlobals = typeof global === 'object' && typeof setImmediate === 'function';
