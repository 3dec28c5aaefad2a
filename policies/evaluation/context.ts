// The evaluation's vocabulary: the Decision it answers, the context it reads (the policy, the
// normalised input, the cash paid), the ordered reasons, and the helpers every route decides,
// denies, refunds or sends to review with.
import { epochMillis } from '../calendar';
import { describeReason, type Outcome, type ReasonCode } from '../codes';
import type { EvaluationInput, Facts } from '../input';
import { cashPaidMinor, formatMinor, proRataMinor } from '../money';
import type { PolicyRules, ReviewBounds } from '../policy';

export interface Decision {
  outcome: Outcome;
  /** Cash to refund, in minor units (0 unless the outcome is a refund). */
  amountMinor: number;
  currency: string;
  /** Every reason that applied, most decisive first. Denials always carry at least one. */
  reasons: ReasonCode[];
  policyId: string;
  policyVersion: string | number;
  /** Plain words, one per reason, in the same order. */
  explanations: string[];
  /** Days of service added, for a service_extension. */
  extensionDays?: number;
  /** Account credit, in minor units, for a credit outcome. */
  creditMinor?: number;
  /** For needs_review: what the reviewer may decide. */
  review?: ReviewBounds;
}

export type NormalizedInput = EvaluationInput & {
  order: EvaluationInput['order'] & { promoCreditMinor: number; firstPurchaseOfPlan: boolean };
  facts: Facts;
  asOf: string;
};

export interface Context {
  policy: PolicyRules;
  input: NormalizedInput;
  cashMinor: number;
  ms: (iso: string) => number;
}

/** An ordered set of reason codes, each with an optional detail sentence for its explanation. */
export class Reasons {
  private readonly entries = new Map<ReasonCode, string | undefined>();

  add(code: ReasonCode, detail?: string): this {
    if (!this.entries.has(code)) this.entries.set(code, detail);
    return this;
  }

  addAll(other: Reasons): this {
    for (const [code, detail] of other.entries) this.add(code, detail);
    return this;
  }

  has(code: ReasonCode): boolean {
    return this.entries.has(code);
  }

  get size(): number {
    return this.entries.size;
  }

  codes(): ReasonCode[] {
    return [...this.entries.keys()];
  }

  explanations(): string[] {
    return [...this.entries].map(([code, detail]) =>
      detail ? `${describeReason(code)} ${detail}` : describeReason(code),
    );
  }
}

export function normalize(input: EvaluationInput): NormalizedInput {
  return {
    ...input,
    order: {
      ...input.order,
      promoCreditMinor: input.order.promoCreditMinor ?? 0,
      firstPurchaseOfPlan: input.order.firstPurchaseOfPlan ?? true,
    },
    facts: input.facts ?? {},
    asOf: input.asOf ?? input.request.requestedAt,
  };
}

export function decide(
  c: Context,
  outcome: Outcome,
  reasons: Reasons,
  extra: Partial<Decision> = {},
): Decision {
  const money = outcome === 'full_refund' || outcome === 'partial_refund' || outcome === 'credit';
  if (money && c.input.order.promoCreditMinor > 0)
    reasons.add(
      'PROMO_CREDIT_EXCLUDED',
      `${formatMinor(c.input.order.promoCreditMinor, c.input.order.currency)} of the price was promotional credit.`,
    );
  return {
    outcome,
    amountMinor: 0,
    currency: c.input.order.currency,
    reasons: reasons.codes(),
    policyId: c.policy.id,
    policyVersion: c.policy.version,
    explanations: reasons.explanations(),
    ...extra,
  };
}

export function deny(c: Context, reasons: Reasons): Decision {
  if (reasons.size === 0) reasons.add('SERVICE_RENDERED'); // a denial always says why
  return decide(c, 'denied', reasons);
}

export function refund(c: Context, amountMinor: number, whole: boolean, reasons: Reasons): Decision {
  const amount = Math.min(amountMinor, c.cashMinor);
  if (amount <= 0) {
    const why = new Reasons();
    if (c.cashMinor === 0 && c.input.order.promoCreditMinor > 0)
      why.add('PROMO_CREDIT_EXCLUDED', 'The whole price was paid with promotional credit.');
    else why.add('SERVICE_RENDERED', 'Nothing of the price remains to refund.');
    return deny(c, why.addAll(reasons));
  }
  return decide(c, whole ? 'full_refund' : 'partial_refund', reasons, { amountMinor: amount });
}

export type Allowed = ReviewBounds['allowed'];
export const DENIED: Allowed[number] = { outcome: 'denied', maxAmountMinor: 0 };

export function review(
  c: Context,
  kind: ReviewBounds['kind'],
  reasons: Reasons,
  allowed: Allowed = [DENIED],
  note?: string,
): Decision {
  return decide(c, 'needs_review', reasons, { review: { kind, allowed, ...(note ? { note } : {}) } });
}

/** A partial refund is never the whole cash paid. */
export function partialCeiling(c: Context): number {
  return Math.max(0, c.cashMinor - 1);
}

/** services-fix-first's "partial refund or credit … at our discretion", within its documented caps. */
export function discretionAllowed(c: Context): Allowed {
  const discretion = c.policy.discretion;
  if (!discretion) return [DENIED];
  return [
    {
      outcome: 'partial_refund',
      maxAmountMinor: Math.min(
        proRataMinor(c.cashMinor, discretion.partialRefundMaxFraction, 1),
        partialCeiling(c),
      ),
    },
    {
      outcome: 'credit',
      maxAmountMinor: proRataMinor(c.input.order.amountMinor, discretion.creditMaxFraction, 1),
    },
    DENIED,
  ];
}

/** A billing error is corrected up to the amount charged in error, once that amount is established. */
export function billingCorrection(c: Context): Allowed {
  const inError = c.input.facts.billingErrorMinor;
  if (!inError) return [];
  const max = Math.min(inError, c.cashMinor);
  const partial = { outcome: 'partial_refund' as const, maxAmountMinor: Math.min(max, partialCeiling(c)) };
  return max >= c.cashMinor ? [{ outcome: 'full_refund', maxAmountMinor: c.cashMinor }, partial] : [partial];
}

export const BILLING_NOTE =
  'Record the amount charged in error (billingErrorMinor: in facts, or on the decision); a correction may pay back at most that amount.';

/** The most each outcome may give, when several sources allow the same outcome. */
export function mergeAllowed(...lists: Allowed[]): Allowed {
  const merged = new Map<Allowed[number]['outcome'], Allowed[number]>();
  for (const entry of lists.flat()) {
    const seen = merged.get(entry.outcome);
    merged.set(
      entry.outcome,
      seen
        ? {
            ...seen,
            maxAmountMinor: Math.max(seen.maxAmountMinor, entry.maxAmountMinor),
            ...(entry.maxExtensionDays !== undefined
              ? { maxExtensionDays: Math.max(seen.maxExtensionDays ?? 0, entry.maxExtensionDays) }
              : {}),
          }
        : entry,
    );
  }
  return [...merged.values()];
}

export function context(policy: PolicyRules, rawInput: EvaluationInput): Context {
  const input = normalize(rawInput);
  return {
    policy,
    input,
    cashMinor: cashPaidMinor(input.order),
    ms: (iso) => epochMillis(iso, policy.timeZone),
  };
}
