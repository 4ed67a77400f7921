// The buurtbudget: money in, what was decided (with the tally), what was spent on what (with
// receipts), spending over time, and the accountability report as CSV for the auditor and
// the city.
import {h, add, svg, setChildren, patchList} from '../dom.js';
import {t, lang} from '../i18n.js';
import {paths} from '../api.js';
import {fmtMoney, fmtDate, parseEuros, num, today, parseIso} from '../format.js';
import {loading, empty, badge, label, commandForm, disclosure, smallForm} from './common.js';

export const id = 'budget';
export const title = () => t('budget.title');
export const needs = () => ['budget', 'board'];

function shortId(prefix) {
  const bytes = new Uint8Array(4);
  crypto.getRandomValues(bytes);
  return `${prefix}-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export function mount(root, ctx) {
  const books = budgetBooks(ctx);
  const year = today().slice(0, 4);
  const period = h('input', {type: 'text', id: 'report-period', value: year, inputmode: 'numeric',
    class: 'period-input', maxlength: 25});
  const csv = h('a', {class: 'btn btn-secondary', href: paths.reportCsv(ctx.platform.id, year),
    download: `verantwoording-${ctx.platform.id}-${year}.csv`, id: 'report-csv'}, t('budget.csv'));
  period.addEventListener('input', () => {
    const p = period.value.trim();
    csv.href = paths.reportCsv(ctx.platform.id, p);
    csv.setAttribute('download', `verantwoording-${ctx.platform.id}-${p}.csv`);
  });
  add(root, 
    h('h1', null, t('budget.title')),
    books.el,
    h('section', {'aria-labelledby': 'h-report'}, h('h2', {id: 'h-report'}, t('budget.report')),
      h('p', {class: 'hint'}, t('budget.reportHint')),
      h('div', {class: 'field field-inline'}, h('label', {for: 'report-period'}, t('budget.period')), period, csv)));
  return {update: books.update};
}

// The books (also the auditor's replay).
export function budgetBooks(ctx) {
  const totals = h('div');
  const chart = h('div', {class: 'chart'});
  const allocations = h('div');
  const spending = h('ul', {class: 'cards', id: 'spending'});
  const expenses = h('div');
  const tools = h('div', {class: 'actions'});
  const start = h('div');
  const money = h('div', {class: 'actions'});
  const el = [totals, start, ctx.isCoordinator ? money : null,
    h('section', {'aria-labelledby': 'h-chart'}, h('h2', {id: 'h-chart'}, t('budget.chart')), chart),
    h('section', {'aria-labelledby': 'h-spending'}, h('h2', {id: 'h-spending'}, t('budget.spending')), tools, spending),
    h('section', {'aria-labelledby': 'h-expenses'}, h('h2', {id: 'h-expenses'}, t('budget.expenses')), expenses),
    h('section', {'aria-labelledby': 'h-alloc'}, h('h2', {id: 'h-alloc'}, t('budget.allocations')), allocations)];

  // The chart is drawn at the width it is shown at, so its text keeps its size on a phone.
  let shown = null;
  let drawnAt = -1;
  const draw = () => {
    drawnAt = chart.clientWidth;
    setChildren(chart, spendingChart(shown, drawnAt));
  };
  const resized = new ResizeObserver(() => {
    if (!chart.isConnected) resized.disconnect();
    else if (shown && chart.clientWidth !== drawnAt) draw();
  });
  resized.observe(chart);

  let toolsBuilt = false;
  function buildTools(board, v) {
    if (toolsBuilt || !ctx.canWrite) return;
    toolsBuilt = true;
    if (ctx.isCoordinator) add(money, moneyForms(ctx));
    const active = board.initiatives.filter((i) => i.status === 'active');
    add(tools, commandForm(ctx, t('budget.propose'), [
      {name: 'initiative', label: t('budget.forInitiative'), type: 'select',
        options: [['', t('budget.overhead')], ...active.map((i) => [i.id, i.title])],
        value: active.find((i) => i.organizerIds.includes(ctx.me)) ? active.find((i) => i.organizerIds.includes(ctx.me)).id : ''},
      {name: 'amount', label: t('budget.amount'), required: true, inputmode: 'decimal', hint: t('budget.amountHint')},
      {name: 'purpose', label: t('budget.purpose'), type: 'textarea', required: true},
    ], t('budget.proposeConfirm'), (els) => {
      const cents = parseEuros(els.amount.value);
      if (!(cents > 0)) return t('budget.badAmount');
      return [{proposeSpending: {spendingId: shortId('sp'), initiativeId: els.initiative.value,
        amountCents: String(cents), purpose: els.purpose.value.trim(), overhead: !els.initiative.value}},
      label('label.proposeSpending', {amount: fmtMoney(cents)})];
    }, {fk: 'propose-spending', class: 'btn'}));
    if (ctx.isCoordinator) {
      add(tools, commandForm(ctx, t('budget.expense'), () => {
        const cur = ctx.views.get('budget') || v;
        return [
          {name: 'spending', label: t('budget.line'), type: 'select', required: true,
            options: [['', t('budget.chooseLine')], ...cur.spending.filter((s) => s.status === 'approved')
              .map((s) => [s.id, `${s.purpose} (${fmtMoney(num(s.amountCents) - num(s.spentCents))} ${t('budget.left')})`])]},
          {name: 'amount', label: t('budget.amount'), required: true, inputmode: 'decimal'},
          {name: 'receipt', label: t('budget.receipt'), required: true, hint: t('budget.receiptHint')},
          {name: 'paidTo', label: t('budget.paidTo')},
          {name: 'date', label: t('budget.date'), type: 'date', value: today()},
        ];
      }, t('budget.expenseConfirm'), (els) => {
        const cents = parseEuros(els.amount.value);
        if (!(cents > 0)) return t('budget.badAmount');
        return [{recordExpense: {expenseId: shortId('ex'), spendingId: els.spending.value,
          amountCents: String(cents), receiptReference: els.receipt.value.trim(), paidTo: els.paidTo.value.trim(),
          date: els.date.value}}, label('label.recordExpense', {amount: fmtMoney(cents)})];
      }, {fk: 'record-expense', class: 'btn btn-secondary'}));
    }
  }

  function update() {
    const v = ctx.views.get('budget');
    const board = ctx.views.get('board');
    if (!v || !board) return setChildren(totals, loading());
    buildTools(board, v);
    const cap = v.overheadCapPercent;
    setChildren(totals, h('dl', {class: 'totals', id: 'budget-totals'},
      total(t('budget.balance'), fmtMoney(v.balanceCents), 'big'),
      total(t('budget.allocated'), fmtMoney(v.allocatedCents)),
      total(t('budget.approved'), fmtMoney(v.approvedCents)),
      total(t('budget.spent'), fmtMoney(v.spentCents)),
      total(t('budget.uncommitted'), fmtMoney(v.uncommittedCents)),
      total(t('budget.overheadLabel'), cap >= 0
        ? t('budget.overheadOfCap', {amount: fmtMoney(v.overheadApprovedCents), cap})
        : fmtMoney(v.overheadApprovedCents))));
    // A new platform: whoever can record money coming in is shown where to begin.
    setChildren(start, ctx.isCoordinator && !v.allocations.length
      ? h('p', {class: 'notice', id: 'budget-start'}, t('budget.start')) : null);
    shown = v;
    draw();
    const title = (iid) => (iid ? ctx.lookups.initiative(iid) || iid : t('budget.overhead'));
    if (!v.spending.length) setChildren(spending, h('li', {class: 'empty'}, t('budget.noSpending')));
    else {
      const order = {proposed: 0, approved: 1, rejected: 2, closed: 3};
      const lines = v.spending.slice().sort((a, b) => (order[a.status] ?? 3) - (order[b.status] ?? 3));
      patchList(spending, lines, (s) => s.id, (s) => spendingCard(s, title(s.initiativeId), ctx),
        (s) => JSON.stringify([s, lang(), title(s.initiativeId), ctx.name(s.proposedBy), ctx.name(s.decidedBy)]));
    }
    const purposeOf = (sid) => {
      const s = v.spending.find((x) => x.id === sid);
      return s ? s.purpose : sid;
    };
    // A card a row on a phone (app.css); wider, the table may scroll sideways: focusable, so
    // the keyboard can scroll it too.
    setChildren(expenses, v.expenses.length ? h('div', {class: 'table-wrap', tabindex: '0', role: 'region',
      'aria-label': t('budget.expenses')}, h('table', {class: 'data expenses-table', id: 'expenses-table'},
      h('caption', {class: 'sr-only'}, t('budget.expenses')),
      h('thead', null, h('tr', null, h('th', {scope: 'col'}, t('budget.date')), h('th', {scope: 'col'}, t('budget.purpose')),
        h('th', {scope: 'col'}, t('budget.paidTo')), h('th', {scope: 'col'}, t('budget.receipt')),
        h('th', {scope: 'col', class: 'num'}, t('budget.amount')))),
      h('tbody', null, v.expenses.slice().sort((a, b) => (b.date || '').localeCompare(a.date || '')).map((e) => h('tr', null,
        h('td', {'data-label': t('budget.date')}, e.date ? fmtDate(e.date, 'short') : null),
        h('td', null, purposeOf(e.spendingId)), h('td', {'data-label': t('budget.paidTo')}, e.paidTo || null),
        h('td', {'data-label': t('budget.receipt')}, e.receiptReference || null),
        h('td', {class: 'num'}, fmtMoney(e.amountCents)))))))
      : empty(t('budget.noExpenses')));
    setChildren(allocations, v.allocations.length ? h('ul', {class: 'plain-list'}, v.allocations.map((a) => h('li', null,
      h('strong', null, fmtMoney(a.amountCents)), ' · ', a.source, a.period ? ` · ${a.period}` : '')))
      : empty(t('budget.noAllocations')));
    return undefined;
  }
  return {el, update};
}

// Money coming in and the overhead cap, for coordinators and admins. A refusal is said next
// to its form, which stays open to put it right, so it does not wait in the outbox as well.
function moneyForms(ctx) {
  const form = (text, fk, fields, submitText, build, why) => disclosure(text, (close) => smallForm(fields(),
    submitText, async (els) => {
      const made = build(els);
      if (typeof made === 'string') return made;
      const kind = Object.keys(made[0])[0];
      let refusal = {};
      const off = ctx.live.on('refused', ({commandId, error}) => {
        const entry = ctx.live.outbox.get(commandId);
        if (!entry || !entry.command[kind]) return;
        refusal = error;
        ctx.live.discard(commandId);
      });
      try {
        if ((await ctx.run(made[0], made[1])) === 'failed') return (why && why(refusal, els)) || ctx.errorText(refusal);
        close();
        return null;
      } finally {
        off();
      }
    }, {onCancel: close}), {fk, class: 'btn btn-secondary'});
  const budget = () => ctx.views.get('budget') || {};
  return [
    form(t('budget.allocate'), 'allocate-budget', () => [
      {name: 'source', label: t('budget.source'), required: true, maxlength: 200, hint: t('budget.sourceHint')},
      {name: 'amount', label: t('budget.amount'), required: true, inputmode: 'decimal', hint: t('budget.allocAmountHint')},
      {name: 'period', label: t('budget.period'), value: today().slice(0, 4), maxlength: 100},
    ], t('budget.expenseConfirm'), (els) => {
      const cents = parseEuros(els.amount.value);
      if (!(cents > 0)) return t('budget.badAmount');
      return [{allocateBudget: {allocationId: shortId('al'), source: els.source.value.trim(),
        amountCents: String(cents), period: els.period.value.trim()}}, label('label.allocateBudget', {amount: fmtMoney(cents)})];
    }),
    form(t('budget.setCap'), 'overhead-cap', () => [
      {name: 'percent', label: t('budget.capPercent'), type: 'number', required: true, min: 0, max: 100,
        inputmode: 'numeric', value: budget().overheadCapPercent >= 0 ? String(budget().overheadCapPercent) : '',
        hint: t('budget.capHint', {amount: fmtMoney(budget().overheadApprovedCents)})},
    ], t('save'), (els) => {
      const percent = els.percent.value.trim();
      if (!/^\d{1,3}$/.test(percent) || Number(percent) > 100) return t('budget.badPercent');
      return [{setOverheadCap: {percent: Number(percent)}}, label('label.setOverheadCap', {percent: Number(percent)})];
    }, (error, els) => error.code === 'overhead_cap_exceeded' && t('budget.capTooLow',
      {amount: fmtMoney(budget().overheadApprovedCents), percent: Number(els.percent.value)})),
  ];
}

function total(term, value, cls) {
  return h('div', {class: ['total', cls]}, h('dt', null, term), h('dd', null, value));
}

function spendingCard(s, forWhat, ctx) {
  const card = h('li', {class: ['card', 'spending', `spending-${s.status}`], 'data-spending': s.id},
    h('h3', {class: 'card-title'}, s.purpose),
    h('p', {class: 'meta'}, forWhat, ' · ', h('strong', null, fmtMoney(s.amountCents)),
      s.proposedBy ? ` · ${t('budget.proposedBy', {name: ctx.name(s.proposedBy)})}` : ''),
    h('p', {class: 'badges'}, badge(t(`spending.${s.status}`), s.status),
      s.decidedBy ? h('span', {class: 'meta tally'}, ` ${t('budget.tally', {for: s.votesFor,
        against: s.votesAgainst, abstained: s.votesAbstained})}`) : null,
      s.decidedBy ? h('span', {class: 'meta'}, ` · ${t('budget.decidedBy', {name: ctx.name(s.decidedBy)})}`) : null),
    s.note ? h('p', {class: 'note'}, s.note) : null,
    num(s.spentCents) ? h('p', {class: 'meta'}, t('budget.spentOf', {spent: fmtMoney(s.spentCents)})) : null,
    s.status === 'closed' ? h('p', {class: 'meta closed-line'}, [
      s.closedByCancellation ? t('budget.closedCancelled') : t('budget.closedBy'),
      num(s.releasedCents) ? ` ${t('budget.released', {amount: fmtMoney(s.releasedCents)})}` : '',
      s.closeReason ? ` ${s.closeReason}` : ''].join('')) : null);
  if (s.status === 'proposed' && ctx.isCoordinator) {
    add(card, h('div', {class: 'actions'}, commandForm(ctx, t('budget.decide'), [
      {name: 'approved', label: t('budget.decision'), type: 'select', required: true,
        options: [['', t('budget.chooseDecision')], ['yes', t('spending.approved')], ['no', t('spending.rejected')]]},
      {name: 'for', label: t('budget.votesFor'), type: 'number', min: 0, inputmode: 'numeric'},
      {name: 'against', label: t('budget.votesAgainst'), type: 'number', min: 0, inputmode: 'numeric'},
      {name: 'abstained', label: t('budget.votesAbstained'), type: 'number', min: 0, inputmode: 'numeric'},
      {name: 'note', label: t('budget.note'), type: 'textarea'},
    ], t('save'), (els) => [{decideSpending: {spendingId: s.id, approved: els.approved.value === 'yes',
      votesFor: Number(els.for.value || 0), votesAgainst: Number(els.against.value || 0),
      votesAbstained: Number(els.abstained.value || 0), note: els.note.value.trim()}},
    label('label.decideSpending', {title: s.purpose})], {fk: `decide-${s.id}`})));
  }
  // An approved line that has spent what it needed (or is no longer needed) is closed: what
  // it did not spend may be approved again.
  if (s.status === 'approved' && ctx.isCoordinator) {
    add(card, h('div', {class: 'actions'}, commandForm(ctx, t('budget.close'), [
      {name: 'reason', label: t('budget.closeReason'), type: 'textarea'},
    ], t('budget.closeConfirm', {amount: fmtMoney(num(s.amountCents) - num(s.spentCents))}),
    (els) => [{closeSpending: {spendingId: s.id, reason: els.reason.value.trim()}},
      label('label.closeSpending', {title: s.purpose})], {fk: `close-${s.id}`, class: 'btn btn-small btn-secondary'})));
  }
  return card;
}

// Spending over time: the running total of expenses by date, against what was allocated and
// approved. Built with DOM calls (no markup strings); the table of expenses is its text
// equivalent. Drawn `width` CSS pixels wide (640 while not shown): its text as app.css sizes it.
function spendingChart(v, width) {
  const points = v.expenses.filter((e) => e.date).slice().sort((a, b) => a.date.localeCompare(b.date));
  if (!points.length) return empty(t('budget.noExpenses'));
  const W = width > 0 ? width : 640;
  const H = 240;
  const first = parseIso(points[0].date).getTime();
  const lastDate = points[points.length - 1].date;
  const last = Math.max(parseIso(lastDate).getTime(), first + 86400000);
  const top = Math.max(num(v.allocatedCents), num(v.approvedCents), num(v.spentCents), 1);
  const marks = [0, 0.5, 1].map((f) => [top * f, fmtMoney(Math.round(top * f / 100) * 100)]);
  // Room on the left for the longest amount, at about 7.5 px a character.
  const pad = {l: Math.ceil(14 + 7.5 * Math.max(...marks.map(([, s]) => s.length))), r: 12, t: 22, b: 28};
  const x = (ms) => pad.l + ((ms - first) / (last - first)) * (W - pad.l - pad.r);
  const y = (c) => H - pad.b - (c / top) * (H - pad.t - pad.b);
  let sum = 0;
  let d = `M ${x(first).toFixed(1)} ${y(0).toFixed(1)}`;
  for (const e of points) {
    const px = x(parseIso(e.date).getTime()).toFixed(1);
    d += ` L ${px} ${y(sum).toFixed(1)}`;
    sum += num(e.amountCents);
    d += ` L ${px} ${y(sum).toFixed(1)}`;
  }
  const summary = t('budget.chartSummary', {spent: fmtMoney(sum), from: fmtDate(points[0].date),
    to: fmtDate(lastDate), allocated: fmtMoney(v.allocatedCents)});
  const line = (value, cls, text) => [
    svg('line', {x1: pad.l, x2: W - pad.r, y1: y(value).toFixed(1), y2: y(value).toFixed(1), class: cls}),
    svg('text', {x: W - pad.r, y: (y(value) - 4).toFixed(1), 'text-anchor': 'end', class: 'chart-label'}, text)];
  const ticks = marks.map(([c, s]) => svg('text', {x: pad.l - 6, y: (y(c) + 4).toFixed(1), 'text-anchor': 'end',
    class: 'chart-axis'}, s));
  return svg('svg', {viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': summary, class: 'spend-chart', id: 'spend-chart'},
    svg('title', null, summary),
    svg('line', {x1: pad.l, x2: pad.l, y1: pad.t, y2: H - pad.b, class: 'chart-frame'}),
    svg('line', {x1: pad.l, x2: W - pad.r, y1: H - pad.b, y2: H - pad.b, class: 'chart-frame'}),
    ticks,
    line(num(v.allocatedCents), 'chart-allocated', t('budget.allocated')),
    num(v.approvedCents) !== num(v.allocatedCents) ? line(num(v.approvedCents), 'chart-approved', t('budget.approved')) : null,
    svg('path', {d, class: 'chart-spent'}),
    svg('text', {x: pad.l, y: H - 8, class: 'chart-axis'}, fmtDate(points[0].date, 'short')),
    svg('text', {x: W - pad.r, y: H - 8, 'text-anchor': 'end', class: 'chart-axis'}, fmtDate(lastDate, 'short')));
}
