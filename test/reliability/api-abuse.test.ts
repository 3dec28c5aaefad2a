// API abuse: property-based fuzzing of every route in the OpenAPI document (and the codec
// server) with malformed and hostile bodies, paths and queries, through fastify.inject on the
// real API wired to a real dev server and worker (test/api/stack.ts). No answer may be a 5xx,
// the process must keep serving, and the only cases in Temporal afterwards are the ones the
// API answered 201 for. Then a wrong or missing key on every route: 401, a key of a role the
// route does not allow: 403, and a missing or wrong webhook signature: 401.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { KEYS, order, startStack, type Role, type TestStack } from '../api/stack';
import { eventually } from './support';

interface Operation {
  method: 'GET' | 'POST';
  path: string;
  secured: boolean;
  roles?: string[];
  hasBody: boolean;
  query: string[];
}

const RUNS_PER_ROUTE = Number(process.env.RELIABILITY_FUZZ_RUNS ?? 150);
const ADMIN = `Bearer ${KEYS.admin}`;

// ---- hostile values ---------------------------------------------------------------------------

const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.constantFrom(
    '',
    ' ',
    '../../etc/passwd',
    '%2e%2e%2f',
    "' OR 1=1 --",
    "x' AND RefundStatus = 'paid",
    '<script>alert(1)</script>',
    '${process.exit(1)}',
    '__proto__',
    'constructor',
    '\u0000',
    '\uD800',
    '𝕏'.repeat(300),
    'a'.repeat(70_000),
    '1e400',
    'NaN',
    '2026-02-30T25:61:61Z',
    '-0',
  ),
);
const hostileNumber = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, -1, 0, 1.5, 1e308, -1e308, 2 ** 53),
);
const hostileValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(
      fc.oneof(hostileString, fc.constantFrom('__proto__', 'constructor', 'prototype')),
      tie('value'),
      { maxKeys: 4 },
    ),
  ),
})).value;

/** A valid body for each route, to mutate one field at a time (the most dangerous near misses). */
function validBody(path: string, orderId: string): Record<string, unknown> {
  if (path === '/v1/cases') return { policyId: 'usage-prorata', order: order() };
  if (path.endsWith('/refund-requests')) return { reason: 'changed_mind', description: 'x' };
  if (path.endsWith('/issues')) return { description: 'down' };
  if (path.endsWith('/technical-reviews')) return { outcome: 'provider_fault', notes: 'n' };
  if (path.endsWith('/decisions')) return { outcome: 'partial_refund', amountMinor: 100, note: 'n' };
  if (path.endsWith('/withdrawal')) return { note: 'n' };
  if (path.endsWith('/information-requests')) return { items: ['logs'], note: 'n' };
  if (path.endsWith('/information')) return { items: ['logs'] };
  if (path.endsWith('/subscription-cancellation')) return {};
  if (path === '/v1/incidents')
    return {
      incidentId: 'inc-1',
      from: '2026-01-01T00:00:00Z',
      to: '2026-01-02T00:00:00Z',
      description: 'd',
    };
  if (path.endsWith('/evaluate'))
    return {
      order: order({ orderId }),
      request: { requestedAt: new Date().toISOString(), reason: 'changed_mind' },
    };
  return {};
}

/** Sets `value` at a random path inside `body` (creating objects on the way). */
function mutate(body: unknown, keys: readonly string[], value: unknown): unknown {
  if (keys.length === 0) return value;
  const copy: Record<string, unknown> =
    body && typeof body === 'object' && !Array.isArray(body) ? { ...(body as Record<string, unknown>) } : {};
  const [first, ...rest] = keys;
  Object.defineProperty(copy, first!, {
    value: mutate(copy[first!], rest, value),
    enumerable: true,
    configurable: true,
    writable: true,
  });
  return copy;
}

const fieldNames = fc.constantFrom(
  'policyId',
  'order',
  'orderId',
  'customerId',
  'amountMinor',
  'currency',
  'purchasedAt',
  'billing',
  'kind',
  'quota',
  'paymentMethod',
  'channel',
  'reason',
  'outcome',
  'items',
  'incidentId',
  'from',
  'to',
  'request',
  'requestedAt',
  'customerEmail',
  '__proto__',
  'constructor',
  'extra',
);

