// The screen on screen draws again when a view it shows changes: at most once a frame, told
// every such view that changed in that frame.

// Kept live by the shell for the whole session: ctx.name() reads members and ctx.initiative()
// reads board, so every screen that shows a person's name or an initiative's title draws
// from them, whether or not its needs() names them.
export const SHELL_VIEWS = Object.freeze(['members', 'board']);

// The views a screen draws from: the shell's and those its needs() asks for.
export function viewsOf(def, params, ctx) {
  const names = new Set(SHELL_VIEWS);
  for (const need of def.needs ? def.needs(params, ctx) : []) names.add(Array.isArray(need) ? need[0] : need);
  return names;
}

// Returns changed(name), to call whenever a view changes. onScreen() gives the screen on
// screen: {def, params, ctx, instance}; nextFrame runs a function before the next paint.
// A burst of changes (a backlog catching up, one event touching several views) becomes one
// instance.update(changed) on the next frame, `changed` the Set of the views that changed
// and the screen draws from. The screen is the one on screen when the frame comes, so one
// opened in between misses nothing either.
export function updateScheduler(onScreen, nextFrame = (fn) => requestAnimationFrame(fn)) {
  let changed = null;
  return (name) => {
    if (changed) {
      changed.add(name);
      return;
    }
    changed = new Set([name]);
    nextFrame(() => {
      const names = changed;
      changed = null;
      const cur = onScreen();
      if (!cur || !cur.instance || !cur.instance.update) return;
      const shown = viewsOf(cur.def, cur.params, cur.ctx);
      const relevant = new Set([...names].filter((n) => shown.has(n)));
      if (relevant.size) cur.instance.update(relevant);
    });
  };
}
