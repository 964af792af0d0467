// A page with Node under a policy that forbids eval: the app's own modules
// still load, the page's own eval stays refused.
const problems = [];
const expect = (ok, what) => {
  if (!ok) problems.push(what);
};
try {
  const greet = require('./lib/greet.js');
  expect(greet.greet('strict') === 'hello, strict', 'a module of the app under the policy');
  expect(greet.platform === 'linux', 'the module has process');
} catch (err) {
  problems.push(`require under the policy: ${err.message}`);
}
try {
  eval('1');
  problems.push("the page's own eval ran");
} catch (err) {
  expect(err.name === 'EvalError', `the page's own eval: ${err.name}`);
}
require('electron').ipcRenderer.send('report', 'strict', problems);
