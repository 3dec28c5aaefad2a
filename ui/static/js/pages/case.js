// @ts-check
// One case: what needs attention first (escalation, late events, a dispute), the facts, the
// deadlines, the decision, the actions the case allows now, and the timeline.
import { api, casePath } from '../api.js';
import { announce, badge, h, show } from '../dom.js';
import { money, when, words } from '../format.js';
import { caseActions } from './case-actions.js';

/** @typedef {import('../../../types').CaseView} CaseView */
/** @typedef {import('../../../types').Me} Me */

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

/** @param {CaseView} c */
function deadlineTrack(c) {
  const now = Date.now();
  const points = DEADLINES.flatMap(([k, label]) => {
    const at = c.deadlines[k];
    return at ? [{ label, at: Date.parse(at) }] : [];
  });
  const opened = c.timeline[0] ? Date.parse(c.timeline[0].at) : now;
  const all = [{ label: 'Opened', at: opened }, ...points, { label: 'Today', at: now, today: true }].sort(
    (a, b) => a.at - b.at,
  );
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
  const list = h(
    'ul',
    {},
    points.map((p) =>
      h('li', {}, `${p.label}: ${when(new Date(p.at).toISOString())}${p.at < now ? ' (passed)' : ''}`),
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

/** Why the case is escalated and since when, at the top. @param {CaseView} c */
function escalation(c) {
  if (!c.escalated) return [];
  const last = c.escalations[c.escalations.length - 1];
  return h(
    'section',
    { class: 'attention', 'aria-labelledby': 'escalation-title' },
    h('h2', { id: 'escalation-title' }, 'Escalated'),
    last ? h('p', {}, `Since ${when(last.at)}: ${last.reason}`) : '',
  );
}

/** Events after the case ended, flagged until support acknowledges them. @param {CaseView} c */
function lateEvents(c) {
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
function dispute(c) {
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

/** @param {CaseView} c */
function facts(c) {
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
function decision(c) {
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
      d.reasons.map((code, i) =>
        h('li', {}, d.explanations[i] || words(code), ' ', h('small', {}, `(${code})`)),
      ),
    ),
    d.note ? h('p', {}, `Note: ${d.note}`) : '',
  );
}

/** @param {CaseView} c */
function timeline(c) {
  return h(
    'section',
    { 'aria-labelledby': 'timeline-title' },
    h('h2', { id: 'timeline-title' }, 'Timeline'),
    h(
      'table',
      {},
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
        c.timeline.map((e) =>
          h('tr', {}, h('td', {}, when(e.at)), h('td', {}, e.summary), h('td', {}, e.actor.role)),
        ),
      ),
    ),
  );
}

/** The case page on screen, refreshed when its tab comes back into view (another person may have acted). */
/** @type {(() => Promise<void>) | undefined} */
let shown;
function refreshIfIdle() {
  if (!shown || document.visibilityState !== 'visible') return;
  // Never throw away what someone is typing.
  const fields = /** @type {NodeListOf<HTMLInputElement | HTMLTextAreaElement>} */ (
    document.querySelectorAll('main form input, main form textarea')
  );
  if ([...fields].some((el) => el.value !== el.defaultValue)) return;
  if (document.querySelector('dialog[open]')) return;
  shown().catch(() => {});
}
window.addEventListener('focus', refreshIfIdle);
document.addEventListener('visibilitychange', refreshIfIdle);
/** Another page replaces the case page. */
export function leaveCasePage() {
  shown = undefined;
}

/** @param {string} orderId @param {Me} me */
export async function casePage(orderId, me) {
  const reload = async () => {
    const c = /** @type {CaseView} */ (await api('GET', casePath(orderId)));
    const actions = await caseActions(c, me, reload);
    show(
      `Case ${c.orderId}`,
      h(
        'p',
        {},
        h('a', { href: '#/cases' }, '← All cases'),
        ' · ',
        h('a', { href: `#/outbox?orderId=${encodeURIComponent(c.orderId)}` }, 'Emails for this case'),
      ),
      escalation(c),
      lateEvents(c),
      dispute(c),
      h('section', { 'aria-label': 'Summary' }, facts(c)),
      deadlineTrack(c),
      decision(c),
      actions.length
        ? h(
            'section',
            { 'aria-labelledby': 'actions-title', class: 'actions' },
            h('h2', { id: 'actions-title' }, 'What you can do now'),
            actions,
          )
        : '',
      timeline(c),
    );
    announce(`Case ${c.orderId} is ${words(c.status)}`);
  };
  shown = reload;
  await reload();
}
