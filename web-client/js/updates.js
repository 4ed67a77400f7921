// The screen on screen draws again when a view it shows changes, at most once a frame.

// Returns changed(name), to call whenever a view changes. onScreen() gives the screen on
// screen: {def, params, ctx, instance}; nextFrame runs a function before the next paint.
export function updateScheduler(onScreen, nextFrame = (fn) => requestAnimationFrame(fn)) {
  let pending = false;
  return (name) => {
    const cur = onScreen();
    if (!cur || !cur.instance || !cur.instance.update) return;
    if (name && cur.def.needs) {
      const names = cur.def.needs(cur.params, cur.ctx).map((n) => (Array.isArray(n) ? n[0] : n));
      if (!names.includes(name) && !['members', 'board'].includes(name)) return;
    }
    if (pending) return;
    pending = true;
    nextFrame(() => {
      pending = false;
      if (onScreen() === cur) cur.instance.update(name);
    });
  };
}
