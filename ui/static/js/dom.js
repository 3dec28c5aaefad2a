// @ts-check
// Building the page from API answers with DOM nodes (never HTML strings), the confirmation
// before money moves, and errors next to the fields they are about.
import { ApiError } from './api.js';
import { plain } from './format.js';

/**
 * @typedef {string | number | boolean | null | undefined | EventListener} AttrValue
 * @typedef {Node | string | number | false | null | undefined} Leaf
 * @typedef {Leaf | (Leaf | Leaf[] | Leaf[][])[]} Child
 */

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, AttrValue>} [attrs]
 * @param {...Child} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'text') el.textContent = String(value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/** @param {Element} el @param {Child[]} children */
function append(el, children) {
  for (const child of children) {
    if (Array.isArray(child)) append(el, child);
    else if (child !== undefined && child !== null && child !== false)
      el.append(child instanceof Node ? child : String(child));
  }
}

/** Tells screen readers (and tests) what just happened. @param {string} message */
export function announce(message) {
  const status = document.getElementById('status');
  if (status) status.textContent = message;
}

let loaded = false;
/**
 * Replaces the page and moves focus to it, except on the first page after loading, where the
 * skip link stays the first thing Tab reaches.
 * @param {string} title @param {...Child} content
 */
export function show(title, ...content) {
  render(title, ...content);
  if (loaded) /** @type {HTMLElement} */ (document.getElementById('main')).focus();
  loaded = true;
}

/** Replaces the page without moving focus (a refresh of the page on screen). @param {string} title @param {...Child} content */
export function render(title, ...content) {
  const main = /** @type {HTMLElement} */ (document.getElementById('main'));
  document.title = `${title} · Refundflow support`;
  main.replaceChildren(h('h1', { text: title }));
  append(main, content);
}

/** @param {string} status */
export const badge = (status) => h('span', { class: `badge ${status}` }, status.replace(/_/g, ' '));

/** Enter on a select or a checkbox submits its form, as it does in a text field. @param {HTMLFormElement} form */
export function enterSubmits(form) {
  form.addEventListener('keydown', (event) => {
    const target = /** @type {HTMLInputElement} */ (event.target);
    if (event.key !== 'Enter') return;
    if (target.tagName === 'SELECT' || (target.tagName === 'INPUT' && target.type === 'checkbox')) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
}

/**
 * A modal confirmation naming what will happen (the amount, before money moves).
 * @param {string} message
 * @param {string} confirmLabel
 * @returns {Promise<boolean>}
 */
export function confirmStep(message, confirmLabel) {
  return new Promise((resolve) => {
    /** @param {boolean} answer */
    const close = (answer) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    const dialog = h(
      'dialog',
      { class: 'confirm', 'aria-labelledby': 'confirm-title', 'aria-describedby': 'confirm-text' },
      h('h2', { id: 'confirm-title' }, 'Please confirm'),
      h('p', { id: 'confirm-text' }, message),
      h(
        'div',
        { class: 'buttons' },
        h('button', { type: 'button', class: 'primary', onclick: () => close(true) }, confirmLabel),
        h('button', { type: 'button', onclick: () => close(false) }, 'Cancel'),
      ),
    );
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      close(false);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** @param {HTMLFormElement} form */
function clearErrors(form) {
  for (const el of form.querySelectorAll('[aria-invalid]')) {
    el.removeAttribute('aria-invalid');
    const hints = el.getAttribute('data-hints');
    if (hints) el.setAttribute('aria-describedby', hints);
    else el.removeAttribute('aria-describedby');
  }
  for (const el of form.querySelectorAll('.field-error, .form-error')) el.remove();
}

/** A sentence starting with a capital letter and in plain words. @param {string} message */
const sentence = (message) => {
  const text = plain(message.trim());
  return text.charAt(0).toUpperCase() + text.slice(1);
};

/**
 * Puts an error next to the field it names (or at the form's button when it names none), tied to
 * the field for screen readers, and brings the first one into view.
 * @param {HTMLFormElement} form
 * @param {string | undefined} field
 * @param {string} message
 */
export function showError(form, field, message) {
  const first = !form.querySelector('.field-error, .form-error');
  const input = field ? /** @type {HTMLElement | null} */ (form.querySelector(`[name="${field}"]`)) : null;
  if (input) {
    const id = `${input.id || field}-error`;
    const hints = input.getAttribute('data-hints') ?? input.getAttribute('aria-describedby') ?? '';
    if (hints) input.setAttribute('data-hints', hints);
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', `${id}${hints ? ` ${hints}` : ''}`);
    input.after(h('p', { class: 'field-error error', id }, sentence(message)));
    if (first) input.focus();
    return;
  }
  const button = form.querySelector('button[type="submit"]');
  const error = h('p', { class: 'form-error error', role: 'alert' }, sentence(message));
  if (button) button.after(error);
  else form.append(error);
  if (first) error.scrollIntoView({ block: 'nearest' });
}

/**
 * Wires a form to one action: check the input, confirm if money moves, send once (one
 * Idempotency-Key per attempt), show errors beside their fields or "Saved", then refresh.
 * @template B
 * @param {HTMLFormElement} form
 * @param {{
 *   read: (data: FormData) => { body: B } | { field?: string, error: string },
 *   confirm?: (body: B) => { message: string, label: string } | undefined,
 *   send: (body: B) => Promise<unknown>,
 *   explain?: (field: string, message: string) => string,
 *   saved?: string,
 *   done: (saved: string) => Promise<void>,
 * }} action
 */
export function handleSubmit(form, action) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const read = action.read(new FormData(form));
    if (!('body' in read)) return showError(form, read.field, read.error);
    const question = action.confirm?.(read.body);
    if (question && !(await confirmStep(question.message, question.label))) return;
    const button = form.querySelector('button[type="submit"]');
    button?.setAttribute('disabled', '');
    try {
      await action.send(read.body);
    } catch (err) {
      button?.removeAttribute('disabled');
      const explain = (/** @type {string} */ field, /** @type {string} */ message) =>
        action.explain ? action.explain(field, message) : message;
      if (err instanceof ApiError && err.issues.length)
        for (const issue of err.issues) {
          const known = form.querySelector(`[name="${issue.path}"]`);
          showError(form, known ? issue.path : undefined, explain(issue.path, issue.message));
        }
      else {
        // A refusal from the case names its field first ("amountMinor: at most …").
        const message = err instanceof Error ? err.message : String(err);
        const named = /^(\w+): (.*)$/.exec(message);
        if (named && form.querySelector(`[name="${named[1]}"]`))
          showError(form, named[1], explain(named[1], named[2] ?? message));
        else showError(form, undefined, message);
      }
      return;
    }
    const saved = action.saved ?? 'Saved';
    announce(saved);
    await action.done(saved);
  });
}
