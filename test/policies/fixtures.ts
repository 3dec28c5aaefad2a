// Builders for evaluation inputs: a plain order paid by card through the official channel,
// overridden per test so each test shows only what it is about.
import assert from 'node:assert/strict';
import { evaluate, type Decision, type EvaluationInput, type OrderInput, type Policy } from '../../policies';

export const PURCHASED_AT = '2025-03-03T10:00:00Z'; // a Monday

export function order(overrides: Partial<OrderInput> = {}): OrderInput {
  return {
    orderId: 'ord-1',
    customerId: 'cus-1',
    channel: 'official',
    paymentMethod: 'card',
    amountMinor: 1000,
    currency: 'USD',
    purchasedAt: PURCHASED_AT,
    billing: { kind: 'one_time' },
    ...overrides,
  };
}

/** An ISO instant `days` (may be fractional) after the purchase. */
export function day(days: number, from = PURCHASED_AT): string {
  return new Date(Date.parse(from) + days * 86_400_000).toISOString();
}

export function input(
  orderOverrides: Partial<OrderInput>,
  rest: Partial<Omit<EvaluationInput, 'order' | 'request'>> & {
    requestedAt?: string;
    reason?: EvaluationInput['request']['reason'];
  } = {},
): EvaluationInput {
  const { requestedAt = day(1), reason = 'service_unusable', ...others } = rest;
  return { order: order(orderOverrides), request: { requestedAt, reason }, ...others };
}

/** Evaluates and checks the outcome and that every listed code is among the reasons. */
export function expectDecision(
  policy: Policy,
  evaluationInput: EvaluationInput,
  expected: {
    outcome: Decision['outcome'];
    reasons?: Decision['reasons'];
    amountMinor?: number;
    exactReasons?: boolean;
  },
): Decision {
  const decision = evaluate(policy, evaluationInput);
  assert.equal(decision.outcome, expected.outcome, `outcome (reasons: ${decision.reasons.join(', ')})`);
  if (expected.exactReasons) assert.deepEqual(decision.reasons, expected.reasons);
  else
    for (const code of expected.reasons ?? [])
      assert.ok(decision.reasons.includes(code), `expected ${code} among ${decision.reasons.join(', ')}`);
  if (expected.amountMinor !== undefined)
    assert.equal(decision.amountMinor, expected.amountMinor, 'amountMinor');
  assert.equal(decision.explanations.length, decision.reasons.length, 'one explanation per reason');
  return decision;
}
