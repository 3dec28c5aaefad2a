// The routes a request takes to its decision: remaining value, the technical ground, a remedy
// beyond the window, the mechanical decision that picks among them, and a disputed denial's review.
import { windowAnchor } from '../clocks';
import { describeReason } from '../codes';
import type { ProRataBasis } from '../policy';
import {
  type Allowed,
  BILLING_NOTE,
  billingCorrection,
  type Context,
  decide,
  type Decision,
  DENIED,
  deny,
  discretionAllowed,
  mergeAllowed,
  partialCeiling,
  Reasons,
  refund,
  review,
} from './context';
import { accountBars, serviceBars, usageCaps, windowBars } from './bars';
import { type Ground, proRataShare, type TechnicalBasis, technicalGround, unusedShare } from './grounds';

// ---- routes -----------------------------------------------------------------------------

export const USAGE_NOTE =
  'Report the usage (PUT /v1/orders/:orderId/usage) and the case decides again, or decide within these bounds.';

export function remainingValueRoute(c: Context, bases: readonly ProRataBasis[], bars: Reasons): Decision {
  const window = windowBars(c);
  const caps = usageCaps(c);
  if (bars.size > 0 || window.size > 0 || caps.bars.size > 0)
    return deny(c, bars.addAll(window).addAll(caps.bars));
  const share = proRataShare(c, bases);
  if (share === 'unknown' || share === undefined || caps.unknown !== undefined) {
    const detail =
      caps.unknown ??
      (share === 'unknown'
        ? 'Billing has no usage figure for this order, so the unused share is unknown.'
        : 'The plan has neither a quota nor a billing period to measure the unused share by.');
    return review(
      c,
      'usage',
      new Reasons().add('USAGE_UNKNOWN', detail),
      [
        { outcome: 'full_refund', maxAmountMinor: c.cashMinor },
        { outcome: 'partial_refund', maxAmountMinor: partialCeiling(c) },
        DENIED,
      ],
      USAGE_NOTE,
    );
  }
  return refund(c, share.amountMinor, share.whole, share.reasons);
}

/** What a person may decide when an incident-remedy case lacks its usage figure. */
export function remedyAllowed(c: Context, remedy: TechnicalBasis['incidentBeyondWindow']): Allowed {
  if (!remedy || remedy.excludedPaymentMethods.includes(c.input.order.paymentMethod)) return [];
  return [
    { outcome: 'partial_refund', maxAmountMinor: partialCeiling(c) },
    ...(remedy.extensionDays !== undefined
      ? [{ outcome: 'service_extension' as const, maxAmountMinor: 0, maxExtensionDays: remedy.extensionDays }]
      : []),
  ];
}

export function technicalRoute(
  c: Context,
  basis: TechnicalBasis,
  bars: Reasons,
  requestBars: Reasons,
): Decision {
  const { order, request } = c.input;
  // Before the service starts nothing has been rendered: only the account bars can stand in the way.
  const serviceStart = windowAnchor(c.policy, order);
  if (
    bars.size === 0 &&
    basis.fullRefundBeforeServiceStarts &&
    c.ms(request.requestedAt) < c.ms(serviceStart)
  )
    return refund(
      c,
      c.cashMinor,
      true,
      new Reasons().add(
        'WITHIN_WINDOW_LIGHT_USAGE',
        `The service had not started yet (it starts ${serviceStart}).`,
      ),
    );

  const ground = technicalGround(c, basis);
  const caps = usageCaps(c);
  const barred = windowBars(c).addAll(caps.bars);
  bars.addAll(requestBars);
  if (ground.status === 'failed') bars.addAll(ground.reasons);
  const unclaimed = ground.status === 'none' && !ground.claimed;
  if (bars.size > 0)
    return deny(c, unclaimed ? bars.addAll(barred).add('SERVICE_RENDERED') : bars.addAll(barred));

  const remedy = basis.incidentBeyondWindow;
  if (ground.status === 'met' && ground.timeless && barred.size > 0 && remedy)
    return beyondWindowRemedy(c, remedy, barred, ground);
  // Only a verification can tell whether a fault with no time limit stands behind a late claim.
  if (
    ground.status === 'pending' &&
    ground.timeless &&
    !barred.has('NOT_FIRST_PURCHASE') &&
    caps.bars.size === 0
  )
    return review(c, ground.kind, ground.reasons);
  if (barred.size > 0) return deny(c, unclaimed ? barred.add('SERVICE_RENDERED') : barred);
  switch (ground.status) {
    case 'failed':
      return deny(c, ground.reasons);
    case 'none':
      return deny(
        c,
        new Reasons().add(
          'SERVICE_RENDERED',
          'No technical problem on the provider’s side was reported or confirmed.',
        ),
      );
    case 'pending':
      return review(c, ground.kind, ground.reasons);
    case 'met': {
      if (caps.unknown !== undefined)
        return review(
          c,
          'usage',
          new Reasons().addAll(ground.reasons).add('USAGE_UNKNOWN', caps.unknown),
          mergeAllowed(
            [{ outcome: 'full_refund', maxAmountMinor: c.cashMinor }],
            ground.viaIncident ? remedyAllowed(c, remedy) : [],
            [DENIED],
          ),
          USAGE_NOTE,
        );
      if (basis.onGroundMet === 'discretionary')
        return review(c, 'discretionary', ground.reasons.add('DISCRETIONARY_REVIEW'), discretionAllowed(c));
      const reasons =
        c.policy.eligibility.usageCaps.length > 0
          ? new Reasons().add('WITHIN_WINDOW_LIGHT_USAGE').addAll(ground.reasons)
          : ground.reasons;
      return refund(c, c.cashMinor, true, reasons);
    }
  }
}

