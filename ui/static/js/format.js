// @ts-check
// Money, times and codes in the words a person reads. Money is integer minor units everywhere
// except where a person types or reads it: there it is major units with the currency's decimals.

/** @param {string} currency */
export function currencyDigits(currency) {
  return (
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  );
}

/** @param {number} minor @param {string} currency */
export function money(minor, currency) {
  return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(
    minor / 10 ** currencyDigits(currency),
  );
}

/** Minor units as the plain decimal a person types (1999 USD → "19.99"). @param {number} minor @param {string} currency */
export function majorText(minor, currency) {
  const digits = currencyDigits(currency);
  return digits === 0 ? String(minor) : (minor / 10 ** digits).toFixed(digits);
}

/**
 * A typed amount in major units as integer minor units, exactly (no floating point): "19.9" USD →
 * 1990. Answers an error in plain words when the text is not an amount in this currency.
 * @param {string} text
 * @param {string} currency
 * @returns {{ minor: number } | { error: string }}
 */
export function toMinor(text, currency) {
  const digits = currencyDigits(currency);
  const match = /^\s*(\d{1,12})(?:[.,](\d*))?\s*$/.exec(text);
  if (!match)
    return {
      error: `Enter an amount in ${currency}, for example ${majorText(1999 * 10 ** Math.max(0, digits - 2), currency)}`,
    };
  const fraction = match[2] ?? '';
  if (fraction.length > digits)
    return {
      error: digits === 0 ? `${currency} has no decimals` : `${currency} has at most ${digits} decimals`,
    };
  return { minor: Number(match[1]) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0') };
}

/** @param {string | undefined} iso */
export const when = (iso) =>
  iso
    ? new Date(iso).toLocaleString(undefined, {
        year: 'numeric',
        month: 'short',
        day: 'numeric',
        hour: 'numeric',
        minute: '2-digit',
        timeZoneName: 'short',
      })
    : '—';

/** A code in words: "payout_pending" → "payout pending". @param {string | undefined} code */
export const words = (code) => String(code || '').replace(/_/g, ' ');

/** How far a time is from now, in words ("in 3 days", "2 hours ago"). @param {string | number} at */
export function fromNow(at) {
  const ms = (typeof at === 'number' ? at : Date.parse(at)) - Date.now();
  const abs = Math.abs(ms);
  /** @type {[Intl.RelativeTimeFormatUnit, number][]} */
  const units = [
    ['day', 86400000],
    ['hour', 3600000],
    ['minute', 60000],
  ];
  const [unit, size] = units.find(([, s]) => abs >= s) ?? ['minute', 60000];
  return new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' }).format(Math.round(ms / size), unit);
}

const ISO = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})\b/g;
const CODE = /\b(?:[a-z]+(?:_[a-z]+)+|[A-Z]+(?:_[A-Z]+)+)\b/g;

/** A server's sentence for a person: codes in words, ISO times in local time with the zone. @param {string} text */
export const plain = (text) =>
  // The route a developer would call ("(POST …/decisions)") says nothing to a person at the desk.
  text
    .replace(/\s*\((?:GET|POST|PUT) [^)]*\)/g, '')
    .replace(ISO, (iso) => when(iso))
    .replace(CODE, (code) => words(code.toLowerCase()));