function bodyFor(
  op: Operation,
  orderId: string,
): fc.Arbitrary<{ payload: string | undefined; contentType?: string }> {
  const json = (v: unknown) => ({ payload: JSON.stringify(v) ?? 'null' });
  return fc.oneof(
    // a valid body with one field (possibly nested) replaced by a hostile value
    fc
      .tuple(fc.array(fieldNames, { minLength: 1, maxLength: 3 }), hostileValue)
      .map(([keys, v]) => json(mutate(validBody(op.path, orderId), keys, v))),
    // a valid body with a field removed
    fieldNames.map((k) => {
      const b = validBody(op.path, orderId);
      delete b[k];
      return json(b);
    }),
    // anything at all
    hostileValue.map(json),
    fc.jsonValue().map(json),
    // not JSON, or JSON with the wrong content type, or nothing
    fc.string().map((s) => ({ payload: s })),
    fc.constantFrom(
      { payload: '{"a":' },
      { payload: '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"polluted":1}}}' },
      { payload: '['.repeat(5_000) + ']'.repeat(5_000) },
      { payload: JSON.stringify({ pad: 'x'.repeat(300 * 1024) }) },
      { payload: '\xff\xfe\x00' },
      { payload: undefined },
      { payload: 'policyId=usage-prorata', contentType: 'application/x-www-form-urlencoded' },
      { payload: '<xml/>', contentType: 'application/xml' },
      { payload: '{}', contentType: 'text/plain' },
      { payload: '{}', contentType: 'application/json; charset=utf-16' },
    ),
  );
}

/** Percent-encodes anything, lone surrogates included (as invalid UTF-8 bytes, which is hostile too). */
function enc(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return value
      .replace(/[\uD800-\uDFFF]/g, '%ED%A0%80')
      .replace(/[^%A-Za-z0-9]/g, (c) => encodeURIComponent(c));
  }
}

// ---- the suite -------------------------------------------------------------------------------

