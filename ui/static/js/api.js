// @ts-check
// The support UI's only door to the server: the /v1 API with the signed-in key. The key lives in
// sessionStorage (never on disk); a new tab asks the open ones for it over a same-origin
// BroadcastChannel, so it lasts as long as the browser session has a tab of the UI open.

const KEY = 'refundflow.key';

/** An API answer that was not a success: its status, message and the fields it names. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   * @param {{ path: string, message: string }[]} issues
   */
  constructor(status, message, issues) {
    super(message);
    this.status = status;
    this.issues = issues;
  }
}

const tabs = 'BroadcastChannel' in window ? new window.BroadcastChannel('refundflow.session') : undefined;

export const session = {
  /** @returns {string} */
  key: () => sessionStorage.getItem(KEY) || '',
  /** @param {string} key */
  set: (key) => sessionStorage.setItem(KEY, key),
  clear: () => sessionStorage.removeItem(KEY),
  /** Signs out here and in every other tab. */
  forget: () => {
    sessionStorage.removeItem(KEY);
    tabs?.postMessage({ type: 'forget' });
  },
  /**
   * Without a key, asks the other open tabs for theirs (answers within a moment or not at all).
   * @returns {Promise<void>}
   */
  fromOtherTabs: () =>
    new Promise((resolve) => {
      if (session.key() || !tabs) return resolve();
      const timer = setTimeout(resolve, 300);
      tabs.addEventListener('message', function got(event) {
        if (event.data?.type !== 'key' || typeof event.data.key !== 'string') return;
        tabs.removeEventListener('message', got);
        clearTimeout(timer);
        if (!session.key()) session.set(event.data.key);
        resolve();
      });
      tabs.postMessage({ type: 'ask' });
    }),
};

/** @type {() => void} */
let signedOut = () => {};
tabs?.addEventListener('message', (event) => {
  if (event.data?.type === 'ask' && session.key()) tabs.postMessage({ type: 'key', key: session.key() });
  if (event.data?.type === 'forget' && session.key()) {
    session.clear();
    signedOut();
  }
});
/** What to do when the key stops working mid-session (main.js: back to sign-in). */
export function onSignedOut(/** @type {() => void} */ handler) {
  signedOut = handler;
}

/**
 * One API call. Writes carry an Idempotency-Key, so a retried or double-clicked action is
 * recorded once.
 * @template T
 * @param {'GET' | 'POST'} method
 * @param {string} path
 * @param {unknown} [body]
 * @param {{ idempotencyKey?: string }} [options]
 * @returns {Promise<T>}
 */
export async function api(method, path, body, options = {}) {
  /** @type {Record<string, string>} */
  const headers = { authorization: `Bearer ${session.key()}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  const response = await fetch(path, {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const answer = await response.json().catch(() => ({}));
  if (response.status === 401 && session.key()) {
    session.clear();
    signedOut();
  }
  if (!response.ok)
    throw new ApiError(
      response.status,
      plainError(response.status, answer.error || response.statusText),
      answer.issues || [],
    );
  return answer;
}

/**
 * The server's words, made plain where they are about access.
 * @param {number} status
 * @param {string} message
 */
function plainError(status, message) {
  if (status === 403) return 'Your role may not do this.';
  if (status === 503) return 'The case service is unavailable right now; try again in a moment.';
  return message;
}

/** @param {string} orderId @param {string} [rest] */
export const casePath = (orderId, rest) =>
  `/v1/cases/${encodeURIComponent(orderId)}${rest ? `/${rest}` : ''}`;

/** A fresh key for one action the user takes (kept across retries of that action). */
export const newIdempotencyKey = () => `ui-${crypto.randomUUID()}`;
