// @ts-check
// A reviewer's forms: the technical review (no finding chosen for them), asking the customer for
// information, and the decision (the safest outcome first, the bounds beside the amount, an
// internal note apart from the message the customer reads, a confirmation before money moves).
import { h, handleSubmit } from '../dom.js';
import { money, words } from '../format.js';
import { bodyEnum, bodyItemsEnum } from '../schema.js';
import { ROUTE, amountField, boundsText, card, explainAmounts, post, readAmount } from './forms.js';

/** @typedef {import('../../../types').CaseView} CaseView */
/** @typedef {import('../../../types').CaseAction} CaseAction */
/** @typedef {import('../../../types').ReviewBounds} ReviewBounds */

/** @param {CaseView} c @param {(saved?: string) => Promise<void>} reload */
export async function technicalReviewForm(c, reload) {
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
    saved: 'Saved: the technical review is recorded',
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

/**
 * @param {CaseView} c
 * @param {(saved?: string) => Promise<void>} reload
 * @param {Partial<CaseAction>} action the API's `decision` entry: the outcomes and bounds it takes
 */
export async function decisionForm(c, reload, action) {
  const currency = c.currency;
  const allowed = action.outcomes
    ? /** @type {ReviewBounds['allowed']} */ (action.outcomes)
    : await allowedOutcomes(c);
  // The API's bounds for this role and case, where it gives them (the server checks them again).
  const limit = action.bounds;
  /** @param {ReviewBounds['allowed'][number] | undefined} a */
  const maxFor = (a) => Math.min(a?.maxAmountMinor ?? c.paidMinor, limit?.maxMinor ?? Infinity);
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
    amountField('decision-amount', 'Amount, for a partial refund or credit', currency, {
      min: limit?.minMinor ?? 1,
      max: maxFor(safest),
    }),
    h('label', { for: 'decision-days' }, 'Extension days, for a service extension'),
    h('input', { id: 'decision-days', name: 'extensionDays', type: 'number', min: 1, step: 1 }),
    h('label', { for: 'decision-message' }, 'Message to the customer (optional; sent in the decision email)'),
    h('textarea', { id: 'decision-message', name: 'customerMessage', rows: 3, cols: 50, maxlength: 2000 }),
    h(
      'label',
      { for: 'decision-note' },
      'Internal note for the case record (required; never sent to the customer)',
    ),
    h('textarea', { id: 'decision-note', name: 'note', rows: 2, cols: 50 }),
    h('button', { class: 'primary', type: 'submit' }, 'Record decision'),
  );
  handleSubmit(form, {
    read: (d) => {
      const outcome = String(d.get('outcome') ?? '');
      const bound = allowed.find((a) => a.outcome === outcome);
      if (!bound) return { field: 'outcome', error: 'Choose an outcome the policy allows' };
      const needsAmount = outcome === 'partial_refund' || outcome === 'credit';
      const amount = readAmount(d, currency, {
        required: needsAmount,
        min: limit?.minMinor,
        max: maxFor(bound),
      });
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
      const customerMessage = String(d.get('customerMessage') ?? '').trim();
      if (customerMessage.length > 2000)
        return { field: 'customerMessage', error: 'Keep the message to the customer within 2000 characters' };
      return {
        body: {
          outcome,
          note,
          ...(customerMessage ? { customerMessage } : {}),
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
    explain: explainAmounts(currency),
    saved: 'Saved: the decision is recorded',
    done: reload,
  });
  // The bounds beside the amount follow the chosen outcome.
  const select = /** @type {HTMLSelectElement} */ (form.querySelector('select[name="outcome"]'));
  const boundsHint = /** @type {HTMLElement} */ (form.querySelector('#decision-amount-bounds'));
  select.addEventListener('change', () => {
    const chosen = allowed.find((a) => a.outcome === select.value);
    boundsHint.textContent = boundsText(limit?.minMinor ?? 1, maxFor(chosen), currency);
  });
  return form;
}

/** @param {CaseView} c @param {(saved?: string) => Promise<void>} reload */
export async function informationRequestForm(c, reload) {
  const items = await bodyItemsEnum(`${ROUTE}/information-requests`, 'items');
  const form = card(
    'info-title',
    'Ask the customer for information',
    h(
      'fieldset',
      { id: 'info-items', name: 'items' },
      h('legend', {}, 'What the customer should send'),
      items.map((item) =>
        h(
          'div',
          { class: 'check' },
          h('input', { type: 'checkbox', id: `info-${item}`, name: 'items', value: item }),
          h('label', { for: `info-${item}` }, words(item)),
        ),
      ),
    ),
    h('label', { for: 'info-note' }, 'Note for the customer (optional)'),
    h('textarea', { id: 'info-note', name: 'note', rows: 2, cols: 50 }),
    h('button', { class: 'primary', type: 'submit' }, 'Ask for information'),
  );
  handleSubmit(form, {
    read: (d) => {
      const chosen = d.getAll('items').map(String);
      if (chosen.length === 0) return { field: 'items', error: 'Choose at least one thing to ask for' };
      const note = String(d.get('note') ?? '').trim();
      return { body: { items: chosen, ...(note ? { note } : {}) } };
    },
    send: (body) => post(c, 'information-requests', body),
    saved: 'Saved: the customer is asked for information',
    done: reload,
  });
  return form;
}
