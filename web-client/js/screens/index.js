// Every screen: {id, title(ctx), needs(params, ctx) -> view names, mount(root, ctx, params)}.
// mount returns {update, onEvent(record), destroy()}, each optional. update() draws the screen
// from its views; after views changed it gets update(changed), the Set of those that changed
// and the screen draws from (updates.js: its needs and the shell's).
// The home screen comes with the app; the others load when first visited, so a phone on a
// slow connection fetches only what it shows.
import {h, add} from '../dom.js';
import {t} from '../i18n.js';
import * as home from './home.js';

const lazy = {
  initiatives: () => import('./initiatives.js'),
  initiative: () => import('./initiative.js'),
  propose: () => import('./propose.js'),
  calendar: () => import('./calendar.js'),
  tasks: () => import('./tasks.js'),
  meetings: () => import('./meetings.js'),
  budget: () => import('./budget.js'),
  audit: () => import('./audit.js'),
  members: () => import('./members.js'),
  proposals: () => import('./proposals.js'),
  voorstel: () => import('./voorstel.js').then((m) => m.form),
  'voorstel-status': () => import('./voorstel.js').then((m) => m.status),
  inbox: () => import('./inbox.js'),
  'mail-settings': () => import('./mail.js').then((m) => m.settings),
  unsubscribe: () => import('./mail.js').then((m) => m.unsubscribe),
  'my-data': () => import('./mail.js').then((m) => m.mine),
  login: () => import('./welcome.js').then((m) => m.login),
  invite: () => import('./welcome.js').then((m) => m.invite),
};

const notFound = {
  id: 'not-found',
  title: () => t('notFound.title'),
  mount(root) {
    add(root, h('h1', null, t('notFound.title')), h('p', null, h('a', {href: '#/'}, t('notFound.home'))));
    return {};
  },
};

export async function loadScreen(name) {
  if (name === 'home') return home;
  if (lazy[name]) return lazy[name]();
  return notFound;
}

// Loads every screen in the background, so that one not yet visited still opens when the
// connection drops later (a volunteer on the metro).
// Resolves when all have come (or failed).
export function prefetchScreens() {
  // Not on a phone that asked to save data: then a screen loads when it is opened.
  if (navigator.connection && navigator.connection.saveData) return Promise.resolve();
  return Promise.allSettled(Object.values(lazy).map((load) => load()));
}
