// @ts-check
// The emails the case engine sent (the embedded outbox), for one case or all.
import { api } from '../api.js';
import { h, show } from '../dom.js';
import { when } from '../format.js';

/** @typedef {import('../../../types').Outbox} Outbox */

/** @param {URLSearchParams} params */
export async function outboxPage(params) {
  const orderId = params.get('orderId');
  const { messages } = /** @type {Outbox} */ (
    await api('GET', `/v1/outbox${orderId ? `?orderId=${encodeURIComponent(orderId)}` : ''}`)
  );
  show(
    orderId ? `Sent email for ${orderId}` : 'Sent email',
    messages.length === 0
      ? h('p', {}, 'No email sent yet.')
      : messages.map((m) =>
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
  );
}
