// Helpers for the activities suites: temporary files, failure assertions, and a small MIME
// reader for what the SMTP server received (free ports and polling come from test/support/wait).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { eventually, freePort, waitForPort } from '../support/wait';

export { eventually, freePort, waitForPort };

/** A fresh directory under the OS temp dir; `cleanup()` removes it. */
export function tempDir(label: string): { dir: string; file: (name: string) => string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `refundflow-${label}-`));
  return {
    dir,
    file: (name) => path.join(dir, name),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Asserts a permanent failure: an ApplicationFailure of `type`, marked non-retryable. */
export async function assertPermanent(
  promise: Promise<unknown>,
  type: string,
  message?: RegExp,
): Promise<ApplicationFailure> {
  const err = await promise.then(
    () => assert.fail(`expected a ${type} failure, but the call succeeded`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ApplicationFailure, `expected an ApplicationFailure, got ${String(err)}`);
  assert.equal(err.type, type);
  assert.equal(err.nonRetryable, true);
  if (message) assert.match(err.message, message);
  return err;
}

/** Asserts a retryable failure: an ordinary error (Temporal retries it), not a non-retryable one. */
export async function assertRetryable(promise: Promise<unknown>, message?: RegExp): Promise<Error> {
  const err = await promise.then(
    () => assert.fail('expected a retryable failure, but the call succeeded'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof Error, `expected an Error, got ${String(err)}`);
  assert.ok(
    !(err instanceof ApplicationFailure && err.nonRetryable),
    `expected a retryable error, got non-retryable ${err.message}`,
  );
  if (message) assert.match(err.message, message);
  return err;
}

export interface ParsedMail {
  headers: Map<string, string>;
  text: string;
  html: string;
}

/** Enough MIME to read nodemailer's output: headers, multipart/alternative, QP and base64. */
export function parseMail(raw: string): ParsedMail {
  const { headers, body } = splitPart(raw);
  const parts: { headers: Map<string, string>; body: string }[] = [];
  const boundary = /boundary="?([^";]+)"?/i.exec(headers.get('content-type') ?? '')?.[1];
  if (boundary) {
    for (const chunk of body.split(`--${boundary}`).slice(1)) {
      if (chunk.startsWith('--')) break;
      parts.push(splitPart(chunk.replace(/^\r?\n/, '')));
    }
  } else parts.push({ headers, body });
  const find = (type: string): string => {
    const part = parts.find((p) => (p.headers.get('content-type') ?? 'text/plain').startsWith(type));
    return part ? decode(part.body, part.headers.get('content-transfer-encoding') ?? '7bit') : '';
  };
  return { headers, text: find('text/plain'), html: find('text/html') };
}

function splitPart(raw: string): { headers: Map<string, string>; body: string } {
  const sep = raw.search(/\r?\n\r?\n/);
  const head = sep < 0 ? raw : raw.slice(0, sep);
  const body = sep < 0 ? '' : raw.slice(sep).replace(/^\r?\n\r?\n/, '');
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function decode(body: string, encoding: string): string {
  const enc = encoding.toLowerCase();
  if (enc === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (enc === 'quoted-printable') {
    const escaped = body.replace(/=\r?\n/g, '').replace(/%/g, '%25');
    return decodeURIComponent(escaped.replace(/=([0-9A-F]{2})/gi, (_, hex: string) => `%${hex}`));
  }
  return body;
}
