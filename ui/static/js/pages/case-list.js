// @ts-check
// The case list: filters (status, policy, customer, escalated, due soon) over Temporal visibility.
import { api } from '../api.js';
import { announce, badge, h, show } from '../dom.js';
import { when, words } from '../format.js';
import { queryEnum } from '../schema.js';

/** @typedef {import('../../../types').CaseList} CaseList */
/** @typedef {import('../../../types').PolicyList} PolicyList */

/** @param {URLSearchParams} params */
export async function caseListPage(params) {
  const [statuses, { policies }] = await Promise.all([
    queryEnum('/v1/cases', 'status'),
    /** @type {Promise<PolicyList>} */ (api('GET', '/v1/policies')),
  ]);
  const filters = h(
    'form',
    { class: 'card filters', role: 'search', 'aria-label': 'Filter cases' },
    h(
      'div',
      {},
      h('label', { for: 'f-status' }, 'Status'),
      h(
        'select',
        { id: 'f-status', name: 'status' },
        h('option', { value: '' }, 'any'),
        statuses.map((s) => h('option', { value: s, selected: params.get('status') === s }, words(s))),
      ),
    ),
    h(
      'div',
      {},
      h('label', { for: 'f-policy' }, 'Policy'),
      h(
        'select',
        { id: 'f-policy', name: 'policy' },
        h('option', { value: '' }, 'any'),
        policies.map((p) => h('option', { value: p.id, selected: params.get('policy') === p.id }, p.id)),
      ),
    ),
    h(
      'div',
      {},
      h('label', { for: 'f-customer' }, 'Customer'),
      h('input', { id: 'f-customer', name: 'customerId', value: params.get('customerId') || '' }),
    ),
    h(
      'div',
      {},
      h('label', { for: 'f-due' }, 'Due within'),
      h(
        'select',
        { id: 'f-due', name: 'due' },
        ['', '1', '3', '7'].map((d) =>
          h(
            'option',
            { value: d, selected: (params.get('due') || '') === d },
            d ? `${d} day${d === '1' ? '' : 's'}` : 'any time',
          ),
        ),
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
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const [name, value] of new FormData(filters)) if (value) next.set(name, String(value));
    location.hash = `#/cases?${next}`;
  });
  const results = h(
    'section',
    { 'aria-labelledby': 'results-title' },
    h('h2', { id: 'results-title' }, 'Cases'),
    h('p', {}, 'Loading…'),
  );
  show('Cases', filters, results);

  const query = new URLSearchParams();
  for (const name of ['status', 'policy', 'customerId', 'escalated']) {
    const value = params.get(name);
    if (value) query.set(name, value);
  }
  const due = params.get('due');
  if (due) query.set('dueBefore', new Date(Date.now() + Number(due) * 86400000).toISOString());
  const { cases, counts } = /** @type {CaseList} */ (await api('GET', `/v1/cases?${query}`));
  const countList = h(
    'ul',
    { class: 'counts', 'aria-label': 'Cases per status' },
    Object.entries(counts).map(([s, n]) => h('li', {}, `${words(s)}: ${n}`)),
  );
  const rows = cases.map((c) =>
    h(
      'tr',
      {},
      h('td', {}, h('a', { href: `#/cases/${encodeURIComponent(c.orderId)}` }, c.orderId)),
      h('td', {}, badge(c.status ?? ''), c.escalated ? h('span', { class: 'escalated' }, ' escalated') : ''),
      h('td', {}, c.policyId || ''),
      h('td', {}, c.customerId || ''),
      h('td', {}, when(c.nextDeadline)),
    ),
  );
  results.replaceChildren(
    h('h2', { id: 'results-title' }, `Cases (${cases.length})`),
    countList,
    cases.length === 0
      ? h('p', {}, 'No case matches these filters.')
      : h(
          'table',
          {},
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
  );
  announce(`${cases.length} cases`);
}
