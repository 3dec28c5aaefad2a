// @ts-check
// The parts of the case page: what needs attention first (escalation, who acts next, late events,
// a dispute), the facts, the deadlines, the decision and the timeline, in plain words.
import { badge, h } from '../dom.js';
import { fromNow, money, plain, when, words } from '../format.js';

/** @typedef {import('../../../types').CaseView} CaseView */

/** @type {[keyof CaseView['deadlines'], string][]} */
const DEADLINES = [
  ['requestWindowEndsAt', 'Request window ends'],
  ['remediationDeadline', 'Remediation deadline'],
  ['decisionDeadline', 'Decision due'],
  ['payoutDeadline', 'Payout limit'],
  ['disputeWindowEndsAt', 'Dispute period ends'],
  ['settlePeriodEndsAt', 'Settle period ends'],
  ['subscriptionEndsAt', 'Subscription ends'],
];

/**
 * The case's clocks on one line from the purchase (or, without billing's date, the case's start)
 * to the last deadline, with today marked; the list below says each in words and how far it is.
 * @param {CaseView} c
 */
export function deadlineTrack(c) {
  const now = Date.now();
  const points = DEADLINES.flatMap(([k, label]) => {
    const at = c.deadlines[k];
    return at ? [{ label, at: Date.parse(at) }] : [];
  });
  const purchased = c.facts?.purchasedAt;
  const start = purchased
    ? { label: 'Purchased', at: Date.parse(purchased) }
    : { label: 'Opened', at: c.timeline[0] ? Date.parse(c.timeline[0].at) : now };
  const all = [start, ...points, { label: 'Today', at: now, today: true }].sort((a, b) => a.at - b.at);
  const first = all[0]?.at ?? now;
  const span = Math.max((all[all.length - 1]?.at ?? now) - first, 1);
  const track = h('div', { class: 'track', 'aria-hidden': 'true' });
  all.forEach((p, i) => {
    const mark = h(
      'div',
      { class: `mark${'today' in p ? ' today' : p.at < now ? ' past' : ''}${i % 2 ? ' low' : ''}` },
      p.label,
    );
    mark.style.left = `${4 + (92 * (p.at - first)) / span}%`;
    track.append(mark);
  });
  const next = points.filter((p) => p.at >= now).sort((a, b) => a.at - b.at)[0];
  const iso = (/** @type {number} */ at) => new Date(at).toISOString();
  const list = h(
    'ul',
    {},
    purchased ? h('li', {}, `Purchased: ${when(purchased)}`) : '',
    points.map((p) =>
      h(
        'li',
        { class: p === next ? 'next' : p.at < now ? 'passed' : '' },
        `${p.label}: ${when(iso(p.at))} (${p.at < now ? `passed ${fromNow(p.at)}` : fromNow(p.at)})`,
        p === next ? h('strong', {}, ' — next') : '',
      ),
    ),
  );
  return h(
    'section',
    { 'aria-labelledby': 'deadlines-title' },
    h('h2', { id: 'deadlines-title' }, 'Deadlines'),
    track,
    list,
  );
}

/** Why the case is escalated and since when, at the top (cleared once someone acts). @param {CaseView} c */
export function escalation(c) {
  if (c.escalation) {
    const { details, since } = c.escalation;
    return h(
      'section',
      { class: 'attention', 'aria-labelledby': 'escalation-title' },
      h('h2', { id: 'escalation-title' }, 'Escalated'),
      h('p', {}, `Since ${when(since)} (${fromNow(since)}).`),
      h(
        'ul',
        {},
        details.map((r) => h('li', {}, plain(r))),
      ),
    );
  }
  if (!c.escalated || Array.isArray(c.actions)) return [];
  const last = c.escalations[c.escalations.length - 1];
  return h(
    'section',
    { class: 'attention', 'aria-labelledby': 'escalation-title' },
    h('h2', { id: 'escalation-title' }, 'Escalated'),
    last ? h('p', {}, `Since ${when(last.at)} (${fromNow(last.at)}): ${plain(last.reason)}`) : '',
  );
}

