// The support UI: vanilla JS over the /v1 API. The key lives in sessionStorage (gone when the
// tab closes); every page is rendered from API answers with DOM nodes, never HTML strings.
'use strict';

const KEY = 'refundflow.key';
const STATUSES = ['open', 'remediation', 'under_review', 'approved', 'payout_pending', 'paid', 'credited', 'extended', 'denied', 'withdrawn', 'expired', 'not_refundable'];
const main = document.getElementById('main');
let me;

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else if (name === 'text') el.textContent = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) if (child !== undefined && child !== null && child !== false) el.append(child instanceof window.Node ? child : String(child));
  return el;
}

function announce(message) {
  document.getElementById('status').textContent = message;
}

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: { authorization: `Bearer ${sessionStorage.getItem(KEY) || ''}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const answer = await response.json().catch(() => ({}));
  // A key that stopped working mid-session: back to sign-in (during sign-in the form says why).
  if (response.status === 401 && me) {
    me = undefined;
    sessionStorage.removeItem(KEY);
    route();
  }
  if (!response.ok) {
    const issues = (answer.issues || []).map((i) => `${i.path}: ${i.message}`).join('; ');
    throw new Error(`${answer.error || response.statusText}${issues ? ` (${issues})` : ''}`);
  }
  return answer;
}

function money(minor, currency) {
  const format = new Intl.NumberFormat(undefined, { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits;
  return format.format(minor / 10 ** digits);
}
const when = (iso) => (iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '—');
const words = (code) => String(code || '').replace(/_/g, ' ');
const badge = (status) => h('span', { class: `badge ${status}` }, words(status));

function show(title, ...content) {
  document.title = `${title} · Refundflow support`;
  main.replaceChildren(h('h1', { text: title }), ...content.flat());
  main.focus();
}

// ---- sign in ---------------------------------------------------------------------------------

function signIn(message) {
  document.getElementById('nav').hidden = true;
  const error = h('p', { class: 'error', role: 'alert' }, message || '');
  const form = h(
    'form',
    { class: 'card', 'aria-label': 'Sign in' },
    h('label', { for: 'key' }, 'API key'),
    h('input', { id: 'key', name: 'key', type: 'password', autocomplete: 'off', required: true, size: 40 }),
    h('button', { class: 'primary', type: 'submit' }, 'Sign in'),
    error,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY, form.elements.key.value.trim());
    try {
      me = await api('GET', '/v1/me');
      location.hash = '#/cases';
      route();
    } catch (err) {
      sessionStorage.removeItem(KEY);
      error.textContent = `Sign-in failed: ${err.message}`;
    }
  });
  show('Sign in', h('p', { id: 'signin-title' }, 'Sign in with your Refundflow API key. It is kept only for this browser tab.'), form);
  form.elements.key.focus();
}

// ---- case list -------------------------------------------------------------------------------

async function caseList(params) {
  const filters = h(
    'form',
    { class: 'card filters', role: 'search', 'aria-label': 'Filter cases' },
    h('div', {}, h('label', { for: 'f-status' }, 'Status'), h('select', { id: 'f-status', name: 'status' }, h('option', { value: '' }, 'any'), STATUSES.map((s) => h('option', { value: s, selected: params.get('status') === s }, words(s))))),
    h('div', {}, h('label', { for: 'f-policy' }, 'Policy'), h('select', { id: 'f-policy', name: 'policy' }, h('option', { value: '' }, 'any'))),
    h('div', {}, h('label', { for: 'f-customer' }, 'Customer'), h('input', { id: 'f-customer', name: 'customerId', value: params.get('customerId') || '' })),
    h('div', {}, h('label', { for: 'f-due' }, 'Due within'), h('select', { id: 'f-due', name: 'due' }, ['', '1', '3', '7'].map((d) => h('option', { value: d, selected: (params.get('due') || '') === d }, d ? `${d} day${d === '1' ? '' : 's'}` : 'any time')))),
    h('button', { class: 'primary', type: 'submit' }, 'Apply'),
  );
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = new window.URLSearchParams();
    for (const [name, value] of new FormData(filters)) if (value) next.set(name, String(value));
    location.hash = `#/cases?${next}`;
  });
  const results = h('section', { 'aria-labelledby': 'results-title' }, h('h2', { id: 'results-title' }, 'Cases'), h('p', {}, 'Loading…'));
  show('Cases', filters, results);

  const { policies } = await api('GET', '/v1/policies');
  for (const p of policies) filters.elements.policy.append(h('option', { value: p.id, selected: params.get('policy') === p.id }, p.id));
  const query = new window.URLSearchParams();
  for (const name of ['status', 'policy', 'customerId']) if (params.get(name)) query.set(name, params.get(name));
  if (params.get('due')) query.set('dueBefore', new Date(Date.now() + Number(params.get('due')) * 86400000).toISOString());
  const { cases, counts } = await api('GET', `/v1/cases?${query}`);
  const countList = h('ul', { class: 'counts', 'aria-label': 'Cases per status' }, Object.entries(counts).map(([s, n]) => h('li', {}, `${words(s)}: ${n}`)));
  const rows = cases.map((c) =>
    h(
      'tr',
      {},
      h('td', {}, h('a', { href: `#/cases/${encodeURIComponent(c.orderId)}` }, c.orderId)),
      h('td', {}, badge(c.status), c.escalated ? h('span', { class: 'escalated' }, ' escalated') : ''),
      h('td', {}, c.policyId || ''),
      h('td', {}, c.customerId || ''),
      h('td', {}, when(c.nextDeadline)),
    ),
  );
  results.replaceChildren(
    h('h2', { id: 'results-title' }, `Cases (${cases.length})`),
    countList,
    cases.length === 0
      ? h('p', {}, 'No case matches these filters.')
      : h('table', {}, h('thead', {}, h('tr', {}, ['Order', 'Status', 'Policy', 'Customer', 'Next deadline'].map((t) => h('th', { scope: 'col' }, t)))), h('tbody', {}, rows)),
  );
  announce(`${cases.length} cases`);
}

