// Allocates until the per-app heap limit ends it.
const hoard = [];
for (;;) hoard.push(new Array(1e5).fill({ x: Math.random() }));
