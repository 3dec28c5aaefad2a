// @ts-check
// The case list: search (order id, customer id or email), filters (status, policy, customer,
// escalated, due soon), sorting, and pages with the honest total over Temporal visibility.
import { api } from '../api.js';
import { announce, badge, enterSubmits, h, show } from '../dom.js';
import { fromNow, when, words } from '../format.js';
import { queryEnum } from '../schema.js';

/** @typedef {import('../../../types').CaseList} CaseList */
/** @typedef {import('../../../types').PolicyList} PolicyList */

const PAGE_SIZE = 50;
/** The filters the address carries and the API takes as they are. */
const PASSED = ['q', 'status', 'policy', 'customerId', 'escalated', 'sort', 'order', 'pageToken'];
/** @type {[string, string][]} */
const SORTS = [
  ['updated', 'Last change'],
  ['opened', 'Opened'],
  ['deadline', 'Next deadline'],
];

/** @param {string} id @param {string} label @param {import('../dom.js').Child} field */
const labelled = (id, label, field) => h('div', {}, h('label', { for: id }, label), field);

/** @param {URLSearchParams} params @param {string[]} statuses @param {PolicyList['policies']} policies */
function filterForm(params, statuses, policies) {
  /** @param {string} name @param {string} value */
  const selected = (name, value) => (params.get(name) || '') === value;
  const form = h(
    'form',
    { class: 'card filters', role: 'search', 'aria-label': 'Find cases' },
    labelled(
      'f-q',
      'Search',
      h('input', {
        id: 'f-q',
        name: 'q',
        type: 'search',
        value: params.get('q') || '',
        placeholder: 'Order id, customer id or email',
        'aria-describedby': 'f-q-hint',
      }),
    ),
    h(
      'p',
      { class: 'hint visually-hidden', id: 'f-q-hint' },
      'An order id prefix, part of a customer id, or an email',
    ),
    labelled(
      'f-status',
      'Status',
      h(
        'select',
        { id: 'f-status', name: 'status' },
        h('option', { value: '' }, 'any'),
        statuses.map((s) => h('option', { value: s, selected: selected('status', s) }, words(s))),
      ),
    ),
    labelled(
      'f-policy',
      'Policy',
      h(
        'select',
        { id: 'f-policy', name: 'policy' },
        h('option', { value: '' }, 'any'),
        policies.map((p) => h('option', { value: p.id, selected: selected('policy', p.id) }, p.id)),
      ),
    ),
    labelled(
      'f-customer',
      'Customer',
      h('input', { id: 'f-customer', name: 'customerId', value: params.get('customerId') || '' }),
    ),
    labelled(
      'f-due',
      'Due within',
      h(
        'select',
        { id: 'f-due', name: 'due' },
        ['', '1', '3', '7'].map((d) =>
          h(
            'option',
            { value: d, selected: selected('due', d) },
            d ? `${d} day${d === '1' ? '' : 's'}` : 'any time',
          ),
        ),
      ),
    ),
    labelled(
      'f-sort',
      'Sort by',
      h(
        'select',
        { id: 'f-sort', name: 'sort' },
        SORTS.map(([v, label]) =>
          h('option', { value: v, selected: (params.get('sort') || 'updated') === v }, label),
        ),
      ),
    ),
    labelled(
      'f-order',
      'Order',
      h(
        'select',
        { id: 'f-order', name: 'order' },
        h('option', { value: '', selected: !params.get('order') }, 'usual'),
        h('option', { value: 'asc', selected: selected('order', 'asc') }, 'earliest first'),
        h('option', { value: 'desc', selected: selected('order', 'desc') }, 'latest first'),
      ),
    ),
    h(
      'div',
      { class: 'check' },
      h('input', {
        id: 'f-escalated',
        name: 'escalated',
        type: 'checkbox',
        value: 'true',
        checked: params.get('escalated') === 'true',
      }),
      h('label', { for: 'f-escalated' }, 'Escalated only'),
    ),
    h('button', { class: 'primary', type: 'submit' }, 'Apply'),
  );
  enterSubmits(form);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      const text = String(value).trim();
      // The default sort is left out, so the address stays short and a server without sorting works.
      if (text && !(name === 'sort' && text === 'updated')) next.set(name, text);
    }
    location.hash = `#/cases?${next}`;
  });
  return form;
}