// ---- one case --------------------------------------------------------------------------------

const DEADLINES = [
  ['requestWindowEndsAt', 'Request window ends'],
  ['remediationDeadline', 'Remediation deadline'],
  ['decisionDeadline', 'Decision due'],
  ['payoutDeadline', 'Payout limit'],
  ['subscriptionEndsAt', 'Subscription ends'],
];

function deadlineTrack(c) {
  const now = Date.now();
  const points = DEADLINES.filter(([k]) => c.deadlines[k]).map(([k, label]) => ({ label, at: Date.parse(c.deadlines[k]) }));
  const opened = c.timeline.length ? Date.parse(c.timeline[0].at) : now;
  const all = [{ label: 'Opened', at: opened }, ...points, { label: 'Today', at: now, today: true }].sort((a, b) => a.at - b.at);
  const first = all[0].at;
  const span = Math.max(all[all.length - 1].at - first, 1);
  const track = h('div', { class: 'track', 'aria-hidden': 'true' });
  all.forEach((p, i) => {
    const mark = h('div', { class: `mark${p.today ? ' today' : p.at < now ? ' past' : ''}${i % 2 ? ' low' : ''}` }, p.label);
    mark.style.left = `${4 + (92 * (p.at - first)) / span}%`;
    track.append(mark);
  });
  const list = h('ul', {}, points.map((p) => h('li', {}, `${p.label}: ${when(new Date(p.at).toISOString())}${p.at < now ? ' (passed)' : ''}`)));
  return h('section', { 'aria-labelledby': 'deadlines-title' }, h('h2', { id: 'deadlines-title' }, 'Deadlines'), track, list);
}

