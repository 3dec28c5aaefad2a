// @ts-check
// Building the page from API answers with DOM nodes (never HTML strings), the confirmation
// before money moves, and errors next to the fields they are about.
import { ApiError } from './api.js';

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

/** Replaces the page. @param {string} title @param {...Child} content */
export function show(title, ...content) {
  const main = /** @type {HTMLElement} */ (document.getElementById('main'));
  document.title = `${title} · Refundflow support`;
  main.replaceChildren(h('h1', { text: title }));
  append(main, content);
  main.focus();
}

/** @param {string} status */
export const badge = (status) => h('span', { class: `badge ${status}` }, status.replace(/_/g, ' '));

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
    el.removeAttribute('aria-describedby');
  }
  for (const el of form.querySelectorAll('.field-error, .form-error, .saved')) el.remove();
}

/**
 * Puts an error next to the field it names (or at the form's button when it names none).
 * @param {HTMLFormElement} form
 * @param {string | undefined} field
 * @param {string} message
 */
export function showError(form, field, message) {
  const input = field ? /** @type {HTMLElement | null} */ (form.querySelector(`[name="${field}"]`)) : null;
  if (input) {
    const id = `${input.id || field}-error`;
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', id);
    input.after(h('p', { class: 'field-error error', id }, message));
    return;
  }
  form.append(h('p', { class: 'form-error error', role: 'alert' }, message));
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
 *   done: () => Promise<void>,
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
      if (err instanceof ApiError && err.issues.length)
        for (const issue of err.issues) showError(form, issue.path, issue.message);
      else {
        // A refusal from the case names its field first ("amountMinor: at most …").
        const message = err instanceof Error ? err.message : String(err);
        const named = /^(\w+): (.*)$/.exec(message);
        if (named && form.querySelector(`[name="${named[1]}"]`))
          showError(form, named[1], named[2] ?? message);
        else showError(form, undefined, message);
      }
      return;
    }
    announce('Saved');
    await action.done();
  });
}
