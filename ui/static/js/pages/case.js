// @ts-check
// One case, kept current: read again after every action and every few seconds while on screen,
// so a tab left open while someone else acted never shows forms the case no longer takes.
import { api, casePath } from '../api.js';
import { announce, h, render, show } from '../dom.js';
import { words } from '../format.js';
import { caseActions } from './case-actions.js';
import {
  deadlineTrack,
  decision,
  dispute,
  escalation,
  facts,
  lateEvents,
  nextActor,
  timeline,
} from './case-sections.js';

/** @typedef {import('../../../types').CaseView} CaseView */
/** @typedef {import('../../../types').Me} Me */

/** How often the page asks whether the case changed elsewhere. */
const POLL_MS = 5000;

/** The case page on screen: its refresh, and the timer polling it. */
/** @type {{ check: () => Promise<void>, timer: ReturnType<typeof setInterval> } | undefined} */
let current;

/** Another page replaces the case page. */
export function leaveCasePage() {
  if (current) clearInterval(current.timer);
  current = undefined;
}

/** Whether the person is in the middle of something the page must not throw away. */
function busy() {
  const fields = /** @type {NodeListOf<HTMLInputElement | HTMLTextAreaElement>} */ (
    document.querySelectorAll('main form input:not([type=checkbox]), main form textarea')
  );
  const checks = /** @type {NodeListOf<HTMLInputElement>} */ (
    document.querySelectorAll('main form input[type=checkbox]')
  );
  return (
    [...fields].some((el) => el.value !== el.defaultValue) ||
    [...checks].some((el) => el.checked !== el.defaultChecked) ||
    !!document.querySelector('dialog[open], main .field-error, main .form-error')
  );
}

/** What identifies a version of the case (billing's facts and relative times aside). @param {CaseView} c */
const versionOf = (c) => JSON.stringify({ ...c, facts: undefined });

/** @param {string} orderId @param {Me} me */
export async function casePage(orderId, me) {
  leaveCasePage();
  let version = '';
  /**
   * @param {CaseView} c
   * @param {{ saved?: string, changed?: boolean, focus?: boolean }} how
   */
  const draw = async (c, how) => {
    const actions = await caseActions(c, me, (saved) => reload(saved));
    version = versionOf(c);
    const paint = how.focus ? show : render;
    paint(
      `Case ${c.orderId}`,
      how.saved
        ? h('p', { class: 'saved', role: 'status', id: 'saved', tabindex: '-1' }, `✓ ${how.saved}`)
        : '',
      how.changed
        ? h(
            'p',
            { class: 'notice', role: 'status', id: 'changed' },
            'This case changed elsewhere; the page shows it now.',
          )
        : '',
      h(
        'p',
        {},
        h('a', { href: '#/cases' }, '← All cases'),
        ' · ',
        h('a', { href: `#/outbox?orderId=${encodeURIComponent(c.orderId)}` }, 'Emails for this case'),
      ),
      escalation(c),
      nextActor(c),
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
    if (how.saved) announce(how.saved);
    else if (how.changed) announce(`This case changed elsewhere: it is now ${words(c.status)}`);
    else announce(`Case ${c.orderId} is ${words(c.status)}`);
  };
  const read = async () => /** @type {CaseView} */ (await api('GET', casePath(orderId)));
  /** After an action: the case as it is now, with a visible "Saved". @param {string} [saved] */
  const reload = async (saved) => {
    const c = await read();
    if (current?.check === check) await draw(c, { saved });
    document.getElementById('saved')?.focus();
  };
  // Someone else may act on the case: re-render when it changed, unless the person is typing
  // (then say so, and keep what they typed).
  const check = async () => {
    if (document.visibilityState !== 'visible') return;
    const c = await read();
    if (current?.check !== check || versionOf(c) === version) return;
    if (busy()) {
      if (!document.getElementById('stale'))
        document
          .querySelector('main h1')
          ?.after(
            h(
              'p',
              { class: 'notice', role: 'alert', id: 'stale' },
              `This case changed elsewhere (now ${words(c.status)}). `,
              h(
                'button',
                { type: 'button', onclick: () => void draw(c, { changed: true, focus: true }) },
                'Show the case as it is now',
              ),
            ),
          );
      return;
    }
    await draw(c, { changed: true });
  };
  const refresh = () => void check().catch(() => {});
  current = { check, timer: setInterval(refresh, POLL_MS) };
  await draw(await read(), { focus: true });
}

// Coming back to the tab: look at once rather than at the next tick.
window.addEventListener('focus', () => void current?.check().catch(() => {}));
document.addEventListener('visibilitychange', () => void current?.check().catch(() => {}));
