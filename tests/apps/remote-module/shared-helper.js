// Required by the page through remote.require(): it runs in the main process.
exports.where = () => process.type;
exports.add = (a, b) => a + b;
