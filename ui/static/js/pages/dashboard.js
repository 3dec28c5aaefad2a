// @ts-check
// The refunds desk at a glance (#/dashboard): the ledger's summary for a window and a policy
// (GET /v1/reports/summary) as figures, tables and charts, and the work queue of escalated and
// soon-due cases, sorted by deadline, with links into them. Charts come from chart.js, which the
// API serves from the project's own dependencies; every chart's figures are also in a table.
import { ApiError, api } from '../api.js';
import { announce, badge, h, show } from '../dom.js';
import { money, when, words } from '../format.js';

/** @typedef {import('../../../types').ReportSummary} ReportSummary */
/** @typedef {import('../../../types').CaseList} CaseList */
/** @typedef {import('../../../types').PolicyList} PolicyList */
/** @typedef {import('../../../types').ChartInstance} ChartInstance */

const DAY = 86_400_000;
/** "Soon due": the next deadline within this many days (the filter's choices; 7 by default). */
const DUE_CHOICES = ['1', '3', '7', '14'];
const COLORS = ['#1f3a5f', '#2f7d4f', '#b5542a', '#7a4fa3', '#a0781b', '#4f6f8f'];

/** @type {ChartInstance[]} */
let charts = [];

/** Frees the charts (their resize observers) when the page is left. */
export function leaveDashboard() {
  for (const chart of charts) chart.destroy();
  charts = [];
}

/** @type {Promise<NonNullable<Window['Chart']>> | undefined} */
let chartLibrary;
/** chart.js's UMD build, loaded once, only for this page. */
function loadChartLibrary() {
  chartLibrary ??= new Promise((resolve, reject) => {
    if (window.Chart) return resolve(window.Chart);
    const script = h('script', { src: '/vendor/chart.js/chart.umd.min.js' });
    script.addEventListener('load', () =>
      window.Chart ? resolve(window.Chart) : reject(new Error('chart.js did not load')),
    );
    script.addEventListener('error', () => reject(new Error('chart.js could not be loaded')));
    document.head.append(script);
  });
  return chartLibrary;
}

/** @param {Date} date */
const isoDate = (date) => date.toISOString().slice(0, 10);

/** @param {URLSearchParams} params */
export async function dashboardPage(params) {
  leaveDashboard();
  const today = new Date();
  const to = params.get('to') || isoDate(today);
  const from = params.get('from') || isoDate(new Date(today.getTime() - 29 * DAY));
  const policy = params.get('policy') || '';
  const dueDays = DUE_CHOICES.includes(params.get('due') || '') ? Number(params.get('due')) : 7;
  const { policies } = /** @type {PolicyList} */ (await api('GET', '/v1/policies'));

  const filters = h(
    'form',
    { class: 'card filters', role: 'search', 'aria-label': 'Report window' },
    h(
      'div',
      {},
      h('label', { for: 'd-from' }, 'From'),
      h('input', { id: 'd-from', name: 'from', type: 'date', value: from }),
    ),
    h(
      'div',
      {},
      h('label', { for: 'd-to' }, 'To'),
      h('input', { id: 'd-to', name: 'to', type: 'date', value: to }),
    ),
    h(
      'div',
      {},
      h('label', { for: 'd-policy' }, 'Policy'),
      h(
        'select',
        { id: 'd-policy', name: 'policy' },
        h('option', { value: '' }, 'all policies'),
        policies.map((p) => h('option', { value: p.id, selected: p.id === policy }, p.id)),
      ),
    ),
    h(
      'div',
      {},
      h('label', { for: 'd-due' }, 'Due within'),
      h(
        'select',
        { id: 'd-due', name: 'due' },
        DUE_CHOICES.map((d) =>
          h('option', { value: d, selected: Number(d) === dueDays }, `${d} day${d === '1' ? '' : 's'}`),
        ),
      ),
    ),
    h('button', { class: 'primary', type: 'submit' }, 'Show'),
  );
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const [name, value] of new FormData(filters)) if (value) next.set(name, String(value));
    location.hash = `#/dashboard?${next}`;
  });
  const figures = h(
    'section',
    { 'aria-labelledby': 'd-figures' },
    h('h2', { id: 'd-figures' }, 'Figures'),
    h('p', {}, 'Loading…'),
  );
  const queue = h(
    'section',
    { 'aria-labelledby': 'd-queue' },
    h('h2', { id: 'd-queue' }, 'Work queue'),
    h('p', {}, 'Loading…'),
  );
  show('Dashboard', filters, figures, queue);

  const query = new URLSearchParams({ from, to });
  if (policy) query.set('policy', policy);
  await Promise.all([showFigures(figures, query), showQueue(queue, dueDays)]);
  announce('Dashboard loaded');
}

