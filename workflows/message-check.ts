// Checks a message against its schema's description (workflows/generated/message-specs.ts, which
// scripts/generate-validators.ts writes from the zod/mini schemas in workflows/message-schemas.ts),
// so the workflow validates without zod in its module graph (issue 15). It does what zod's parse
// does for exactly the constructs the messages use — the same order of checks, the same issues
// with zod's English messages, the same output (trimmed strings, unknown keys refused) — and
// test/workflows/message-validators.test.ts runs both on a corpus to keep it so. The generator
// refuses a schema with any other construct.

/** A schema, described: what scripts/generate-validators.ts reads from zod's `_zod.def`. */
export type Spec =
  | { readonly type: 'string'; readonly checks?: readonly Check[] }
  | { readonly type: 'number'; readonly checks?: readonly Check[] }
  | { readonly type: 'boolean' }
  | { readonly type: 'enum' | 'literal'; readonly values: readonly string[] }
  | { readonly type: 'optional'; readonly inner: Spec }
  | { readonly type: 'array'; readonly element: Spec; readonly checks?: readonly Check[] }
  /** A strict object: keys in the schema's order; any other key is refused. */
  | { readonly type: 'object'; readonly shape: Readonly<Record<string, Spec>> }
  /** zod's discriminatedUnion: the option whose literal the discriminator holds. */
  | {
      readonly type: 'discriminated';
      readonly discriminator: string;
      readonly options: Readonly<Record<string, Spec>>;
      /** The issue when no option matches (zod's words, worked out by the generator). */
      readonly message: string;
    };

export type Check =
  | { readonly check: 'trim' }
  | { readonly check: 'min_length' | 'max_length'; readonly value: number }
  | { readonly check: 'greater_than' | 'less_than'; readonly value: number; readonly inclusive: boolean }
  /** zod's int(): a safe integer. */
  | { readonly check: 'safeint' }
  /** A pattern (an ISO datetime, a regex), with zod's words (or the schema's own) when it fails. */
  | { readonly check: 'format'; readonly pattern: RegExp; readonly message: string };

/** One thing wrong with a message: where (keys and indexes) and what, in plain words. */
export type MessageIssue = {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
};

type Issue = { code: string; path: PropertyKey[]; message: string; continue?: boolean };
type Payload = { value: unknown; issues: Issue[] };

/** Checks `value` against `spec`: its normalised value, or every issue found. */
export function checkMessage(
  spec: Spec,
  value: unknown,
): { success: true; data: unknown } | { success: false; issues: MessageIssue[] } {
  const result = run(spec, { value, issues: [] });
  if (!result.issues.length) return { success: true, data: result.value };
  return {
    success: false,
    issues: result.issues.map(({ code, path, message }) => ({ code, path, message })),
  };
}

function run(spec: Spec, payload: Payload): Payload {
  parse(spec, payload);
  const checks = 'checks' in spec ? spec.checks : undefined;
  if (checks?.length) runChecks(payload, checks);
  return payload;
}

/** zod's rule: a failed type or an aborting issue skips the checks after it, except length checks. */
function runChecks(payload: Payload, checks: readonly Check[]): void {
  let isAborted = aborted(payload, 0);
  for (const ch of checks) {
    if (ch.check === 'min_length' || ch.check === 'max_length') {
      if (payload.issues.some((i) => i.continue === false)) continue;
      const v = payload.value as { length?: unknown } | null | undefined;
      if (v === null || v === undefined || v.length === undefined) continue;
    } else if (isAborted) continue;
    const before = payload.issues.length;
    applyCheck(ch, payload);
    if (payload.issues.length !== before && !isAborted) isAborted = aborted(payload, before);
  }
}

const aborted = (payload: Payload, from: number): boolean =>
  payload.issues.slice(from).some((i) => i.continue !== true);

function applyCheck(ch: Check, payload: Payload): void {
  const input = payload.value;
  const issue = (i: Omit<Issue, 'path'>): void => void payload.issues.push({ ...i, path: [] });
  switch (ch.check) {
    case 'trim':
      payload.value = (input as string).trim();
      return;
    case 'min_length':
    case 'max_length': {
      const origin = lengthOrigin(input);
      const length = typeof input === 'string' ? codePoints(input) : (input as { length: number }).length;
      if (ch.check === 'min_length' && !(length >= ch.value))
        issue({ code: 'too_small', message: tooSmall(origin, ch.value, true), continue: true });
      if (ch.check === 'max_length' && !(length <= ch.value))
        issue({ code: 'too_big', message: tooBig(origin, ch.value, true), continue: true });
      return;
    }
    case 'greater_than': {
      const n = input as number;
      if (ch.inclusive ? n >= ch.value : n > ch.value) return;
      issue({ code: 'too_small', message: tooSmall('number', ch.value, ch.inclusive), continue: true });
      return;
    }
    case 'less_than': {
      const n = input as number;
      if (ch.inclusive ? n <= ch.value : n < ch.value) return;
      issue({ code: 'too_big', message: tooBig('number', ch.value, ch.inclusive), continue: true });
      return;
    }
    case 'safeint': {
      const n = input as number;
      if (!Number.isInteger(n))
        issue({ code: 'invalid_type', message: invalidType('int', input), continue: false });
      else if (!Number.isSafeInteger(n))
        issue(
          n > 0
            ? { code: 'too_big', message: tooBig('int', Number.MAX_SAFE_INTEGER, true), continue: true }
            : { code: 'too_small', message: tooSmall('int', Number.MIN_SAFE_INTEGER, true), continue: true },
        );
      return;
    }
    case 'format':
      ch.pattern.lastIndex = 0;
      if (!ch.pattern.test(input as string))
        issue({ code: 'invalid_format', message: ch.message, continue: true });
      return;
  }
}

