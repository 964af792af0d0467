// A module of the app's own, loaded into the page by require().
const settings = require('./settings.json');
const { EventEmitter } = require('events');

exports.greet = (name) => `${settings.greeting}, ${name}`;
exports.emitter = new EventEmitter();
exports.dirname = __dirname;