/** @param {HTMLElement} section @param {URLSearchParams} query */
async function showFigures(section, query) {
  /** @type {ReportSummary} */
  let summary;
  try {
    summary = /** @type {ReportSummary} */ (await api('GET', `/v1/reports/summary?${query}`));
  } catch (err) {
    const message =
      err instanceof ApiError && err.issues.length > 0
        ? err.issues.map((i) => `${i.path}: ${i.message}`).join('; ')
        : err instanceof Error
          ? err.message
          : String(err);
    section.replaceChildren(
      h('h2', { id: 'd-figures' }, 'Figures'),
      h('p', { class: 'error', role: 'alert' }, message),
    );
    return;
  }
  const decisions = Object.values(summary.outcomes).reduce((a, b) => a + b, 0);
  const outcomeChart = canvasFor(
    'Decisions by outcome',
    Object.entries(summary.outcomes).map(([o, n]) => `${words(o)} ${n}`),
  );
  const reasonChart = canvasFor(
    'Denial reasons',
    summary.denialReasons.map((r) => `${words(r.code)} ${r.count}`),
  );
  const timeChart = canvasFor(
    'Decision time in hours, p50 and p90, per policy',
    summary.decisionTime.map((d) => `${d.policyId} p50 ${d.p50Hours} h, p90 ${d.p90Hours} h`),
  );
  section.replaceChildren(
    h('h2', { id: 'd-figures' }, 'Figures'),
    h(
      'p',
      { class: 'window' },
      `${when(summary.from)} up to ${when(summary.to)}${summary.policy ? ` · ${summary.policy}` : ''}`,
    ),
    h(
      'ul',
      { class: 'tiles', 'aria-label': 'Totals' },
      tile('Requests', summary.requests),
      tile('Decisions', decisions),
      tile('Escalated cases', summary.escalations),
      tile('Payouts past their limit', summary.payoutsPastLimit),
    ),
    h(
      'div',
      { class: 'panels' },
      panel('Money out', moneyTable(summary)),
      panel('Outcomes', outcomeChart.figure, countTable('Outcome', Object.entries(summary.outcomes))),
      panel(
        'Denial reasons',
        reasonChart.figure,
        countTable(
          'Reason',
          summary.denialReasons.map((r) => [r.code, r.count]),
        ),
      ),
      panel('Decision time against the promise', timeChart.figure, decisionTable(summary)),
    ),
  );
  if (decisions === 0 && summary.requests === 0) return;
  try {
    const Chart = await loadChartLibrary();
    const bar = (
      /** @type {HTMLCanvasElement} */ canvas,
      /** @type {string[]} */ labels,
      /** @type {{ label: string, data: number[] }[]} */ sets,
      horizontal = false,
    ) =>
      charts.push(
        new Chart(canvas, {
          type: 'bar',
          data: {
            labels,
            datasets: sets.map((s, i) => ({ ...s, backgroundColor: COLORS[i % COLORS.length] })),
          },
          options: {
            indexAxis: horizontal ? 'y' : 'x',
            maintainAspectRatio: false,
            animation: false,
            plugins: { legend: { display: sets.length > 1 } },
            scales: { [horizontal ? 'x' : 'y']: { beginAtZero: true, ticks: { precision: 0 } } },
          },
        }),
      );
    const outcomes = Object.entries(summary.outcomes);
    bar(
      outcomeChart.canvas,
      outcomes.map(([o]) => words(o)),
      [{ label: 'Decisions', data: outcomes.map(([, n]) => n) }],
    );
    bar(
      reasonChart.canvas,
      summary.denialReasons.map((r) => words(r.code)),
      [{ label: 'Denials', data: summary.denialReasons.map((r) => r.count) }],
      true,
    );
    bar(
      timeChart.canvas,
      summary.decisionTime.map((d) => d.policyId),
      [
        { label: 'p50 hours', data: summary.decisionTime.map((d) => d.p50Hours) },
        { label: 'p90 hours', data: summary.decisionTime.map((d) => d.p90Hours) },
      ],
    );
  } catch (err) {
    // Without charts the tables still carry every figure.
    announce(err instanceof Error ? err.message : String(err));
  }
}

