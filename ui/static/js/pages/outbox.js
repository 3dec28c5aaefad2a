// @ts-check
// The emails the case engine sent (the embedded outbox), for one case or all, a page at a time
// with the honest total.
import { api } from '../api.js';
import { h, show } from '../dom.js';
import { when } from '../format.js';

/** @typedef {import('../../../types').Outbox} Outbox */

const PAGE_SIZE = 50;

/** @param {URLSearchParams} params */
export async function outboxPage(params) {
  const orderId = params.get('orderId');
  const query = new URLSearchParams();
  if (orderId) query.set('orderId', orderId);
  const token = params.get('pageToken');
  if (token) query.set('pageToken', token);
  const size = Math.min(Math.max(Number(params.get('pageSize')) || PAGE_SIZE, 1), 200);
  query.set('pageSize', String(size));
  const reply = /** @type {Outbox} */ (await api('GET', `/v1/outbox?${query}`));
  const { messages } = reply;
  const from = Number(params.get('from') || 1);
  const to = from + messages.length - 1;
  const total = reply.total ?? (reply.nextPageToken || messages.length === size ? undefined : to);
  const next = new URLSearchParams(params);
  if (reply.nextPageToken) {
    next.set('pageToken', reply.nextPageToken);
    next.set('from', String(to + 1));
  }
  show(
    orderId ? `Sent email for ${orderId}` : 'Sent email',
    messages.length === 0
      ? h('p', {}, 'No email sent yet.')
      : [
          h('p', { id: 'range' }, `Showing ${from}–${to} of ${total ?? `more than ${to}`}`),
          messages.map((m) =>
            h(
              'section',
              { 'aria-label': m.subject },
              h('h2', {}, m.subject),
              h(
                'p',
                {},
                `To ${m.to} · ${when(m.createdAt)} · `,
                h('a', { href: `#/cases/${encodeURIComponent(m.orderId)}` }, m.orderId),
              ),
              h('details', {}, h('summary', {}, 'Message'), h('pre', { class: 'mail' }, m.text)),
            ),
          ),
        ],
    h(
      'nav',
      { class: 'pager', 'aria-label': 'Pages of sent email' },
      from > 1 ? h('button', { type: 'button', onclick: () => history.back() }, '← Previous page') : '',
      reply.nextPageToken ? h('a', { href: `#/outbox?${next}` }, 'Next page →') : '',
    ),
  );
}