function parse(spec: Spec, payload: Payload): void {
  const input = payload.value;
  const wrongType = (expected: string): void =>
    void payload.issues.push({ code: 'invalid_type', path: [], message: invalidType(expected, input) });
  switch (spec.type) {
    case 'string':
      if (typeof input !== 'string') wrongType('string');
      return;
    case 'number':
      if (typeof input !== 'number' || !Number.isFinite(input)) wrongType('number');
      return;
    case 'boolean':
      if (typeof input !== 'boolean') wrongType('boolean');
      return;
    case 'enum':
    case 'literal':
      if (!spec.values.includes(input as string))
        payload.issues.push({ code: 'invalid_value', path: [], message: invalidValue(spec.values) });
      return;
    case 'optional':
      if (input !== undefined) run(spec.inner, payload);
      return;
    case 'array': {
      if (!Array.isArray(input)) return wrongType('array');
      const out: unknown[] = new Array(input.length);
      // Every index, holes too (forEach would skip them; zod reads them as undefined).
      for (let index = 0; index < input.length; index++) {
        const r = run(spec.element, { value: input[index], issues: [] });
        payload.issues.push(...prefixed(index, r.issues));
        out[index] = r.value;
      }
      payload.value = out;
      return;
    }
    case 'object':
      return parseObject(spec.shape, payload);
    case 'discriminated': {
      if (!isObject(input)) return wrongType('object');
      const tag = input[spec.discriminator];
      const option =
        typeof tag === 'string' && Object.hasOwn(spec.options, tag) ? spec.options[tag] : undefined;
      if (option) run(option, payload);
      else payload.issues.push({ code: 'invalid_union', path: [spec.discriminator], message: spec.message });
      return;
    }
  }
}

function parseObject(shape: Readonly<Record<string, Spec>>, payload: Payload): void {
  const input = payload.value;
  if (!isObject(input)) {
    payload.issues.push({ code: 'invalid_type', path: [], message: invalidType('object', input) });
    return;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(shape)) {
    if (key === '__proto__') continue;
    const field = shape[key]!;
    const optional = field.type === 'optional';
    const present = key in input;
    if (!present && optional) continue;
    const r = run(field, { value: input[key], issues: [] });
    if (r.issues.length) payload.issues.push(...prefixed(key, r.issues));
    if (!present) {
      if (!r.issues.length)
        payload.issues.push({
          code: 'invalid_type',
          path: [key],
          message: invalidType('nonoptional', undefined),
        });
      continue;
    }
    out[key] = r.value;
  }
  const unknownKeys: string[] = [];
  for (const key in input) if (!Object.hasOwn(shape, key) || key === '__proto__') unknownKeys.push(key);
  if (unknownKeys.length)
    payload.issues.push({
      code: 'unrecognized_keys',
      path: [],
      message: `Unrecognized key${unknownKeys.length > 1 ? 's' : ''}: ${unknownKeys.map(primitive).join(', ')}`,
      continue: true,
    });
  payload.value = out;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const prefixed = (key: PropertyKey, issues: Issue[]): Issue[] => {
  for (const i of issues) i.path.unshift(key);
  return issues;
};

// zod's English messages (zod/v4/locales/en) for the issues above.
const SIZING: Record<string, string> = { string: 'characters', array: 'items' };
const tooBig = (origin: string, max: number, inclusive: boolean): string =>
  SIZING[origin]
    ? `Too big: expected ${origin} to have ${inclusive ? '<=' : '<'}${max} ${SIZING[origin]}`
    : `Too big: expected ${origin} to be ${inclusive ? '<=' : '<'}${max}`;
const tooSmall = (origin: string, min: number, inclusive: boolean): string =>
  SIZING[origin]
    ? `Too small: expected ${origin} to have ${inclusive ? '>=' : '>'}${min} ${SIZING[origin]}`
    : `Too small: expected ${origin} to be ${inclusive ? '>=' : '>'}${min}`;
const invalidType = (expected: string, input: unknown): string =>
  `Invalid input: expected ${expected}, received ${typeName(input)}`;
const invalidValue = (values: readonly string[]): string =>
  values.length === 1
    ? `Invalid input: expected ${primitive(values[0])}`
    : `Invalid option: expected one of ${values.map(primitive).join('|')}`;
const primitive = (v: unknown): string => (typeof v === 'string' ? `"${v}"` : String(v));
const lengthOrigin = (v: unknown): string =>
  Array.isArray(v) ? 'array' : typeof v === 'string' ? 'string' : 'unknown';

function typeName(input: unknown): string {
  if (typeof input === 'number')
    return Number.isNaN(input) ? 'NaN' : Number.isFinite(input) ? 'number' : String(input);
  if (typeof input !== 'object') return typeof input;
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'array';
  const ctor = (input as { constructor?: { name?: string } }).constructor;
  return Object.getPrototypeOf(input) !== Object.prototype && 'constructor' in input && ctor
    ? String(ctor.name)
    : 'object';
}

/** A string's length in code points (a surrogate pair is one), as zod counts it. */
function codePoints(s: string): number {
  let count = s.length;
  for (let i = 0; i < s.length - 1; i++)
    if ((s.charCodeAt(i) & 0xfc00) === 0xd800 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      count--;
      i++;
    }
  return count;
}
