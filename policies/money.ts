// Money as integer minor units. Every amount in Refundflow is an integer count of the
// currency's minor unit (cents for USD, yen for JPY, fils for KWD); no floating point
// touches an amount. Pro-rata shares are computed exactly with BigInt and rounded half up.

/** ISO 4217 currencies whose minor unit is not 1/100. Every other active code has exponent 2. */
// prettier-ignore
const NON_DEFAULT_EXPONENTS: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0,
  UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

/** Active ISO 4217 codes (list one, 2024) with exponent 2. */
const TWO_DECIMAL_CODES = (
  'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP ' +
  'BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD ' +
  'FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD ' +
  'KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD ' +
  'NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP ' +
  'SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS ' +
  'VED VES WST XCD XCG YER ZAR ZMW ZWG ZWL'
).split(' ');

const EXPONENTS: Readonly<Record<string, number>> = {
  ...Object.fromEntries(TWO_DECIMAL_CODES.map((code) => [code, 2])),
  ...NON_DEFAULT_EXPONENTS,
};

/** Whether `code` is an active ISO 4217 currency code (upper case). */
export function isKnownCurrency(code: string): boolean {
  return Object.prototype.hasOwnProperty.call(EXPONENTS, code);
}

/** The ISO 4217 exponent: how many decimal digits the minor unit has (JPY 0, USD 2, KWD 3). */
export function currencyExponent(code: string): number {
  const exponent = EXPONENTS[code];
  if (exponent === undefined) throw new RangeError(`unknown ISO 4217 currency: ${code}`);
  return exponent;
}

/** Renders minor units for people: formatMinor(700, 'USD') → "7.00 USD", (1500, 'JPY') → "1500 JPY". */
export function formatMinor(amountMinor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  const sign = amountMinor < 0 ? '-' : '';
  const digits = Math.abs(amountMinor)
    .toString()
    .padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = exponent > 0 ? `.${digits.slice(digits.length - exponent)}` : '';
  return `${sign}${whole}${fraction} ${currency}`;
}

/** The money a customer actually paid: the price less promotional credit, which is never paid out. */
export function cashPaidMinor(order: { amountMinor: number; promoCreditMinor?: number }): number {
  return Math.max(0, order.amountMinor - (order.promoCreditMinor ?? 0));
}

/** An exact non-negative rational from a finite JS number (usage may be fractional, e.g. 0.25 GB). */
function toRational(value: number): { numerator: bigint; denominator: bigint } {
  if (!Number.isFinite(value) || value < 0)
    throw new RangeError(`expected a finite non-negative number, got ${value}`);
  const [mantissa = '0', exponentText] = value.toString().split('e');
  const exponent = exponentText ? Number(exponentText) : 0;
  const [whole = '0', fraction = ''] = mantissa.split('.');
  let numerator = BigInt(whole + fraction);
  let scale = fraction.length - exponent;
  if (scale < 0) {
    numerator *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { numerator, denominator: 10n ** BigInt(scale) };
}

/**
 * totalMinor × part / whole, rounded half up to the minor unit, exact for any finite inputs.
 * `part` is clamped to [0, whole]: a share is never negative and never more than the total.
 */
export function proRataMinor(totalMinor: number, part: number, whole: number): number {
  if (!Number.isSafeInteger(totalMinor) || totalMinor < 0)
    throw new RangeError(`totalMinor must be a non-negative integer, got ${totalMinor}`);
  if (!(whole > 0)) throw new RangeError(`whole must be positive, got ${whole}`);
  const clamped = Math.min(Math.max(part, 0), whole);
  const p = toRational(clamped);
  const w = toRational(whole);
  // total × (pn/pd) / (wn/wd) = total × pn × wd / (pd × wn); half up: floor((2x + d) / 2d).
  const numerator = BigInt(totalMinor) * p.numerator * w.denominator;
  const denominator = p.denominator * w.numerator;
  return Number((2n * numerator + denominator) / (2n * denominator));
}

/** The pro-rata refund of the remaining share of a price, never above the cash paid. */
export function proRataRefundMinor(
  order: { amountMinor: number; promoCreditMinor?: number },
  remaining: number,
  whole: number,
): number {
  return Math.min(proRataMinor(order.amountMinor, remaining, whole), cashPaidMinor(order));
}

/** Whether part / whole is strictly greater than `fraction`, compared exactly. */
export function exceedsShare(part: number, whole: number, fraction: number): boolean {
  const p = toRational(part);
  const w = toRational(whole);
  const f = toRational(fraction);
  // pn/pd > (fn/fd) × (wn/wd)  ⇔  pn × fd × wd > fn × wn × pd
  return p.numerator * f.denominator * w.denominator > f.numerator * w.numerator * p.denominator;
}
