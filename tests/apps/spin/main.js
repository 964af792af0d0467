// Never yields: only Manager.KillApp can end it.
console.log('spinning');
for (;;) {}
