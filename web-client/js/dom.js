// DOM helpers. Every piece of user text becomes a text node: nothing here parses HTML, so a
// title like "<img src=x onerror=...>" is shown as the characters it is.

const SVG_NS = 'http://www.w3.org/2000/svg';

// h('button', {class: 'x', onClick: fn, 'aria-label': '...'}, 'text', childNode, [more])
// Attribute values are set with setAttribute, never parsed as markup; on* keys add listeners.
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

export function svg(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

function build(el, attrs, children) {
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') {
        el.addEventListener(k.slice(2).toLowerCase(), v);
      } else if (k === 'style') {
        throw new Error('no style attributes: the CSP forbids them; use a class');
      } else if (k === 'class') {
        el.setAttribute('class', Array.isArray(v) ? v.filter(Boolean).join(' ') : v);
      } else if (k === 'value' && 'value' in el) {
        el.value = v;
      } else if (k === 'checked' || k === 'selected' || k === 'disabled' || k === 'open') {
        el[k] = Boolean(v);
      } else {
        el.setAttribute(k, v === true ? '' : String(v));
      }
    }
  }
  append(el, children);
  return el;
}

// Appends children as h() does: text as text nodes, arrays flattened, null and false
// skipped (the DOM's own append would show "null").
export function add(el, ...children) {
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

// Gives focus back to the control with the same data-fk after `fn` rebuilt the tree: a
// keyboard or screen reader user keeps their place through a live update.
export function keepFocus(root, fn) {
  const active = document.activeElement;
  const key = active && root.contains(active) && active.dataset ? active.dataset.fk : undefined;
  fn();
  if (key && !root.contains(document.activeElement)) {
    const again = root.querySelector(`[data-fk="${CSS.escape(key)}"]`);
    if (again) again.focus({preventScroll: true});
  }
}

// Shows `items` in `container`, keeping the node of an unchanged item (its focus, open
// state, typed text) and moving nodes only when the order changed.
export function patchList(container, items, keyOf, render, sigOf = (x) => JSON.stringify(x)) {
  let refocus = null;
  keepFocus(container, () => {
    const old = new Map();
    for (const child of container.children) {
      if (child._key !== undefined) old.set(child._key, child);
    }
    const next = items.map((item) => {
      const key = keyOf(item);
      const sig = sigOf(item);
      const prev = old.get(key);
      if (prev && prev._sig === sig) return prev;
      const node = render(item);
      node._key = key;
      node._sig = sig;
      if (prev) refocus = carryOpenForms(prev, node) || refocus;
      return node;
    });
    let cursor = container.firstChild;
    for (const node of next) {
      if (node === cursor) {
        cursor = cursor.nextSibling;
        continue;
      }
      container.insertBefore(node, cursor);
    }
    while (cursor) {
      const after = cursor.nextSibling;
      container.removeChild(cursor);
      cursor = after;
    }
  });
  if (refocus && refocus.isConnected && !container.contains(document.activeElement)) {
    refocus.focus({preventScroll: true});
  }
}

// A form someone is filling in (a disclosure: a button with data-fk, aria-expanded and
// aria-controls) survives a live re-render of its item: opened again in the new node, with
// what was typed. Returns the field to give focus back to, if the old one had it.
function carryOpenForms(prev, node) {
  let refocus = null;
  for (const btn of prev.querySelectorAll('[data-fk][aria-expanded="true"]')) {
    const panel = prev.querySelector(`#${CSS.escape(btn.getAttribute('aria-controls') || '')}`);
    const again = node.querySelector(`[data-fk="${CSS.escape(btn.dataset.fk)}"][aria-expanded="false"]`);
    if (!panel || !again) continue;  // the item no longer offers it
    const fields = [...panel.querySelectorAll('input, textarea, select')].filter((el) => el.name);
    const focused = fields.find((el) => el === document.activeElement);
    again.click();
    const opened = node.querySelector(`#${CSS.escape(again.getAttribute('aria-controls') || '')}`);
    if (!opened) continue;
    for (const el of fields) {
      const copy = opened.querySelector(`[name="${CSS.escape(el.name)}"]`);
      if (!copy) continue;
      if (el.type === 'checkbox') copy.checked = el.checked;
      else copy.value = el.value;
      if (el === focused) refocus = copy;
    }
  }
  return refocus;
}

// Replaces the children of `el`, keeping focus as keepFocus does.
export function setChildren(el, ...children) {
  keepFocus(el, () => {
    el.replaceChildren();
    append(el, children);
  });
}

let uid = 0;
export function nextId(prefix = 'f') {
  uid += 1;
  return `${prefix}-${uid}`;
}
