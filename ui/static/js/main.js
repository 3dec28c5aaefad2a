// @ts-check
// The support UI's entry: sign-in and the hash routes (#/cases, #/cases/<orderId>, #/outbox, #/dashboard).
// A page is one line in PAGES; the nav links live in index.html.
import { api, onSignedOut, session } from './api.js';
import { h, show } from './dom.js';
import { caseListPage } from './pages/case-list.js';
import { casePage, leaveCasePage } from './pages/case.js';
import { dashboardPage, leaveDashboard } from './pages/dashboard.js';
import { outboxPage } from './pages/outbox.js';
import { signInPage } from './pages/sign-in.js';

/** @typedef {import('../../types').Me} Me */

/**
 * The routes, first match wins: a path prefix and the page it shows.
 * @type {{ prefix: string, page: (rest: string, params: URLSearchParams, me: Me) => Promise<void> }[]}
 */
const PAGES = [
  { prefix: '/cases/', page: (rest, _params, me) => casePage(decodeURIComponent(rest), me) },
  { prefix: '/outbox', page: (_rest, params) => outboxPage(params) },
  { prefix: '/dashboard', page: (_rest, params) => dashboardPage(params) },
  { prefix: '/cases', page: (_rest, params) => caseListPage(params) },
];

/** @type {Me | undefined} */
let me;

/** @param {Me} who */
const signedIn = (who) => {
  me = who;
  void route();
};

async function route() {
  leaveCasePage();
  leaveDashboard();
  // The page asked for stays in the address while signing in, so sign-in goes on to it.
  if (!session.key()) return signInPage(undefined, signedIn);
  try {
    me ??= /** @type {Me} */ (await api('GET', '/v1/me'));
    if (me.role === 'checkout') throw new Error('a checkout key cannot use the support UI');
  } catch (err) {
    session.clear();
    me = undefined;
    return signInPage(err instanceof Error ? err.message : String(err), signedIn);
  }
  /** @type {HTMLElement} */ (document.getElementById('nav')).hidden = false;
  /** @type {HTMLElement} */ (document.getElementById('who')).textContent = `Signed in as ${me.role}`;
  const [path = '', search] = (location.hash.slice(1) || '/cases').split('?');
  const params = new URLSearchParams(search || '');
  const found = PAGES.find((p) => path.startsWith(p.prefix)) ?? PAGES[PAGES.length - 1];
  for (const link of document.querySelectorAll('#nav a'))
    if (link.getAttribute('href') === `#${found?.prefix}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  try {
    await found?.page(path.slice(found.prefix.length), params, me);
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
  session.forget();
  me = undefined;
  location.hash = '';
  void route();
});
window.addEventListener('hashchange', () => void route());
// The skip link moves focus to the page; following its #main would replace the route.
document.querySelector('.skip')?.addEventListener('click', (event) => {
  event.preventDefault();
  /** @type {HTMLElement} */ (document.getElementById('main')).focus();
});
// A new tab of a signed-in browser takes the key from an open tab instead of asking again.
void session.fromOtherTabs().then(route);