/** The next deadline as when and how far, overdue ones marked. @param {string | undefined} at */
function deadlineCell(at) {
  if (!at) return h('td', { 'data-label': 'Next deadline' }, '—');
  const overdue = Date.parse(at) < Date.now();
  return h(
    'td',
    { 'data-label': 'Next deadline', class: overdue ? 'overdue' : '' },
    overdue ? h('strong', {}, 'Overdue: ') : '',
    `${when(at)} (${fromNow(at)})`,
  );
}

/** @param {URLSearchParams} params */
export async function caseListPage(params) {
  const [statuses, { policies }] = await Promise.all([
    queryEnum('/v1/cases', 'status'),
    /** @type {Promise<PolicyList>} */ (api('GET', '/v1/policies')),
  ]);
  const results = h(
    'section',
    { 'aria-labelledby': 'results-title' },
    h('h2', { id: 'results-title' }, 'Cases'),
    h('p', {}, 'Loading…'),
  );
  show('Cases', filterForm(params, statuses, policies), results);

  const query = new URLSearchParams();
  for (const name of PASSED) {
    const value = params.get(name)?.trim();
    if (value) query.set(name, value);
  }
  const size = Math.min(Math.max(Number(params.get('pageSize')) || PAGE_SIZE, 1), 200);
  query.set('pageSize', String(size));
  const due = params.get('due');
  if (due) query.set('dueBefore', new Date(Date.now() + Number(due) * 86400000).toISOString());
  const list = /** @type {CaseList} */ (await api('GET', `/v1/cases?${query}`));
  const { cases, counts } = list;
  const from = Number(params.get('from') || 1);
  const to = from + cases.length - 1;
  const total = list.total ?? (list.nextPageToken || cases.length === size ? undefined : to);

  /** The same list under another status (the pills). @param {string | undefined} status */
  const withStatus = (status) => {
    const next = new URLSearchParams(params);
    for (const name of ['pageToken', 'from', 'status']) next.delete(name);
    if (status) next.set('status', status);
    return `#/cases?${next}`;
  };
  const current = params.get('status');
  const countList = h(
    'ul',
    { class: 'counts', 'aria-label': 'Cases per status' },
    current ? h('li', {}, h('a', { href: withStatus(undefined) }, 'all statuses')) : '',
    Object.entries(counts).map(([s, n]) =>
      h(
        'li',
        { class: s === current ? 'current' : '' },
        h(
          'a',
          { href: withStatus(s), 'aria-current': s === current ? 'true' : undefined },
          `${words(s)}: ${n}`,
        ),
      ),
    ),
  );
  const rows = cases.map((c) =>
    h(
      'tr',
      {},
      h(
        'td',
        { 'data-label': 'Order' },
        h('a', { href: `#/cases/${encodeURIComponent(c.orderId)}` }, c.orderId),
      ),
      h(
        'td',
        { 'data-label': 'Status' },
        badge(c.status ?? ''),
        c.escalated ? h('span', { class: 'escalated' }, ' escalated') : '',
      ),
      h('td', { 'data-label': 'Policy' }, c.policyId || ''),
      h('td', { 'data-label': 'Customer' }, c.customerId || ''),
      deadlineCell(c.nextDeadline),
    ),
  );
  const next = new URLSearchParams(params);
  if (list.nextPageToken) {
    next.set('pageToken', list.nextPageToken);
    next.set('from', String(to + 1));
  }
  const range = cases.length
    ? `Showing ${from}–${to} of ${total ?? `more than ${to}`}`
    : 'No case matches these filters.';
  results.replaceChildren(
    h('h2', { id: 'results-title' }, `Cases (${total ?? `${to}+`})`),
    countList,
    h('p', { id: 'range' }, range),
    cases.length === 0
      ? ''
      : h(
          'table',
          { class: 'stack' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Order', 'Status', 'Policy', 'Customer', 'Next deadline'].map((t) =>
                h('th', { scope: 'col' }, t),
              ),
            ),
          ),
          h('tbody', {}, rows),
        ),
    h(
      'nav',
      { class: 'pager', 'aria-label': 'Pages of cases' },
      from > 1 ? h('button', { type: 'button', onclick: () => history.back() }, '← Previous page') : '',
      list.nextPageToken ? h('a', { href: `#/cases?${next}` }, 'Next page →') : '',
    ),
  );
  announce(`${range}.`);
}
