// @ts-check
// The support UI's entry: sign-in and the hash routes (#/cases, #/cases/<orderId>, #/outbox, #/dashboard).
import { api, onSignedOut, session } from './api.js';
import { h, show } from './dom.js';
import { caseListPage } from './pages/case-list.js';
import { casePage, leaveCasePage } from './pages/case.js';
import { dashboardPage, leaveDashboard } from './pages/dashboard.js';
import { outboxPage } from './pages/outbox.js';
import { signInPage } from './pages/sign-in.js';

/** @typedef {import('../../types').Me} Me */

/** @type {Me | undefined} */
let me;

async function route() {
  if (!session.key()) {
    leaveCasePage();
    return signInPage(undefined, (who) => {
      me = who;
      void route();
    });
  }
  try {
    me ??= /** @type {Me} */ (await api('GET', '/v1/me'));
  } catch (err) {
    session.clear();
    leaveCasePage();
    return signInPage(err instanceof Error ? err.message : String(err), (who) => {
      me = who;
      void route();
    });
  }
  /** @type {HTMLElement} */ (document.getElementById('nav')).hidden = false;
  /** @type {HTMLElement} */ (document.getElementById('who')).textContent = `Signed in as ${me.role}`;
  const [path = '', search] = (location.hash.slice(1) || '/cases').split('?');
  const params = new URLSearchParams(search || '');
  leaveCasePage();
  leaveDashboard();
  try {
    if (path.startsWith('/cases/')) await casePage(decodeURIComponent(path.slice('/cases/'.length)), me);
    else if (path === '/outbox') await outboxPage(params);
    else if (path === '/dashboard') await dashboardPage(params);
    else await caseListPage(params);
  } catch (err) {
    show(
      'Something went wrong',
      h('p', { class: 'error', role: 'alert' }, err instanceof Error ? err.message : String(err)),
    );
  }
}

// A key that stopped working mid-session: back to sign-in (during sign-in the form says why).
onSignedOut(() => {
  if (!me) return;
  me = undefined;
  void route();
});
/** @type {HTMLElement} */ (document.getElementById('sign-out')).addEventListener('click', () => {
  session.clear();
  me = undefined;
  location.hash = '';
  void route();
});
window.addEventListener('hashchange', () => void route());
void route();
