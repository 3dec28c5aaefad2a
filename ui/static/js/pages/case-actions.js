// @ts-check
// The actions on one case: only those the case takes now, and only for roles the API allows
// (from /openapi.json). Money is typed in major units; a confirmation names the amount before
// money moves.
import { api, casePath, newIdempotencyKey } from '../api.js';
import { h, handleSubmit } from '../dom.js';
import { majorText, money, toMinor, when, words } from '../format.js';
import { bodyEnum, mayCall } from '../schema.js';

/** @typedef {import('../../../types').CaseView} CaseView */
/** @typedef {import('../../../types').Me} Me */
/** @typedef {import('../../../types').ReviewBounds} ReviewBounds */

const ROUTE = '/v1/cases/{orderId}';

/**
 * @param {CaseView} c
 * @param {Me} me
 * @param {() => Promise<void>} reload
 * @returns {Promise<Node[]>}
 */
export async function caseActions(c, me, reload) {
  const may = (/** @type {string} */ rest) => mayCall(me.role, 'POST', `${ROUTE}/${rest}`);
  /** @type {Node[]} */
  const out = [];
  if (c.lateEvents?.events.some((e) => !e.acknowledgedAt) && (await may('late-events/acknowledgements')))
    out.push(lateEventsForm(c, reload));
  if (c.payoutRoute && (await may('payout-retries'))) out.push(await payoutRouteForms(c, reload));
  const denied = c.decision?.outcome === 'denied';
  const disputeUntil = c.deadlines.disputeWindowEndsAt;
  if (
    denied &&
    disputeUntil &&
    !c.dispute &&
    Date.parse(disputeUntil) > Date.now() &&
    (await may('disputes'))
  )
    out.push(disputeForm(c, disputeUntil, reload));
  // A technical review where the case waits for one (not on a dispute or a billing question).
  const waitsFor = c.decision?.outcome === 'needs_review' ? c.decision.review?.kind : undefined;
  const reviewable =
    c.status === 'remediation' ||
    (c.status === 'under_review' &&
      (!waitsFor || waitsFor === 'technical_review' || waitsFor === 'remediation'));
  if (reviewable && (await may('technical-reviews'))) out.push(await technicalReviewForm(c, reload));
  if (c.status === 'under_review' && (await may('decisions'))) out.push(await decisionForm(c, reload));
  return out;
}

/**
 * @param {CaseView} c
 * @param {string} rest
 * @param {unknown} body
 */
function post(c, rest, body) {
  return api('POST', casePath(c.orderId, rest), body, { idempotencyKey: newIdempotencyKey() });
}

/** @param {string} id @param {string} title @param {...import('../dom.js').Child} content */
const card = (id, title, ...content) =>
  h('form', { class: 'card', 'aria-labelledby': id, novalidate: true }, h('h3', { id }, title), ...content);

/** A money field in major units. @param {string} id @param {string} label @param {string} currency @param {number} [value] */
const amountField = (id, label, currency, value) => [
  h('label', { for: id }, `${label} (${currency})`),
  h('input', {
    id,
    name: 'amountMinor',
    inputmode: 'decimal',
    autocomplete: 'off',
    value: value === undefined ? '' : majorText(value, currency),
  }),
];

/**
 * @param {FormData} data
 * @param {string} currency
 * @param {{ required?: boolean, max?: number }} rules
 * @returns {{ minor?: number } | { field: string, error: string }}
 */
function readAmount(data, currency, rules) {
  const text = String(data.get('amountMinor') ?? '').trim();
  if (!text) return rules.required ? { field: 'amountMinor', error: 'Enter the amount' } : {};
  const parsed = toMinor(text, currency);
  if ('error' in parsed) return { field: 'amountMinor', error: parsed.error };
  if (parsed.minor <= 0) return { field: 'amountMinor', error: 'Enter an amount above zero' };
  if (rules.max !== undefined && parsed.minor > rules.max)
    return { field: 'amountMinor', error: `At most ${money(rules.max, currency)}` };
  return { minor: parsed.minor };
}

// ---- the payout route ------------------------------------------------------------------------

