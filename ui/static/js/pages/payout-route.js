// @ts-check
// Support's payout route when a refund has not reached the customer: retry it, record a payout
// made outside the gateway, or grant credit instead. Each names the amount before money moves.
import { h, handleSubmit } from '../dom.js';
import { money, words } from '../format.js';
import { bodyEnum } from '../schema.js';
import { ROUTE, amountField, card, explainAmounts, post, readAmount } from './forms.js';

/** @typedef {import('../../../types').CaseView} CaseView */

/**
 * @param {CaseView} c
 * @param {(saved?: string) => Promise<void>} reload
 * @param {Partial<import('../../../types').CaseAction>} offer the API's `payout-route` entry: its choices and bounds
 */
export async function payoutRouteForms(c, reload, offer) {
  const currency = c.currency;
  const approved = c.payout?.amountMinor ?? c.decision?.amountMinor ?? 0;
  const most = offer.bounds?.maxMinor ?? c.paidMinor;
  // No retry while a refund is pending at the gateway: it could pay twice.
  const pending = offer.choices
    ? !offer.choices.includes('retry')
    : c.payout?.status === 'pending' || c.payout?.status === 'creating';
  const open = (/** @type {'record_outside' | 'credit'} */ choice) =>
    !offer.choices || offer.choices.includes(choice);
  const methods = await bodyEnum(`${ROUTE}/outside-payouts`, 'method');

  const retry = card(
    'retry-title',
    'Retry the refund',
    h(
      'p',
      {},
      `Send ${money(approved, currency)} again to the original payment method. The gateway is asked first, so nothing is paid twice.`,
    ),
    h('label', { for: 'retry-note' }, 'Note for the case record'),
    h('textarea', { id: 'retry-note', name: 'note', rows: 2, cols: 50 }),
    h('button', { class: 'primary', type: 'submit' }, 'Retry the refund'),
  );
  handleSubmit(retry, {
    read: (d) =>
      String(d.get('note') ?? '').trim()
        ? { body: { note: String(d.get('note')).trim() } }
        : { field: 'note', error: 'Say why the refund is retried' },
    confirm: () => ({
      message: `Send ${money(approved, currency)} to the customer's original payment method again?`,
      label: `Send ${money(approved, currency)}`,
    }),
    send: (body) => post(c, 'payout-retries', body),
    saved: 'Saved: the refund is sent again',
    done: reload,
  });

  const outside = card(
    'outside-title',
    'Record a payout made outside the gateway',
    h('label', { for: 'outside-reference' }, 'Reference of the payment'),
    h('input', { id: 'outside-reference', name: 'reference', autocomplete: 'off' }),
    amountField('outside-amount', 'Amount paid', currency, { value: approved, max: most }),
    h('label', { for: 'outside-method' }, 'Method'),
    h(
      'select',
      { id: 'outside-method', name: 'method' },
      h('option', { value: '' }, 'Choose…'),
      methods.map((m) => h('option', { value: m }, words(m))),
    ),
    h('label', { for: 'outside-note' }, 'Note for the case record (optional)'),
    h('textarea', { id: 'outside-note', name: 'note', rows: 2, cols: 50 }),
    h('button', { class: 'primary', type: 'submit' }, 'Record the payout'),
  );
  handleSubmit(outside, {
    read: (d) => {
      const reference = String(d.get('reference') ?? '').trim();
      if (!reference)
        return {
          field: 'reference',
          error: "Enter the payment's reference (bank transfer id, transaction id)",
        };
      const amount = readAmount(d, currency, { required: true, max: most });
      if ('error' in amount) return amount;
      const method = String(d.get('method') ?? '');
      if (!method) return { field: 'method', error: 'Choose how it was paid' };
      const note = String(d.get('note') ?? '').trim();
      return {
        body: {
          reference,
          amountMinor: /** @type {number} */ (amount.minor),
          method,
          ...(note ? { note } : {}),
        },
      };
    },
    confirm: (b) => ({
      message: `Record ${money(b.amountMinor, currency)} paid outside the gateway by ${words(b.method)} (${b.reference})? The case becomes paid.`,
      label: `Record ${money(b.amountMinor, currency)}`,
    }),
    send: (body) => post(c, 'outside-payouts', body),
    explain: explainAmounts(currency),
    saved: 'Saved: the payout made outside the gateway is recorded',
    done: reload,
  });

  const credit = card(
    'credit-title',
    'Grant credit instead',
    amountField('credit-amount', 'Credit', currency, { value: approved, max: most }),
    h('label', { for: 'credit-note' }, 'Note for the case record'),
    h('textarea', { id: 'credit-note', name: 'note', rows: 2, cols: 50 }),
    h('button', { class: 'primary', type: 'submit' }, 'Grant credit'),
  );
  handleSubmit(credit, {
    read: (d) => {
      const amount = readAmount(d, currency, { required: true, max: most });
      if ('error' in amount) return amount;
      const note = String(d.get('note') ?? '').trim();
      if (!note) return { field: 'note', error: 'Say why credit is granted instead' };
      return { body: { amountMinor: /** @type {number} */ (amount.minor), note } };
    },
    confirm: (b) => ({
      message: `Grant ${money(b.amountMinor, currency)} of account credit instead of the refund?`,
      label: `Grant ${money(b.amountMinor, currency)}`,
    }),
    send: (body) => post(c, 'payout-credits', body),
    explain: explainAmounts(currency),
    saved: 'Saved: credit granted instead of the refund',
    done: reload,
  });

  return h(
    'section',
    { 'aria-labelledby': 'payout-route-title', class: 'actions' },
    h('h2', { id: 'payout-route-title' }, 'Payout route'),
    h(
      'p',
      {},
      `The refund of ${money(approved, currency)} has not reached the customer: ${c.payoutRoute?.reason}. Choose one route; acting clears the escalation.`,
    ),
    pending
      ? h(
          'p',
          { class: 'hint' },
          `No retry: refund ${c.payout?.refundId ?? ''} is still pending at the gateway, and a retry could pay twice.`,
        )
      : retry,
    open('record_outside') ? outside : '',
    open('credit') ? credit : '',
  );
}
