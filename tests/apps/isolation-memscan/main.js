// Scans every readable mapping of its own process through /proc/self/mem
// for the marker isolation-secret holds, followed by 32 hex digits, and
// prints what it finds: while main scripts shared appd's process this
// read other apps' memory.  A secret of its own, made the same way,
// shows that the scan sees what a script holds.  Exits 0 when it found its
// own and no other, 1 otherwise.
const { app } = require('electron');
const crypto = require('crypto');
const fs = require('fs');

const marker = Buffer.from(['appd', 'isolation', 'secret:'].join('-'));
const hex = /^[0-9a-f]{32}/;

function scan() {
  const found = new Set();
  let regions = 0;
  const fd = fs.openSync('/proc/self/mem', 'r');
  for (const line of fs.readFileSync('/proc/self/maps', 'utf8').split('\n')) {
    const m = /^([0-9a-f]+)-([0-9a-f]+) r/.exec(line);
    if (!m || line.includes('[vvar]') || line.includes('[vsyscall]')) continue;
    const start = BigInt(`0x${m[1]}`), end = BigInt(`0x${m[2]}`);
    if (end - start > 256n * 1024n * 1024n) continue;
    const buf = Buffer.alloc(Number(end - start));
    try {
      fs.readSync(fd, buf, 0, buf.length, start);
    } catch {
      continue;
    }
    regions++;
    for (let i = buf.indexOf(marker); i >= 0; i = buf.indexOf(marker, i + 1)) {
      const after = buf.toString('latin1', i + marker.length, i + marker.length + 32);
      if (hex.test(after)) found.add(after);
    }
  }
  fs.closeSync(fd);
  return { regions, found: [...found] };
}

const own = crypto.randomBytes(16).toString('hex');
// JSON.parse makes a flat string: its bytes lie together in memory.
globalThis.control = JSON.parse(JSON.stringify(['appd', 'isolation', 'secret:'].join('-') + own));

app.whenReady().then(() => {
  const { regions, found } = scan();
  const others = found.filter((s) => s !== own);
  console.log(`memscan: ${regions} regions read, own secret ${found.includes(own) ? 'found' : 'missed'}, ` +
              `others found: [${others.join(',')}]`);
  app.exit(found.includes(own) && others.length === 0 ? 0 : 1);
});
