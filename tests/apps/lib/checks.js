// Small helpers shared by the self-checking test apps.
const { app } = require('electron');

// Ends the app with exit code 1 and the reason on stderr.
function fail(why) {
  console.error(`FAIL: ${why}`);
  app.exit(1);
}

// Fails the app if it has not ended within `ms`.
function deadline(ms) {
  setTimeout(() => fail('timed out'), ms);
}

function check(ok, why) {
  if (!ok) throw new Error(why);
}

function same(got, want, what) {
  check(JSON.stringify(got) === JSON.stringify(want),
        `${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}

// Resolves with the event's arguments; rejects when it does not come.
function waitFor(emitter, name, ms = 10000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.removeListener(name, on);
      reject(new Error(`no '${name}' within ${ms} ms`));
    }, ms);
    function on(...args) {
      clearTimeout(timer);
      resolve(args);
    }
    emitter.once(name, on);
  });
}

// Checks that fn throws, with "Name: message" as given.
function throwsSync(fn, message, what) {
  try {
    fn();
  } catch (err) {
    same(`${err.name}: ${err.message}`, message, what);
    return;
  }
  throw new Error(`${what}: did not throw`);
}

async function rejection(promise) {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('the promise did not reject');
}

// The error fn() throws, or null.
function thrown(fn) {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return null;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// For apps whose pages check themselves: gives report(name, problems).
// The app fails at the first report with problems, or from a name not
// listed, and ends with exit code 0 once every name has reported none.
function reports(names) {
  const pending = new Set(names);
  return (name, problems) => {
    if (!pending.has(name)) return fail(`unexpected report from ${name}`);
    if (!Array.isArray(problems) || problems.length > 0) return fail(`${name}: ${[].concat(problems).join('; ')}`);
    pending.delete(name);
    if (pending.size === 0) {
      console.log('ok');
      app.exit(0);
    }
  };
}

module.exports = { fail, deadline, check, same, waitFor, throwsSync, rejection, thrown, sleep,
                   reports };