/** @param {CaseView} c @param {() => Promise<void>} reload */
async function payoutRouteForms(c, reload) {
  const currency = c.currency;
  const approved = c.payout?.amountMinor ?? c.decision?.amountMinor ?? 0;
  const pending = c.payout?.status === 'pending' || c.payout?.status === 'creating';
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
    done: reload,
  });

  const outside = card(
    'outside-title',
    'Record a payout made outside the gateway',
    h('label', { for: 'outside-reference' }, 'Reference of the payment'),
    h('input', { id: 'outside-reference', name: 'reference', autocomplete: 'off' }),
    amountField('outside-amount', 'Amount paid', currency, approved),
    h('p', { class: 'hint' }, `At most the cash paid, ${money(c.paidMinor, currency)}.`),
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
      const amount = readAmount(d, currency, { required: true, max: c.paidMinor });
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
    done: reload,
  });

  const credit = card(
    'credit-title',
    'Grant credit instead',
    amountField('credit-amount', 'Credit', currency, approved),
    h('p', { class: 'hint' }, `At most the cash paid, ${money(c.paidMinor, currency)}.`),
    h('label', { for: 'credit-note' }, 'Note for the case record'),
    h('textarea', { id: 'credit-note', name: 'note', rows: 2, cols: 50 }),
    h('button', { class: 'primary', type: 'submit' }, 'Grant credit'),
  );
  handleSubmit(credit, {
    read: (d) => {
      const amount = readAmount(d, currency, { required: true, max: c.paidMinor });
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
    outside,
    credit,
  );
}

// ---- disputes ----------------------------------------------------------------------------------

/** @param {CaseView} c @param {string} until @param {() => Promise<void>} reload */
function disputeForm(c, until, reload) {
  const form = card(
    'dispute-form-title',
    "Record the customer's dispute",
    h(
      'p',
      {},
      `The customer may dispute this denial until ${when(until)}. A reviewer then decides within the policy.`,
    ),
    h('label', { for: 'dispute-description' }, 'What the customer says'),
    h('textarea', { id: 'dispute-description', name: 'description', rows: 3, cols: 50 }),
    h('button', { class: 'primary', type: 'submit' }, 'Record dispute'),
  );
  handleSubmit(form, {
    read: (d) => {
      const description = String(d.get('description') ?? '').trim();
      return description
        ? { body: { description } }
        : { field: 'description', error: 'Say what the customer disputes' };
    },
    send: (body) => post(c, 'disputes', body),
    done: reload,
  });
  return h('section', { class: 'actions', 'aria-label': 'Dispute' }, form);
}

// ---- reviewers -------------------------------------------------------------------------------

/** @param {CaseView} c @param {() => Promise<void>} reload */
async function technicalReviewForm(c, reload) {
  const outcomes = await bodyEnum(`${ROUTE}/technical-reviews`, 'outcome');
  const form = card(
    'review-title',
    'Technical review',
    h('label', { for: 'review-outcome' }, 'Finding'),
    h(
      'select',
      { id: 'review-outcome', name: 'outcome' },
      h('option', { value: '' }, 'Choose…'),
      outcomes.map((o) => h('option', { value: o }, words(o))),
    ),
    h('label', { for: 'review-notes' }, 'Notes'),
    h('textarea', { id: 'review-notes', name: 'notes', rows: 2, cols: 50 }),
    h('button', { class: 'primary', type: 'submit' }, 'Submit review'),
  );
  handleSubmit(form, {
    read: (d) => {
      const outcome = String(d.get('outcome') ?? '');
      if (!outcome) return { field: 'outcome', error: 'Choose the finding' };
      const notes = String(d.get('notes') ?? '').trim();
      return { body: { outcome, ...(notes ? { notes } : {}) } };
    },
    send: (body) => post(c, 'technical-reviews', body),
    done: reload,
  });
  return form;
}

/**
 * What a reviewer may decide now: the bounds the case's pending decision carries (the server
 * checks them again against the policy), or every outcome when it carries none.
 * @param {CaseView} c
 * @returns {Promise<ReviewBounds['allowed']>}
 */
async function allowedOutcomes(c) {
  const bounds = c.decision?.outcome === 'needs_review' ? c.decision.review : undefined;
  if (bounds) return bounds.allowed;
  const outcomes = await bodyEnum(`${ROUTE}/decisions`, 'outcome');
  return outcomes.map((outcome) => ({
    outcome: /** @type {ReviewBounds['allowed'][number]['outcome']} */ (outcome),
    maxAmountMinor: c.paidMinor,
  }));
}

/** @param {CaseView} c @param {() => Promise<void>} reload */
async function decisionForm(c, reload) {
  const currency = c.currency;
  const allowed = await allowedOutcomes(c);
  const disputed = !!c.dispute;
  // The safest choice first: upholding (denial), then the smallest amount.
  const safest = [...allowed].sort((a, b) =>
    a.outcome === 'denied' ? -1 : b.outcome === 'denied' ? 1 : a.maxAmountMinor - b.maxAmountMinor,
  )[0];
  const label = (/** @type {ReviewBounds['allowed'][number]} */ a) => {
    if (a.outcome === 'denied') return disputed ? 'uphold the denial' : 'deny';
    if (a.outcome === 'service_extension')
      return `service extension${a.maxExtensionDays ? ` (at most ${a.maxExtensionDays} days)` : ''}`;
    if (a.outcome === 'full_refund') return `full refund (${money(c.paidMinor, currency)})`;
    return `${words(a.outcome)} (at most ${money(a.maxAmountMinor, currency)})`;
  };
  const bounds = c.decision?.outcome === 'needs_review' ? c.decision.review : undefined;
  const form = card(
    'decision-title',
    disputed ? 'Decide the dispute' : 'Decision',
    h(
      'p',
      { class: 'hint' },
      `Allowed by the policy here: ${allowed.map(label).join('; ')}.`,
      bounds?.note ? ` ${bounds.note}` : '',
    ),
    h('label', { for: 'decision-outcome' }, 'Outcome'),
    h(
      'select',
      { id: 'decision-outcome', name: 'outcome' },
      allowed.map((a) => h('option', { value: a.outcome, selected: a === safest }, label(a))),
    ),
    amountField('decision-amount', 'Amount, for a partial refund or credit', currency),
    h('label', { for: 'decision-days' }, 'Extension days, for a service extension'),
    h('input', { id: 'decision-days', name: 'extensionDays', type: 'number', min: 1, step: 1 }),
    h('label', { for: 'decision-note' }, 'Note for the case record (required; the customer does not see it)'),
    h('textarea', { id: 'decision-note', name: 'note', rows: 2, cols: 50 }),
    h('button', { class: 'primary', type: 'submit' }, 'Record decision'),
  );
  handleSubmit(form, {
    read: (d) => {
      const outcome = String(d.get('outcome') ?? '');
      const bound = allowed.find((a) => a.outcome === outcome);
      if (!bound) return { field: 'outcome', error: 'Choose an outcome the policy allows' };
      const needsAmount = outcome === 'partial_refund' || outcome === 'credit';
      const amount = readAmount(d, currency, { required: needsAmount, max: bound.maxAmountMinor });
      if ('error' in amount) return amount;
      const days = Number(d.get('extensionDays') || 0);
      if (outcome === 'service_extension' && !(days > 0))
        return { field: 'extensionDays', error: 'Enter the days to add' };
      if (
        outcome === 'service_extension' &&
        bound.maxExtensionDays !== undefined &&
        days > bound.maxExtensionDays
      )
        return { field: 'extensionDays', error: `At most ${bound.maxExtensionDays} days` };
      const note = String(d.get('note') ?? '').trim();
      if (!note) return { field: 'note', error: 'Write a note for the case record' };
      return {
        body: {
          outcome,
          note,
          ...(needsAmount && amount.minor !== undefined ? { amountMinor: amount.minor } : {}),
          ...(outcome === 'service_extension' ? { extensionDays: days } : {}),
        },
      };
    },
    confirm: (b) => {
      if (b.outcome === 'full_refund')
        return {
          message: `Refund ${money(c.paidMinor, currency)} to the customer?`,
          label: `Refund ${money(c.paidMinor, currency)}`,
        };
      if (b.outcome === 'partial_refund' && b.amountMinor)
        return {
          message: `Refund ${money(b.amountMinor, currency)} to the customer?`,
          label: `Refund ${money(b.amountMinor, currency)}`,
        };
      if (b.outcome === 'credit' && b.amountMinor)
        return {
          message: `Grant ${money(b.amountMinor, currency)} of account credit?`,
          label: `Grant ${money(b.amountMinor, currency)}`,
        };
      return undefined;
    },
    send: (body) => post(c, 'decisions', body),
    done: reload,
  });
  return form;
}

// ---- late events -------------------------------------------------------------------------------

/** @param {CaseView} c @param {() => Promise<void>} reload */
function lateEventsForm(c, reload) {
  const open = (c.lateEvents?.events ?? []).filter((e) => !e.acknowledgedAt);
  const form = card(
    'late-ack-title',
    'Acknowledge late events',
    h(
      'p',
      {},
      'Nothing acts on these events by itself. Handle them by hand (a refund reversed at the gateway, a chargeback), then acknowledge them here.',
    ),
    h('label', { for: 'late-note' }, 'What was done (optional)'),
    h('textarea', { id: 'late-note', name: 'note', rows: 2, cols: 50 }),
    h(
      'button',
      { class: 'primary', type: 'submit' },
      `Acknowledge ${open.length} event${open.length === 1 ? '' : 's'}`,
    ),
  );
  handleSubmit(form, {
    read: (d) => {
      const note = String(d.get('note') ?? '').trim();
      return { body: { keys: open.map((e) => e.key), ...(note ? { note } : {}) } };
    },
    send: (body) => post(c, 'late-events/acknowledgements', body),
    done: reload,
  });
  return form;
}
