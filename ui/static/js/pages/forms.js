// @ts-check
// What every case action's form shares: one POST per attempt, a card, and a money field typed in
// major units with the currency's decimals, its bounds beside it and a preview of what it means.
import { api, casePath, newIdempotencyKey } from '../api.js';
import { h } from '../dom.js';
import { majorText, money, toMinor } from '../format.js';

/** @typedef {import('../../../types').CaseView} CaseView */

export const ROUTE = '/v1/cases/{orderId}';

/** @param {CaseView} c @param {string} rest @param {unknown} body */
export function post(c, rest, body) {
  return api('POST', casePath(c.orderId, rest), body, { idempotencyKey: newIdempotencyKey() });
}

/** @param {string} id @param {string} title @param {...import('../dom.js').Child} content */
export const card = (id, title, ...content) =>
  h('form', { class: 'card', 'aria-labelledby': id, novalidate: true }, h('h3', { id }, title), ...content);

/** @param {number | undefined} min @param {number | undefined} max @param {string} currency */
export function boundsText(min, max, currency) {
  if (max === undefined) return '';
  if (max <= 0) return 'This choice takes no amount.';
  return `Between ${money(min ?? 1, currency)} and ${money(max, currency)}.`;
}

/**
 * A money field in major units ("15" USD is $15.00), with the bounds next to it and a live preview.
 * @param {string} id
 * @param {string} label
 * @param {string} currency
 * @param {{ value?: number, min?: number, max?: number }} [opts]
 */
export function amountField(id, label, currency, opts = {}) {
  const preview = h('p', { class: 'hint preview', id: `${id}-preview`, 'aria-live': 'polite' });
  const bounds = h('p', { class: 'hint', id: `${id}-bounds` }, boundsText(opts.min, opts.max, currency));
  const input = h('input', {
    id,
    name: 'amountMinor',
    inputmode: 'decimal',
    autocomplete: 'off',
    'aria-describedby': `${id}-bounds ${id}-preview`,
    value: opts.value === undefined ? '' : majorText(opts.value, currency),
  });
  const update = () => {
    const parsed = input.value.trim() ? toMinor(input.value, currency) : undefined;
    preview.textContent = parsed && 'minor' in parsed ? `That is ${money(parsed.minor, currency)}.` : '';
  };
  input.addEventListener('input', update);
  update();
  return [h('label', { for: id }, `${label} (${currency})`), input, bounds, preview];
}

/**
 * The typed amount as minor units, or the error in plain words.
 * @param {FormData} data
 * @param {string} currency
 * @param {{ required?: boolean, min?: number, max?: number }} rules
 * @returns {{ minor?: number } | { field: string, error: string }}
 */
export function readAmount(data, currency, rules) {
  const text = String(data.get('amountMinor') ?? '').trim();
  if (!text) return rules.required ? { field: 'amountMinor', error: 'Enter the amount' } : {};
  const parsed = toMinor(text, currency);
  if ('error' in parsed) return { field: 'amountMinor', error: parsed.error };
  if (parsed.minor <= 0) return { field: 'amountMinor', error: 'Enter an amount above zero' };
  if (rules.min !== undefined && parsed.minor < rules.min)
    return { field: 'amountMinor', error: `At least ${money(rules.min, currency)}` };
  if (rules.max !== undefined && parsed.minor > rules.max)
    return { field: 'amountMinor', error: `At most ${money(rules.max, currency)}` };
  return { minor: parsed.minor };
}

/**
 * The server's words about an amount with its minor-unit figures as money ("between 1 and the
 * cash paid (3000)" → "between $0.01 and the cash paid ($30.00)").
 * @param {string} currency
 */
export const explainAmounts = (currency) => (/** @type {string} */ field, /** @type {string} */ message) =>
  field === 'amountMinor' ? message.replace(/\b\d+\b/g, (n) => money(Number(n), currency)) : message;