/** Who acts next, and by when (the sentence names them; the role is added where it does not). @param {CaseView} c */
export function nextActor(c) {
  const next = c.nextActor;
  if (!next) return [];
  const who = {
    customer: 'The customer',
    support: 'Support',
    reviewer: 'A reviewer',
    system: 'Refundflow',
    nobody: 'Nobody',
  }[next.who];
  const what = plain(next.what);
  const named = what.toLowerCase().startsWith(who.toLowerCase()) || what.toLowerCase().startsWith(next.who);
  return h(
    'p',
    { class: 'next-actor', id: 'next-actor' },
    h('strong', {}, 'Who acts next: '),
    named ? what : `${who} — ${what}`,
    next.by ? ` (by ${when(next.by)}, ${fromNow(next.by)})` : '',
  );
}

/** Events after the case ended, flagged until support acknowledges them. @param {CaseView} c */
export function lateEvents(c) {
  const late = c.lateEvents;
  if (!late || late.events.length === 0) return [];
  const open = late.events.filter((e) => !e.acknowledgedAt).length;
  return h(
    'section',
    { class: open ? 'attention' : '', 'aria-labelledby': 'late-title' },
    h('h2', { id: 'late-title' }, `After the case ended (${late.total})`),
    h(
      'p',
      {},
      open ? `${open} event${open === 1 ? '' : 's'} to handle by hand.` : 'Every event is acknowledged.',
    ),
    h(
      'ul',
      { class: 'late-events' },
      late.events.map((e) =>
        h(
          'li',
          {},
          e.acknowledgedAt
            ? h('span', { class: 'badge' }, 'acknowledged')
            : h('span', { class: 'badge flag' }, 'needs attention'),
          ` ${when(e.receivedAt)} — ${words(e.kind)}: ${e.summary}`,
          e.caseStatus ? ` (case was ${words(e.caseStatus)})` : '',
          e.acknowledgedAt
            ? h(
                'small',
                {},
                ` Acknowledged ${when(e.acknowledgedAt)} by ${e.acknowledgedBy?.role ?? 'support'}${e.acknowledgeNote ? `: ${e.acknowledgeNote}` : ''}`,
              )
            : '',
        ),
      ),
    ),
  );
}

/** @param {CaseView} c */
export function dispute(c) {
  if (!c.dispute) return [];
  return h(
    'section',
    { 'aria-labelledby': 'dispute-title' },
    h('h2', { id: 'dispute-title' }, 'Dispute'),
    h(
      'p',
      {},
      `The customer disputed the denial on ${when(c.dispute.disputedAt)}: “${c.dispute.description}”`,
    ),
    c.status === 'under_review'
      ? h('p', {}, 'A reviewer decides: uphold the denial or decide within the policy.')
      : '',
  );
}

/** The order as billing tells it now (absent fields when billing lacks them or is down). @param {CaseView} c */
function billingFacts(c) {
  const f = c.facts ?? {};
  /** @type {[string, string | undefined][]} */
  const rows = [
    ['Purchased', f.purchasedAt && when(f.purchasedAt)],
    ['Product', f.productName ?? c.productId],
    ['Payment method', f.paymentMethod && words(f.paymentMethod)],
    ['Channel', f.channel && words(f.channel)],
    ['Customer email', f.customerEmail],
  ];
  return rows.flatMap(([label, value]) => (value ? [h('dt', {}, label), h('dd', {}, value)] : []));
}