describe('reliability: API abuse', function () {
  this.timeout(240_000);
  let stack: TestStack;
  let app: FastifyInstance;
  let operations: Operation[];
  let existingOrderId: string;
  const created = new Set<string>();

  before(async () => {
    stack = await startStack('rel-abuse');
    app = stack.api.app;
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<
        string,
        Record<
          string,
          {
            security?: unknown[];
            'x-roles'?: string[];
            requestBody?: unknown;
            parameters?: { name: string; in: string }[];
          }
        >
      >;
    }>();
    operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({
        method: method.toUpperCase() as 'GET' | 'POST',
        path,
        secured: !(Array.isArray(op.security) && op.security.length === 0),
        ...(op['x-roles'] ? { roles: op['x-roles'] } : {}),
        hasBody: !!op.requestBody,
        query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      })),
    );
    assert.ok(operations.length >= 20, `the OpenAPI document lists the routes (${operations.length})`);
    const o = order();
    existingOrderId = String(o.orderId);
    const start = await app.inject({
      method: 'POST',
      url: '/v1/cases',
      headers: { authorization: ADMIN },
      payload: { policyId: 'usage-prorata', order: o },
    });
    assert.equal(start.statusCode, 201, start.body);
    created.add(existingOrderId);
  });
  after(async () => stack?.close());

  const pathArb = (op: Operation): fc.Arbitrary<string> =>
    fc
      .tuple(
        fc.oneof(
          fc.constant('existing'),
          fc.constantFrom('usage-prorata', 'proxy-strict', 'nope'),
          hostileString,
        ),
        fc.array(
          fc.tuple(
            fc.oneof(fc.constantFrom(...(op.query.length ? op.query : ['x'])), hostileString),
            hostileString,
          ),
          { maxLength: 4 },
        ),
      )
      .map(([param, query]) => {
        const value = param === 'existing' ? existingOrderId : param;
        const base = op.path.replace(/\{[^}]+\}/g, enc(value.slice(0, 2_000)) || '%20');
        const qs = query.map(([k, v]) => `${enc(k)}=${enc(v.slice(0, 500))}`).join('&');
        return qs ? `${base}?${qs}` : base;
      });

  it(`fuzzes every route with hostile bodies, paths and queries: no 5xx, no case from invalid input`, async () => {
    let requests = 0;
    const statuses: Record<number, number> = {};
    const fuzzed = operations.filter((op) => op.path !== '/openapi.json' && op.path !== '/metrics');
    for (const op of fuzzed) {
      const runs = op.hasBody || op.query.length || op.path.includes('{') ? RUNS_PER_ROUTE : 20;
      await fc.assert(
        fc.asyncProperty(
          pathArb(op),
          bodyFor(op, existingOrderId),
          fc.boolean(),
          async (url, body, signed) => {
            const headers: Record<string, string> = { authorization: ADMIN };
            if (op.method === 'POST') headers['content-type'] = body.contentType ?? 'application/json';
            if (op.path === '/v1/webhooks/payments' && signed)
              headers['refundflow-signature'] = 't=1,v1=deadbeef';
            const request: InjectOptions = {
              method: op.method,
              url,
              headers,
              ...(op.method === 'POST' && body.payload !== undefined ? { payload: body.payload } : {}),
            };
            const answer = await app.inject(request);
            requests += 1;
            statuses[answer.statusCode] = (statuses[answer.statusCode] ?? 0) + 1;
            assert.ok(
              answer.statusCode < 500,
              `${op.method} ${url.slice(0, 200)} answered ${answer.statusCode}: ${answer.body.slice(0, 500)}\nbody: ${String(body.payload).slice(0, 500)}`,
            );
            if (op.path === '/v1/cases' && op.method === 'POST' && answer.statusCode === 201) {
              created.add(String(answer.json<{ case: { orderId: string } }>().case.orderId));
            }
          },
        ),
        {
          numRuns: runs,
          seed: Number(process.env.RELIABILITY_FUZZ_SEED ?? Date.now() % 2 ** 31),
          endOnFailure: true,
        },
      );
    }
    assert.ok(requests >= 2_000, `thousands of requests (${requests})`);
    assert.ok((statuses[400] ?? 0) > requests / 4, `most answers are 400s: ${JSON.stringify(statuses)}`);

    // Still serving, and Temporal holds only the cases the API answered 201 for. A sentinel case
    // started last tells us visibility has caught up with everything before it.
    assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    const sentinel = order();
    const start = await app.inject({
      method: 'POST',
      url: '/v1/cases',
      headers: { authorization: ADMIN },
      payload: { policyId: 'usage-prorata', order: sentinel },
    });
    assert.equal(start.statusCode, 201);
    created.add(String(sentinel.orderId));
    // Refund cases only: a valid incident confirmation starts its fan-out workflow on the same queue.
    const casesQuery = `TaskQueue = '${stack.config.temporal.taskQueue}' AND WorkflowType = 'refundCase'`;
    const listed = await eventually(
      async () => {
        const found = await stack.cases.client.workflow.count(casesQuery);
        return found.count >= created.size && found.count;
      },
      'visibility to list the sentinel',
      30_000,
    );
    assert.equal(listed, created.size, 'no case was started from invalid input');
    const orderIds = new Set<string>();
    for await (const wf of stack.cases.client.workflow.list({ query: casesQuery }))
      orderIds.add(wf.workflowId.replace(/^refund-case-/, ''));
    assert.deepEqual([...orderIds].sort(), [...created].sort());
  });

  it('answers 401 to a missing or wrong key and 403 to a role the route does not allow, on every route', async () => {
    const secured = operations.filter((op) => op.secured);
    const codec = [
      {
        method: 'POST' as const,
        path: '/codec/encode',
        secured: true,
        roles: ['admin', 'support', 'reviewer'],
        hasBody: true,
        query: [],
      },
      {
        method: 'POST' as const,
        path: '/codec/decode',
        secured: true,
        roles: ['admin', 'support', 'reviewer'],
        hasBody: true,
        query: [],
      },
    ];
    let checked = 0;
    for (const op of [...secured, ...codec]) {
      const url = op.path.replace('{orderId}', existingOrderId).replace('{id}', 'usage-prorata');
      const body = op.hasBody ? { payload: validBody(op.path, existingOrderId) } : {};
      for (const authorization of [
        undefined,
        '',
        'Bearer',
        'Bearer ',
        'Bearer wrong-key',
        `Basic ${Buffer.from('admin:x').toString('base64')}`,
        `bearer  ${KEYS.admin}x`,
        `Bearer ${KEYS.admin.slice(0, -1)}`,
        `${KEYS.admin}`,
      ]) {
        const answer = await app.inject({
          method: op.method,
          url,
          headers: authorization === undefined ? {} : { authorization },
          ...body,
        });
        assert.equal(
          answer.statusCode,
          401,
          `${op.method} ${op.path} with ${JSON.stringify(authorization)}: ${answer.body}`,
        );
        checked += 1;
      }
      const forbidden = op.roles ? (Object.keys(KEYS) as Role[]).filter((r) => !op.roles!.includes(r)) : [];
      for (const role of forbidden) {
        const answer = await app.inject({
          method: op.method,
          url,
          headers: { authorization: `Bearer ${KEYS[role]}` },
          ...body,
        });
        assert.equal(answer.statusCode, 403, `${op.method} ${op.path} as ${role}: ${answer.body}`);
        checked += 1;
      }
    }
    // The webhook is authenticated by its signature, not by a key.
    const event = JSON.stringify({
      id: 'evt_1',
      type: 'refund.updated',
      created: 1,
      data: {
        refundId: 're_1',
        orderId: existingOrderId,
        status: 'succeeded',
        amountMinor: 1,
        currency: 'USD',
      },
    });
    for (const signature of [
      undefined,
      '',
      't=1,v1=00',
      `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`,
    ]) {
      const answer = await app.inject({
        method: 'POST',
        url: '/v1/webhooks/payments',
        headers: {
          'content-type': 'application/json',
          ...(signature === undefined ? {} : { 'refundflow-signature': signature }),
          authorization: ADMIN,
        },
        payload: event,
      });
      assert.equal(answer.statusCode, 401, `webhook with signature ${JSON.stringify(signature)}`);
      checked += 1;
    }
    assert.ok(checked > 150, `checked ${checked} answers`);
  });
});
