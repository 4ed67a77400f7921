// Dutch first, English by a switch that is remembered on this device. The English texts are
// fetched only by those who choose them.
import {nl} from './strings-nl.js';

const KEY = 'rotonde.lang';
const tables = {nl, en: null};
let current = 'nl';
const listeners = new Set();

function wanted() {
  try {
    const v = localStorage.getItem(KEY);
    if (v === 'nl' || v === 'en') return v;
  } catch {
    // Storage blocked: Dutch.
  }
  return 'nl';
}

async function load(value) {
  if (value === 'en' && !tables.en) tables.en = (await import('./strings-en.js')).en;
}

// Before the first render: the remembered language, with its texts loaded.
export async function initLang() {
  const value = wanted();
  try {
    await load(value);
    current = value;
  } catch {
    current = 'nl';
  }
  document.documentElement.lang = current;
}

export function lang() {
  return current;
}

export async function setLang(value) {
  if (value !== 'nl' && value !== 'en') return;
  await load(value);
  current = value;
  try {
    localStorage.setItem(KEY, value);
  } catch {
    // Not remembered, still switched.
  }
  document.documentElement.lang = value;
  for (const fn of listeners) fn(value);
}

export function onLangChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

// Looks up a text by key, filling "{name}" placeholders from vars. A missing key shows
// itself, so a gap is visible rather than silent. A value may be a function of the vars.
export function t(key, vars) {
  const table = tables[current] || nl;
  let s = table[key];
  if (s === undefined) s = nl[key];
  if (s === undefined) return key;
  if (typeof s === 'function') return s(vars || {});
  if (!vars) return s;
  return s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] === undefined ? m : String(vars[k])));
}

export function has(key) {
  const table = tables[current] || nl;
  return table[key] !== undefined || nl[key] !== undefined;
}

export function locale() {
  return current === 'nl' ? 'nl-NL' : 'en-GB';
}