/** @param {CaseView} c */
export function facts(c) {
  return h(
    'dl',
    { class: 'facts' },
    h('dt', {}, 'Status'),
    h(
      'dd',
      { id: 'case-status' },
      badge(c.status),
      c.escalated ? h('span', { class: 'escalated' }, ' escalated') : '',
    ),
    h('dt', {}, 'Policy'),
    h('dd', {}, `${c.policyId} v${c.policyVersion}`),
    h('dt', {}, 'Customer'),
    h('dd', {}, c.customerId),
    h('dt', {}, 'Paid'),
    h('dd', {}, money(c.paidMinor, c.currency)),
    billingFacts(c),
    c.request
      ? [
          h('dt', {}, 'Request'),
          h(
            'dd',
            {},
            `${words(c.request.reason)} on ${when(c.request.requestedAt)}${c.request.description ? ` — ${c.request.description}` : ''}`,
          ),
        ]
      : [],
    c.issue
      ? [h('dt', {}, 'Issue'), h('dd', {}, `${c.issue.description} (reported ${when(c.issue.reportedAt)})`)]
      : [],
    c.technicalReview
      ? [
          h('dt', {}, 'Technical review'),
          h(
            'dd',
            {},
            `${words(c.technicalReview.outcome)}${c.technicalReview.notes ? ` — ${c.technicalReview.notes}` : ''}`,
          ),
        ]
      : [],
    c.payout
      ? [
          h('dt', {}, 'Payout'),
          h(
            'dd',
            { id: 'case-payout' },
            `${money(c.payout.amountMinor, c.payout.currency)} ${words(c.payout.status)}`,
            c.payout.failureReason ? ` (${words(c.payout.failureReason)})` : '',
            c.payout.outside
              ? ` outside the gateway by ${words(c.payout.outside.method)}, reference ${c.payout.outside.reference}`
              : '',
          ),
        ]
      : [],
  );
}

/** @param {CaseView} c */
export function decision(c) {
  const d = c.decision;
  if (!d)
    return h(
      'section',
      { 'aria-labelledby': 'decision-result' },
      h('h2', { id: 'decision-result' }, 'Decision'),
      h('p', {}, 'No decision yet.'),
    );
  return h(
    'section',
    { 'aria-labelledby': 'decision-result' },
    h('h2', { id: 'decision-result' }, 'Decision'),
    h(
      'p',
      {},
      h('strong', {}, words(d.outcome)),
      d.amountMinor ? ` — ${money(d.amountMinor, d.currency)}` : '',
      ` (${when(d.decidedAt)}, by ${d.decidedBy.role})`,
    ),
    h(
      'ul',
      {},
      d.reasons.map((code, i) => h('li', {}, plain(d.explanations[i] || words(code)))),
    ),
    d.customerMessage ? h('p', {}, `Message to the customer: ${d.customerMessage}`) : '',
    d.note ? h('p', {}, `Internal note (not sent to the customer): ${d.note}`) : '',
  );
}

/** A timeline entry in words: a status change as "Status: open → under review", codes as words. */
const entryText = (/** @type {CaseView['timeline'][number]} */ e) => {
  const data = /** @type {{ from?: string, to?: string }} */ (e.data ?? {});
  if (e.type === 'status_changed' && data.from && data.to)
    return `Status changed from ${words(data.from)} to ${words(data.to)}`;
  return plain(e.summary);
};

/**
 * The timeline in plain words and local times with the zone, each repeated line once with how
 * many times it happened.
 * @param {CaseView} c
 */
export function timeline(c) {
  /** @type {{ at: string, text: string, who: string, times: number }[]} */
  const rows = [];
  for (const e of c.timeline) {
    const text = entryText(e);
    const last = rows[rows.length - 1];
    if (last && last.text === text && last.who === e.actor.role) last.times++;
    else rows.push({ at: e.at, text, who: e.actor.role, times: 1 });
  }
  return h(
    'section',
    { 'aria-labelledby': 'timeline-title' },
    h('h2', { id: 'timeline-title' }, 'Timeline'),
    h(
      'table',
      { class: 'stack' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['When', 'What', 'Who'].map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((r) =>
          h(
            'tr',
            {},
            h('td', { 'data-label': 'When' }, when(r.at)),
            h('td', { 'data-label': 'What' }, r.text, r.times > 1 ? ` (${r.times} times)` : ''),
            h('td', { 'data-label': 'Who' }, r.who),
          ),
        ),
      ),
    ),
  );
}
