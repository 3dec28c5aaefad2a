// The workflow's message checks (workflows/message-check.ts over the descriptions that
// scripts/generate-validators.ts writes from the zod/mini schemas) against zod itself, which the
// API checks with: on a corpus of valid and invalid messages — every field of every message given
// wrong types, boundary lengths and numbers, untrimmed and empty texts, unknown keys, bad enums and
// datetimes, missing fields, the codec's `$refused` marker — both must accept and refuse the same
// inputs, give the same value (trimmed) and the same issues, naming the same field in the same words.
// And the generated file must be what the generator writes today.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  GENERATED_SPECS_PATH,
  VALIDATED_MESSAGES,
  generatedSpecsSource,
} from '../../scripts/generate-validators';
import { REFUSED_PAYLOAD_KEY } from '../../workflows/message-definitions';
import { messageSchema } from '../../workflows/message-schemas';
import { describeIssues, validate, type Checked } from '../../workflows/message-validators';

type Name = (typeof VALIDATED_MESSAGES)[number];

const ACTOR = { role: 'reviewer', id: 'key-7' };
const AT = '2026-03-02T10:00:00.000Z';
/** A valid message of each kind with every optional field, and one with none. */
const VALID: Record<Name, [Record<string, unknown>, Record<string, unknown>]> = {
  RequestRefund: [
    { reason: 'service_unusable', description: 'down for days', actor: ACTOR },
    { reason: 'other' },
  ],
  ReportIssue: [{ description: '  it broke  ', actor: ACTOR }, { description: 'x' }],
  RequestInformation: [{ items: ['logs', 'kyc'], note: 'please', actor: ACTOR }, { items: ['other'] }],
  ProvideInformation: [{ items: ['screenshots'], note: 'attached', actor: ACTOR }, { items: ['order_id'] }],
  SubmitTechnicalReview: [
    { outcome: 'provider_fault', notes: 'our bug', actor: ACTOR },
    { outcome: 'unresolved' },
  ],
  Decide: [
    {
      outcome: 'service_extension',
      amountMinor: 0,
      extensionDays: 366,
      billingErrorMinor: 1,
      note: ' internal ',
      customerMessage: ' sorry ',
      actor: ACTOR,
    },
    { outcome: 'denied', note: 'no' },
  ],
  Withdraw: [{ note: 'changed my mind', actor: ACTOR }, {}],
  CancelSubscription: [{ note: 'end it', actor: ACTOR }, {}],
  Dispute: [{ description: ' wrong decision ', actor: ACTOR }, { description: 'd' }],
  ResolvePayout: [
    {
      action: 'record_outside',
      reference: ' tx-1 ',
      amountMinor: 1500,
      method: 'paypal',
      note: 'n',
      actor: ACTOR,
    },
    { action: 'retry', note: 'again' },
  ],
  AcknowledgeLateEvents: [{ keys: ['k1', 'k2'], note: 'seen', actor: ACTOR }, {}],
  PaymentUpdate: [
    { eventId: 'ev-1', refundId: 're-1', status: 'failed', failureReason: 'card expired', actor: ACTOR },
    { eventId: 'e', refundId: 'r', status: 'succeeded' },
  ],
  Chargeback: [{ active: true, reference: 'cb-1', note: 'opened', actor: ACTOR }, { active: false }],
  IncidentConfirmed: [
    {
      incidentId: 'inc-1',
      productId: 'prod-1',
      from: '2026-03-01T00:00:00+01:00',
      to: AT,
      description: ' outage ',
      actor: ACTOR,
    },
    { incidentId: 'i', from: AT, to: AT, description: 'o' },
  ],
  UsageReported: [
    { used: 12.5, reportedAt: AT, actor: ACTOR },
    { used: 0, reportedAt: '2026-03-02T10:00:00Z' },
  ],
};
/** The other choices of the payout route, so each option of the union is walked. */
const MORE_VALID: Partial<Record<Name, Record<string, unknown>[]>> = {
  ResolvePayout: [
    { action: 'credit', amountMinor: 7, note: 'credit', actor: ACTOR },
    { action: 'credit', note: 'c' },
  ],
};

const repeat = (s: string, n: number): string => s.repeat(n);
/** Values every field is given in turn: wrong types, numbers at and past every bound, texts at and past every length. */
const VALUES: unknown[] = [
  undefined,
  null,
  true,
  false,
  0,
  -0,
  1,
  -1,
  0.5,
  -0.5,
  366,
  367,
  2 ** 53,
  -(2 ** 53),
  2 ** 53 - 1,
  1e300,
  NaN,
  Infinity,
  -Infinity,
  '',
  ' ',
  ' \n\t ',
  'x',
  ' x ',
  '\u00a0x\u00a0',
  'a\u0007b',
  '\u0085',
  '12',
  ...[200, 2000, 4000].flatMap((n) => [
    repeat('a', n),
    repeat('a', n + 1),
    ` ${repeat('a', n)} `,
    repeat('😀', n),
    repeat('😀', n + 1),
    `${repeat('😀', n - 1)}\ud800`,
    repeat('\ud800', n + 1),
  ]),
  AT,
  '2026-03-02T10:00:00Z',
  '2026-03-02T10:00:00+01:00',
  '2026-03-02T10:00:00+24:00',
  '2026-03-02T10:00:00',
  '2026-03-02T10:00Z',
  '2026-02-29T10:00:00Z',
  '2024-02-29T10:00:00.5Z',
  '2026-13-01T10:00:00Z',
  '2026-03-02 10:00:00Z',
  [],
  [1],
  [''],
  ['logs'],
  ['logs', 'nope'],
  ['k', 5],
  Array.from({ length: 200 }, (_, i) => `k${i}`),
  Array.from({ length: 201 }, (_, i) => `k${i}`),
  'k'.split(''),
  {},
  { role: 'support' },
  { role: 'nobody' },
  { role: 'admin', id: 5, extra: 1 },
  { length: 5000 },
  { length: 0 },
  new Date(0),
  Object.create(null) as object,
  { [REFUSED_PAYLOAD_KEY]: true },
];

