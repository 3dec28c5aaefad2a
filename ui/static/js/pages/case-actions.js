// @ts-check
// The actions on one case: those the API lists for the signed-in role now (`actions` on the case
// read), or, from a server without that list, those the case's state takes and the role may call
// (from /openapi.json). Each form lives beside the others of its kind.
import { h, handleSubmit } from '../dom.js';
import { when } from '../format.js';
import { mayCall } from '../schema.js';
import { decisionForm, informationRequestForm, technicalReviewForm } from './decide.js';
import { ROUTE, card, post } from './forms.js';
import { payoutRouteForms } from './payout-route.js';

/** @typedef {import('../../../types').CaseView} CaseView */
/** @typedef {import('../../../types').Me} Me */
/** @typedef {import('../../../types').CaseAction} CaseAction */

/**
 * What the signed-in role may do on this case now, by the API's action names: the case read's
 * `actions` where the server lists them (late events, which it does not list, from the case), or
 * the case's state and the role's routes. A technical review is left out where the case waits for
 * a decision on something else (a dispute, a billing question), though the case would take one.
 * @param {CaseView} c
 * @param {Me} me
 * @returns {Promise<Map<string, Partial<CaseAction>>>}
 */
async function allowedActions(c, me) {
  const may = (/** @type {string} */ rest) => mayCall(me.role, 'POST', `${ROUTE}/${rest}`);
  /** @type {Map<string, Partial<CaseAction>>} */
  const out = new Map();
  if (c.lateEvents?.events.some((e) => !e.acknowledgedAt) && (await may('late-events/acknowledgements')))
    out.set('late-event-acknowledgement', {});
  const waitsFor = c.decision?.outcome === 'needs_review' ? c.decision.review?.kind : undefined;
  const reviewable =
    c.status === 'remediation' ||
    (c.status === 'under_review' &&
      (!waitsFor || waitsFor === 'technical_review' || waitsFor === 'remediation'));
  if (Array.isArray(c.actions)) {
    for (const a of c.actions) if (a.action !== 'technical-review' || reviewable) out.set(a.action, a);
    return out;
  }
  if (c.payoutRoute && (await may('payout-retries'))) out.set('payout-route', {});
  const until = c.deadlines.disputeWindowEndsAt;
  if (
    c.decision?.outcome === 'denied' &&
    until &&
    !c.dispute &&
    Date.parse(until) > Date.now() &&
    (await may('disputes'))
  )
    out.set('dispute', {});
  if (reviewable && (await may('technical-reviews'))) out.set('technical-review', {});
  if (c.status === 'under_review' && (await may('decisions'))) out.set('decision', {});
  return out;
}

/**
 * @param {CaseView} c
 * @param {Me} me
 * @param {(saved?: string) => Promise<void>} reload
 * @returns {Promise<Node[]>}
 */
export async function caseActions(c, me, reload) {
  const allowed = await allowedActions(c, me);
  /** @type {Node[]} */
  const out = [];
  if (allowed.has('late-event-acknowledgement')) out.push(lateEventsForm(c, reload));
  const route = allowed.get('payout-route');
  if (route && c.payoutRoute) out.push(await payoutRouteForms(c, reload, route));
  const until = c.deadlines.disputeWindowEndsAt;
  if (allowed.has('dispute') && until) out.push(disputeForm(c, until, reload));
  if (allowed.has('technical-review')) out.push(await technicalReviewForm(c, reload));
  if (allowed.has('information-request')) out.push(await informationRequestForm(c, reload));
  const decide = allowed.get('decision');
  if (decide) out.push(await decisionForm(c, reload, decide));
  return out;
}

// ---- disputes ----------------------------------------------------------------------------------

/** @param {CaseView} c @param {string} until @param {(saved?: string) => Promise<void>} reload */
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
    saved: "Saved: the customer's dispute is recorded",
    done: reload,
  });
  return h('section', { class: 'actions', 'aria-label': 'Dispute' }, form);
}

// ---- late events -------------------------------------------------------------------------------

/** @param {CaseView} c @param {(saved?: string) => Promise<void>} reload */
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
    saved: 'Saved: the late events are acknowledged',
    done: reload,
  });
  return form;
}