function reviewerForms(c, reload) {
  if (!me || !['reviewer', 'admin'].includes(me.role)) return [];
  const error = h('p', { class: 'error', role: 'alert' });
  const submit = (form, path, body) => async (event) => {
    event.preventDefault();
    error.textContent = '';
    try {
      await api('POST', `/v1/cases/${encodeURIComponent(c.orderId)}/${path}`, body(new FormData(form)));
      announce('Saved');
      await reload();
    } catch (err) {
      error.textContent = err.message;
    }
  };
  const review = h(
    'form',
    { class: 'card', 'aria-labelledby': 'review-title' },
    h('h2', { id: 'review-title' }, 'Technical review'),
    h('label', { for: 'review-outcome' }, 'Outcome'),
    h('select', { id: 'review-outcome', name: 'outcome' }, ['provider_fault', 'user_caused', 'third_party', 'remediated', 'unresolved'].map((o) => h('option', { value: o }, words(o)))),
    h('label', { for: 'review-notes' }, 'Notes'),
    h('textarea', { id: 'review-notes', name: 'notes', rows: 2, cols: 50 }),
    h('button', { class: 'primary', type: 'submit' }, 'Submit review'),
  );
  review.addEventListener('submit', submit(review, 'technical-reviews', (d) => ({ outcome: d.get('outcome'), ...(d.get('notes') ? { notes: d.get('notes') } : {}) })));
  const decision = h(
    'form',
    { class: 'card', 'aria-labelledby': 'decision-title' },
    h('h2', { id: 'decision-title' }, 'Decision'),
    h('label', { for: 'decision-outcome' }, 'Outcome'),
    h('select', { id: 'decision-outcome', name: 'outcome' }, ['full_refund', 'partial_refund', 'credit', 'service_extension', 'denied'].map((o) => h('option', { value: o }, words(o)))),
    h('label', { for: 'decision-amount' }, `Amount in minor units (${c.currency}), for partial refunds and credit`),
    h('input', { id: 'decision-amount', name: 'amountMinor', type: 'number', min: 0, step: 1 }),
    h('label', { for: 'decision-days' }, 'Extension days, for a service extension'),
    h('input', { id: 'decision-days', name: 'extensionDays', type: 'number', min: 1, step: 1 }),
    h('label', { for: 'decision-note' }, 'Note (required)'),
    h('textarea', { id: 'decision-note', name: 'note', rows: 2, cols: 50, required: true }),
    h('button', { class: 'primary', type: 'submit' }, 'Record decision'),
  );
  decision.addEventListener(
    'submit',
    submit(decision, 'decisions', (d) => ({
      outcome: d.get('outcome'),
      note: d.get('note'),
      ...(d.get('amountMinor') ? { amountMinor: Number(d.get('amountMinor')) } : {}),
      ...(d.get('extensionDays') ? { extensionDays: Number(d.get('extensionDays')) } : {}),
    })),
  );
  return [error, review, decision];
}

