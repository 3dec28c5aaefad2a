import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import {
  cashPaidMinor,
  currencyExponent,
  formatMinor,
  isKnownCurrency,
  proRataMinor,
  proRataRefundMinor,
} from '../../policies';

describe('policies: money in integer minor units', () => {
  it('knows the ISO 4217 exponents: JPY 0, USD/EUR 2, KWD/BHD 3, CLF 4', () => {
    assert.deepEqual(
      ['JPY', 'KRW', 'USD', 'EUR', 'GBP', 'KWD', 'BHD', 'TND', 'CLF'].map(currencyExponent),
      [0, 0, 2, 2, 2, 3, 3, 3, 4],
    );
  });

  it('rejects codes that are not ISO 4217', () => {
    assert.equal(isKnownCurrency('XYZ'), false);
    assert.equal(isKnownCurrency('usd'), false);
    assert.throws(() => currencyExponent('XYZ'), /unknown ISO 4217 currency: XYZ/);
  });

  it("formats minor units with the currency's own decimals", () => {
    assert.equal(formatMinor(700, 'USD'), '7.00 USD');
    assert.equal(formatMinor(5, 'EUR'), '0.05 EUR');
    assert.equal(formatMinor(1500, 'JPY'), '1500 JPY');
    assert.equal(formatMinor(1234, 'KWD'), '1.234 KWD');
  });

  it('rounds pro-rata shares half up to the minor unit', () => {
    assert.equal(proRataMinor(5, 1, 2), 3, '2.5 → 3');
    assert.equal(proRataMinor(1, 1, 2), 1, '0.5 → 1');
    assert.equal(proRataMinor(1, 1, 3), 0, '0.33 → 0');
    assert.equal(proRataMinor(2, 1, 3), 1, '0.67 → 1');
    assert.equal(proRataMinor(1000, 7000, 10_000), 700, 'the seed 004 example');
  });

  it('computes fractional usage exactly (no floating-point drift at a .5 boundary)', () => {
    // 0.1 + 0.2 of 0.6 is exactly one half; in floating point 0.30000000000000004 / 0.6 is not.
    assert.equal(proRataMinor(101, 0.1 + 0.2, 0.6), 51, '50.5 → 51');
    assert.equal(proRataMinor(3, 0.5, 1), 2, '1.5 → 2');
    assert.equal(proRataMinor(1_000_000, 1e-7, 1), 0);
  });

  it('never gives less than nothing or more than the total', () => {
    assert.equal(proRataMinor(1000, -5, 10), 0);
    assert.equal(proRataMinor(1000, 50, 10), 1000);
  });

  it('never refunds promotional credit: the cap is the cash paid', () => {
    const order = { amountMinor: 1000, promoCreditMinor: 300 };
    assert.equal(cashPaidMinor(order), 700);
    assert.equal(proRataRefundMinor(order, 9, 10), 700, '900 of the price, capped at 700 cash');
    assert.equal(proRataRefundMinor(order, 5, 10), 500);
    assert.equal(cashPaidMinor({ amountMinor: 1000 }), 1000, 'no promo credit by default');
  });
});