/** The enum values and literals the schemas name, so each is tried in every field. */
function namedValues(): unknown[] {
  const out = new Set<unknown>();
  const walk = (s: unknown): void => {
    const zod = (s as { _zod?: { def: Record<string, unknown>; values?: Set<unknown> } })._zod;
    if (!zod) return;
    zod.values?.forEach((v) => out.add(v));
    for (const v of Object.values(zod.def)) {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        walk(v);
        if (!(v as { _zod?: unknown })._zod) Object.values(v).forEach(walk);
      }
    }
  };
  VALIDATED_MESSAGES.forEach((name) => walk(messageSchema[name]()));
  return [...out];
}

/** Every way to change one place of `message`: each value at each path, the key removed, a key added. */
function* variants(message: unknown, values: unknown[]): Generator<unknown> {
  if (typeof message !== 'object' || message === null) {
    yield* values;
    return;
  }
  const copy = (): Record<string, unknown> =>
    (Array.isArray(message) ? [...message] : { ...message }) as Record<string, unknown>;
  for (const key of Object.keys(message)) {
    for (const v of variants((message as Record<string, unknown>)[key], values)) {
      const c = copy();
      c[key] = v;
      yield c;
    }
    const without = copy();
    delete without[key];
    yield without;
  }
  yield { ...copy(), unexpected: 1 };
  yield { ...copy(), unexpected: 1, other: 2 };
  yield { ...copy(), [REFUSED_PAYLOAD_KEY]: true };
  // JSON.parse makes an own `__proto__` key, which no literal can.
  yield { ...copy(), ...(JSON.parse('{"__proto__": {"role": "admin"}}') as object) };
}

type Outcome = { success: true; data: unknown } | { success: false; issues: unknown[]; said: string };
const byZod = (name: Name, input: unknown): Outcome => {
  const r = messageSchema[name]().safeParse(input);
  if (r.success) return { success: true, data: r.data };
  const issues = r.error.issues.map(({ code, path, message }) => ({ code, path, message }));
  return { success: false, issues, said: describeIssues(issues) };
};
const byWorkflow = (name: Name, input: unknown): Outcome => {
  const r: Checked<unknown> = validate[name](input);
  if (r.success) return { success: true, data: r.data };
  const issues = r.issues.map(({ code, path, message }) => ({ code, path: [...path], message }));
  return { success: false, issues, said: describeIssues(r.issues) };
};

describe('workflow message checks: generated from the zod schemas, and equal to zod', () => {
  it('the committed workflows/generated/message-specs.ts is what the generator writes now', async () => {
    assert.equal(
      readFileSync(GENERATED_SPECS_PATH, 'utf8'),
      await generatedSpecsSource(),
      'stale: run `npx tsx scripts/generate-validators.ts` and commit the file',
    );
  });

  it('validates every message the workflow receives, and only those', () => {
    assert.deepEqual(Object.keys(validate).sort(), [...VALIDATED_MESSAGES].sort());
  });

  for (const name of VALIDATED_MESSAGES) {
    it(`${name}: accepts, refuses and normalises exactly as zod, with the same issues`, () => {
      const values = [...VALUES, ...namedValues()];
      const corpus: unknown[] = [
        ...VALID[name],
        ...(MORE_VALID[name] ?? []),
        ...values,
        [VALID[name][0]],
        ...[...VALID[name], ...(MORE_VALID[name] ?? [])].flatMap((m) => [...variants(m, values)]),
      ];
      let accepted = 0;
      const refusedAt = new Set<string>();
      for (const input of corpus) {
        const expected = byZod(name, input);
        assert.deepStrictEqual(byWorkflow(name, input), expected, `input: ${String(JSON.stringify(input))}`);
        if (expected.success) accepted++;
        else for (const i of expected.issues as { path: unknown[] }[]) refusedAt.add(i.path.join('.'));
      }
      // The corpus has teeth: valid messages pass, and every field of the full message is refused somewhere.
      assert.ok(accepted >= VALID[name].length);
      const fields = (m: Record<string, unknown>, prefix = ''): string[] =>
        Object.entries(m).flatMap(([k, v]) =>
          v && typeof v === 'object' && !Array.isArray(v)
            ? fields(v as Record<string, unknown>, `${prefix}${k}.`)
            : [`${prefix}${k}`],
        );
      for (const field of fields(VALID[name][0]))
        assert.ok(refusedAt.has(field), `${field} is refused somewhere`);
      assert.ok(refusedAt.has(''), 'the message itself is refused somewhere');
    });
  }

  it('trims as zod does and says which field is wrong in plain words', () => {
    assert.deepStrictEqual(validate.Dispute({ description: '  wrong  ' }), {
      success: true,
      data: { description: 'wrong' },
    });
    const refused = validate.Decide({ outcome: 'denied', note: '   ', extensionDays: 1.5, surprise: 1 });
    assert.equal(refused.success, false);
    assert.equal(
      describeIssues(refused.success ? [] : refused.issues),
      'extensionDays: Invalid input: expected int, received number; note: Too small: expected string to have >=1 characters; body: Unrecognized key: "surprise"',
    );
  });
});