async function casePage(orderId) {
  const reload = async () => {
    const c = await api('GET', `/v1/cases/${encodeURIComponent(orderId)}`);
    const facts = h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Status'), h('dd', { id: 'case-status' }, badge(c.status), c.escalated ? h('span', { class: 'escalated' }, ' escalated') : ''),
      h('dt', {}, 'Policy'), h('dd', {}, `${c.policyId} v${c.policyVersion}`),
      h('dt', {}, 'Customer'), h('dd', {}, c.customerId),
      h('dt', {}, 'Paid'), h('dd', {}, money(c.paidMinor, c.currency)),
      c.request ? [h('dt', {}, 'Request'), h('dd', {}, `${words(c.request.reason)} on ${when(c.request.requestedAt)}${c.request.description ? ` — ${c.request.description}` : ''}`)] : [],
      c.issue ? [h('dt', {}, 'Issue'), h('dd', {}, `${c.issue.description} (reported ${when(c.issue.reportedAt)})`)] : [],
      c.technicalReview ? [h('dt', {}, 'Technical review'), h('dd', {}, `${words(c.technicalReview.outcome)}${c.technicalReview.notes ? ` — ${c.technicalReview.notes}` : ''}`)] : [],
      c.payout ? [h('dt', {}, 'Payout'), h('dd', {}, `${money(c.payout.amountMinor, c.payout.currency)} ${c.payout.status}`)] : [],
    );
    const decision = c.decision
      ? h(
          'section',
          { 'aria-labelledby': 'decision-result' },
          h('h2', { id: 'decision-result' }, 'Decision'),
          h('p', {}, h('strong', {}, words(c.decision.outcome)), c.decision.amountMinor ? ` — ${money(c.decision.amountMinor, c.decision.currency)}` : '', ` (${when(c.decision.decidedAt)}, by ${c.decision.decidedBy.role})`),
          h('ul', {}, c.decision.reasons.map((code, i) => h('li', {}, (c.decision.explanations || [])[i] || words(code), ' ', h('small', {}, `(${code})`)))),
          c.decision.note ? h('p', {}, `Note: ${c.decision.note}`) : '',
        )
      : h('section', {}, h('h2', {}, 'Decision'), h('p', {}, 'No decision yet.'));
    const timeline = h(
      'section',
      { 'aria-labelledby': 'timeline-title' },
      h('h2', { id: 'timeline-title' }, 'Timeline'),
      h('table', {}, h('thead', {}, h('tr', {}, ['When', 'What', 'Who'].map((t) => h('th', { scope: 'col' }, t)))), h('tbody', {}, c.timeline.map((e) => h('tr', {}, h('td', {}, when(e.at)), h('td', {}, e.summary), h('td', {}, e.actor.role))))),
    );
    show(`Case ${c.orderId}`, h('p', {}, h('a', { href: '#/cases' }, '← All cases'), ' · ', h('a', { href: `#/outbox?orderId=${encodeURIComponent(c.orderId)}` }, 'Emails for this case')), h('section', { 'aria-label': 'Summary' }, facts), deadlineTrack(c), decision, ...(c.closed ? [] : reviewerForms(c, reload)), timeline);
    announce(`Case ${c.orderId} is ${words(c.status)}`);
  };
  await reload();
}

// ---- outbox ----------------------------------------------------------------------------------

async function outbox(params) {
  const orderId = params.get('orderId');
  const { messages } = await api('GET', `/v1/outbox${orderId ? `?orderId=${encodeURIComponent(orderId)}` : ''}`);
  show(
    orderId ? `Sent email for ${orderId}` : 'Sent email',
    messages.length === 0
      ? h('p', {}, 'No email sent yet.')
      : messages.map((m) =>
          h('section', { 'aria-label': m.subject }, h('h2', {}, m.subject), h('p', {}, `To ${m.to} · ${when(m.createdAt)} · `, h('a', { href: `#/cases/${encodeURIComponent(m.orderId)}` }, m.orderId)), h('details', {}, h('summary', {}, 'Message'), h('pre', { class: 'mail' }, m.text))),
        ),
  );
}

// ---- routing ---------------------------------------------------------------------------------

async function route() {
  if (!sessionStorage.getItem(KEY)) return signIn();
  try {
    me = me || (await api('GET', '/v1/me'));
  } catch (err) {
    return signIn(err.message);
  }
  document.getElementById('nav').hidden = false;
  document.getElementById('who').textContent = `Signed in as ${me.role}`;
  const [path, search] = (location.hash.slice(1) || '/cases').split('?');
  const params = new window.URLSearchParams(search || '');
  try {
    if (path.startsWith('/cases/')) await casePage(decodeURIComponent(path.slice('/cases/'.length)));
    else if (path === '/outbox') await outbox(params);
    else await caseList(params);
  } catch (err) {
    show('Something went wrong', h('p', { class: 'error', role: 'alert' }, err.message));
  }
}

document.getElementById('sign-out').addEventListener('click', () => {
  sessionStorage.removeItem(KEY);
  me = undefined;
  location.hash = '';
  route();
});
window.addEventListener('hashchange', route);
route();
