// @ts-check
// Sign in with an API key; the key is kept for this browser tab only.
import { api, session } from '../api.js';
import { h, show } from '../dom.js';

/** @typedef {import('../../../types').Me} Me */

/**
 * @param {string | undefined} message
 * @param {(me: Me) => void} signedIn
 */
export function signInPage(message, signedIn) {
  /** @type {HTMLElement} */ (document.getElementById('nav')).hidden = true;
  const error = h('p', { class: 'error', role: 'alert' }, message || '');
  const key = h('input', {
    id: 'key',
    name: 'key',
    type: 'password',
    autocomplete: 'off',
    required: true,
    size: 40,
  });
  const form = h(
    'form',
    { class: 'card', 'aria-label': 'Sign in' },
    h('label', { for: 'key' }, 'API key'),
    key,
    h('button', { class: 'primary', type: 'submit' }, 'Sign in'),
    error,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    session.set(key.value.trim());
    try {
      const me = /** @type {Me} */ (await api('GET', '/v1/me'));
      if (me.role === 'checkout')
        throw new Error('this is a checkout key; the support UI needs a support, reviewer or admin key');
      signedIn(me);
    } catch (err) {
      session.clear();
      error.textContent = `Sign-in failed: ${err instanceof Error ? err.message : String(err)}`;
    }
  });
  show(
    'Sign in',
    h('p', {}, 'Sign in with your Refundflow API key. It is kept only for this browser tab.'),
    form,
  );
  key.focus();
}
