// @ts-check
// Sign in with an API key; the key is kept for this browser session (sessionStorage, shared with
// the UI's other open tabs). A checkout key is refused here: the support pages need a person's role.
import { api, session } from '../api.js';
import { h, show } from '../dom.js';

/** @typedef {import('../../../types').Me} Me */

/**
 * @param {string | undefined} message
 * @param {(me: Me) => void} signedIn
 */
export function signInPage(message, signedIn) {
  /** @type {HTMLElement} */ (document.getElementById('nav')).hidden = true;
  const error = h(
    'p',
    { class: 'error', role: 'alert', id: 'key-error' },
    message ? `Sign-in failed: ${message}` : '',
  );
  const key = h('input', {
    id: 'key',
    name: 'key',
    type: 'password',
    autocomplete: 'off',
    required: true,
    size: 40,
    'aria-describedby': 'key-hint',
  });
  const form = h(
    'form',
    { class: 'card', 'aria-label': 'Sign in' },
    h('label', { for: 'key' }, 'API key'),
    h('p', { class: 'hint', id: 'key-hint' }, 'A support, reviewer or admin key.'),
    key,
    h('button', { class: 'primary', type: 'submit' }, 'Sign in'),
    error,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    key.removeAttribute('aria-invalid');
    key.setAttribute('aria-describedby', 'key-hint');
    session.set(key.value.trim());
    try {
      const me = /** @type {Me} */ (await api('GET', '/v1/me'));
      if (me.role === 'checkout')
        throw new Error(
          'this is a checkout key, for the shop only. Sign in with a support, reviewer or admin key.',
        );
      signedIn(me);
    } catch (err) {
      session.clear();
      error.textContent = `Sign-in failed: ${err instanceof Error ? err.message : String(err)}`;
      key.setAttribute('aria-invalid', 'true');
      key.setAttribute('aria-describedby', 'key-error key-hint');
      key.focus();
    }
  });
  show(
    'Sign in',
    h('p', {}, 'Sign in with your Refundflow API key. It is kept until you sign out or close the browser.'),
    form,
  );
}