/**
 * A confirmed incident (or a verified provider fault the policy counts) where the window, the
 * caps or a repeat purchase bar the full refund: never more than the unused share, and never
 * the whole price; when nothing was consumed, a service extension if the policy offers one.
 */
export function beyondWindowRemedy(
  c: Context,
  remedy: NonNullable<TechnicalBasis['incidentBeyondWindow']>,
  barred: Reasons,
  ground: Extract<Ground, { status: 'met' }>,
): Decision {
  if (remedy.excludedPaymentMethods.includes(c.input.order.paymentMethod))
    return deny(c, new Reasons().add('CRYPTO_PAYMENT').addAll(barred));
  const reasons = new Reasons().addAll(ground.reasons);
  if (ground.viaIncident) reasons.add('PRORATA_INCIDENT');
  reasons.addAll(barred);
  const share = unusedShare(c, remedy.proRata);
  if (share === 'unknown' || share === undefined)
    return review(
      c,
      'usage',
      reasons.add(
        'USAGE_UNKNOWN',
        share === 'unknown'
          ? 'Billing has no usage figure for this order, so the unused share is unknown.'
          : 'The plan has neither a quota nor a billing period to measure the unused share by.',
      ),
      mergeAllowed(remedyAllowed(c, remedy), [DENIED]),
      USAGE_NOTE,
    );
  if (share.amountMinor > 0 && !share.whole && share.amountMinor < c.cashMinor)
    return refund(c, share.amountMinor, false, reasons.addAll(share.reasons));
  if (remedy.extensionDays !== undefined)
    return decide(c, 'service_extension', reasons.addAll(share.reasons), {
      extensionDays: remedy.extensionDays,
    });
  if (share.amountMinor <= 0)
    return deny(c, new Reasons().add('SERVICE_RENDERED', 'Nothing of the term remains.').addAll(barred));
  // Nothing consumed and no extension offered: a person decides, never the whole price.
  return review(c, 'discretionary', reasons.add('DISCRETIONARY_REVIEW'), [
    { outcome: 'partial_refund', maxAmountMinor: partialCeiling(c) },
    DENIED,
  ]);
}

export function mechanical(c: Context): Decision {
  const { policy } = c;
  const { order, request } = c.input;
  const bars = accountBars(c);
  const requestBars = serviceBars(c);

  const finalSale = () => deny(c, new Reasons().add('ALL_SALES_FINAL').addAll(bars).addAll(requestBars));
  if (
    policy.allSalesFinal ||
    (order.productId !== undefined && policy.nonRefundableProductIds.includes(order.productId))
  )
    return finalSale();

  const rule = policy.reasonRules[request.reason];
  if (rule?.kind === 'review') {
    if (bars.size > 0) return deny(c, bars);
    const correction = billingCorrection(c);
    return review(
      c,
      'billing',
      new Reasons().add(rule.code).add('DISCRETIONARY_REVIEW'),
      [...correction, DENIED],
      correction.length === 0 ? BILLING_NOTE : undefined,
    );
  }

  switch (policy.refund.basis) {
    case 'none':
      return finalSale();
    case 'remaining_value':
      return remainingValueRoute(c, policy.refund.proRata, bars.addAll(requestBars));
    case 'technical_ground':
      return technicalRoute(c, policy.refund, bars, requestBars);
  }
}

/** A disputed denial goes to a person: uphold it, or decide within the policy's discretionary bounds. */
export function disputeReview(c: Context, denial: Decision): Decision {
  const discretion = c.policy.discretion;
  // Exceptions outside the general terms, never while the card network reverses the payment.
  const exceptions =
    discretion?.exceptionsOutsideTerms && !c.input.facts.chargebackActive ? discretionAllowed(c) : [];
  const correction = billingCorrection(c);
  return {
    ...denial,
    outcome: 'needs_review',
    amountMinor: 0,
    reasons: [...denial.reasons, 'DISPUTE_REVIEW'],
    explanations: [...denial.explanations, describeReason('DISPUTE_REVIEW')],
    review: {
      kind: 'dispute',
      allowed: mergeAllowed([DENIED], exceptions, correction),
      ...(correction.length === 0 ? { note: BILLING_NOTE } : {}),
    },
  };
}