/** A chart's canvas, named for screen readers by its figures (which the table next to it also lists). @param {string} title @param {string[]} items */
function canvasFor(title, items) {
  const canvas = h('canvas', { role: 'img', 'aria-label': `${title}: ${items.join(', ') || 'none'}` });
  return { canvas, figure: h('div', { class: 'chart' }, canvas) };
}

/** @param {string} label @param {number} value */
const tile = (label, value) =>
  h('li', {}, h('span', { class: 'figure' }, String(value)), h('span', {}, label));

/** @param {string} title @param {...import('../dom.js').Child} content */
const panel = (title, ...content) =>
  h('section', { class: 'card panel', 'aria-label': title }, h('h3', {}, title), ...content);

/** @param {string[]} headings @param {(string | number)[][]} rows */
function table(headings, rows) {
  return h(
    'table',
    {},
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        headings.map((t) => h('th', { scope: 'col' }, t)),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((cells) =>
        h(
          'tr',
          {},
          cells.map((c) => h('td', {}, String(c))),
        ),
      ),
    ),
  );
}

/** @param {string} what @param {[string, number][]} entries */
const countTable = (what, entries) =>
  entries.length === 0
    ? h('p', {}, 'None in this window.')
    : table(
        [what, 'Count'],
        entries.map(([k, n]) => [words(k), n]),
      );

/** @param {ReportSummary} summary */
const moneyTable = (summary) =>
  summary.money.length === 0
    ? h('p', {}, 'No money went out in this window.')
    : table(
        ['Currency', 'Refunded', 'Credited'],
        summary.money.map((m) => [
          m.currency,
          money(m.refundedMinor, m.currency),
          money(m.creditedMinor, m.currency),
        ]),
      );

/** @param {ReportSummary} summary */
const decisionTable = (summary) =>
  summary.decisionTime.length === 0
    ? h('p', {}, 'No decisions in this window.')
    : table(
        ['Policy', 'Promise', 'p50 / p90', 'Within promise'],
        summary.decisionTime.map((d) => [
          d.policyId,
          d.promiseBusinessDays === null
            ? '—'
            : `${d.promiseBusinessDays} ${d.businessDays ? 'business ' : ''}days`,
          `${d.p50Hours} h / ${d.p90Hours} h`,
          `${d.withinPromise} of ${d.decided} (${Math.round((100 * d.withinPromise) / Math.max(1, d.decided))} %)`,
        ]),
      );

/** Escalated and soon-due open cases, soonest deadline first. @param {HTMLElement} section @param {number} dueDays */
async function showQueue(section, dueDays) {
  const dueBefore = new Date(Date.now() + dueDays * DAY).toISOString();
  const [escalated, due] = /** @type {CaseList[]} */ (
    await Promise.all([
      api('GET', '/v1/cases?escalated=true&open=true&limit=100'),
      api('GET', `/v1/cases?dueBefore=${encodeURIComponent(dueBefore)}&open=true&limit=100`),
    ])
  );
  const byOrder = new Map([...escalated.cases, ...due.cases].map((c) => [c.orderId, c]));
  const cases = [...byOrder.values()].sort(
    (a, b) =>
      (a.nextDeadline ? Date.parse(a.nextDeadline) : Infinity) -
      (b.nextDeadline ? Date.parse(b.nextDeadline) : Infinity),
  );
  section.replaceChildren(
    h('h2', { id: 'd-queue' }, `Work queue (${cases.length})`),
    h(
      'p',
      {},
      `Escalated cases and cases due within ${dueDays} day${dueDays === 1 ? '' : 's'}, soonest deadline first.`,
    ),
    cases.length === 0
      ? h('p', {}, 'Nothing waits on support.')
      : h(
          'table',
          { class: 'queue' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Order', 'Status', 'Policy', 'Next deadline'].map((t) => h('th', { scope: 'col' }, t)),
            ),
          ),
          h(
            'tbody',
            {},
            cases.map((c) =>
              h(
                'tr',
                {},
                h('td', {}, h('a', { href: `#/cases/${encodeURIComponent(c.orderId)}` }, c.orderId)),
                h(
                  'td',
                  {},
                  badge(c.status ?? ''),
                  c.escalated ? h('span', { class: 'badge flag' }, 'escalated') : '',
                ),
                h('td', {}, c.policyId || ''),
                h('td', {}, when(c.nextDeadline)),
              ),
            ),
          ),
        ),
  );
}
