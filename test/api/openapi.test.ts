// The OpenAPI document at /openapi.json: valid OpenAPI 3.1, a success body and the error body
// for every operation, and every real answer of a running API (dev server and worker, and an
// API whose Temporal is unreachable for the 503s) matching the schema the document gives for it.
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { SIGNATURE_HEADER, signWebhook } from '../../activities';
import { buildApi } from '../../client/api/app';
import { createLogger } from '../../config/logger';
import { RefundCases } from '../../client/refund-client';
import { Conformance, type OpenApiDocument } from './openapi-conformance';
import {
  WEBHOOK_SECRET,
  call,
  eventually,
  order,
  startStack,
  type Answer,
  type Role,
  type TestStack,
} from './stack';

interface CaseBody {
  orderId: string;
  status: string;
  outcome: string | null;
  closed: boolean;
  escalated?: boolean;
  decision?: { outcome: string; review?: unknown };
  incidents: unknown[];
  payout?: { refundId?: string };
}

const ROLES: Role[] = ['checkout', 'support', 'reviewer', 'admin'];
const MISSING = 'no-such-order';
const ERROR_REF = '#/components/schemas/Error';

type Target = { url: string };
type CallOptions = Parameters<typeof call>[3];

/** A valid body for each case message, so the answer depends on the case, not on the input. */
const MESSAGES: Record<string, unknown> = {
  'refund-requests': { reason: 'changed_mind' },
  issues: { description: 'the service is down' },
  'technical-reviews': { outcome: 'provider_fault' },
  decisions: { outcome: 'denied', note: 'not covered' },
  withdrawal: {},
  'information-requests': { items: ['logs'] },
  information: { items: ['logs'] },
  'subscription-cancellation': {},
  disputes: { description: 'the denial is wrong' },
  'payout-retries': { note: 'try again' },
  'outside-payouts': { reference: 'BT-1', amountMinor: 1, method: 'bank_transfer' },
  'payout-credits': { note: 'credit instead' },
};
/** Case messages that are signals: applied after the answer, so a case never refuses them with 409. */
const SIGNALS: Record<string, unknown> = { chargebacks: { active: true, reference: 'cb-1' } };

const startBody = (policyId: string, o: Record<string, unknown> = order()) => ({ policyId, order: o });
const evaluation = (reason: string, o: Record<string, unknown> = order()) => ({
  order: o,
  request: { requestedAt: new Date().toISOString(), reason },
  usage: { used: 0 },
});
const webhookEvent = (orderId: string) =>
  JSON.stringify({
    id: `evt_${Math.random().toString(36).slice(2)}`,
    type: 'refund.updated',
    created: Math.floor(Date.now() / 1000),
    data: { refundId: 're_openapi', orderId, status: 'succeeded', amountMinor: 1999, currency: 'USD' },
  });

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('API: the OpenAPI document describes every answer', function () {
  this.timeout(180_000);
  let stack: TestStack;
  let doc: OpenApiDocument;
  let conformance: Conformance;
  // The same API with Temporal unreachable (one attempt per call, so 503s come at once), no
  // webhook secret and no outbox.
  let down: { url: string; app: FastifyInstance; connection: Connection };

  before(async () => {
    stack = await startStack('api-openapi');
    const answer = await call<OpenApiDocument>(stack, 'GET', '/openapi.json');
    assert.equal(answer.status, 200);
    doc = answer.body;
    conformance = new Conformance(doc);
    conformance.check('GET', '/openapi.json', answer);

    const connection = Connection.lazy({
      address: `127.0.0.1:${await closedPort()}`,
      connectTimeout: 2_000,
      interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 1 }))],
    });
    const client = new Client({ connection, namespace: stack.config.temporal.namespace });
    const app = await buildApi({
      cases: new RefundCases(client, 'unreachable'),
      apiKeys: stack.config.api.keys,
      logger: createLogger('silent'),
      uiRoot: false,
    });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    down = { url, app, connection };
  });
  after(async () => {
    await down?.app.close();
    await down?.connection.close().catch(() => undefined);
    await stack?.close();
  });

  /** One real call, checked against the document; `expected` is the status the scenario needs. */
  const hit = async <T = Record<string, unknown>>(
    target: Target,
    method: string,
    path: string,
    expected: number,
    options: CallOptions = {},
  ): Promise<Answer<T>> => {
    const answer = await call<T>(target, method, path, options);
    conformance.check(method, path, answer);
    assert.equal(answer.status, expected, `${method} ${path}: ${JSON.stringify(answer.body).slice(0, 500)}`);
    return answer;
  };
  const start = async (policyId: string, o: Record<string, unknown> = order()): Promise<string> => {
    await hit(stack, 'POST', '/v1/cases', 201, { as: 'checkout', body: startBody(policyId, o) });
    return String(o.orderId);
  };
  const read = (orderId: string) =>
    hit<CaseBody>(stack, 'GET', `/v1/cases/${orderId}`, 200, { as: 'support' });

  describe('the document', () => {
    it('is valid OpenAPI 3.1 (@seriousme/openapi-schema-validator), and each schema in it is valid JSON Schema 2020-12', async () => {
      const result = await new Validator().validate(
        structuredClone(doc) as unknown as Record<string, unknown>,
      );
      assert.ok(result.valid, JSON.stringify(result.errors, null, 2));
      assert.equal(doc.openapi, '3.1.0');
      // The OpenAPI schema leaves Schema Objects open; ajv's meta-schema and strict mode check them.
      assert.ok(conformance.compileAll() > 50, 'every schema compiled');
    });

    it('documents the success body and the error body of every operation', () => {
      for (const [path, operations] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(operations)) {
          const name = `${method.toUpperCase()} ${path}`;
          const statuses = Object.keys(op.responses);
          const successes = statuses.filter((s) => s.startsWith('2'));
          assert.ok(successes.length > 0, `${name} documents a success`);
          for (const status of successes) {
            const content = op.responses[status]!.content;
            assert.ok(
              content && Object.values(content).every((m) => m.schema),
              `${name} ${status} has a body`,
            );
          }
          for (const status of statuses.filter((s) => !s.startsWith('2'))) {
            assert.deepEqual(
              op.responses[status]!.content,
              { 'application/json': { schema: { $ref: ERROR_REF } } },
              `${name} ${status} answers the error body`,
            );
          }
          assert.ok(statuses.includes('default'), `${name} documents unexpected failures`);
          const keyed = !(Array.isArray(op.security) && op.security.length === 0);
          if (keyed) assert.ok(statuses.includes('401'), `${name} 401`);
          if (op['x-roles']) assert.ok(statuses.includes('403'), `${name} 403`);
          if (op.requestBody)
            for (const s of ['400', '413', '415']) assert.ok(statuses.includes(s), `${name} ${s}`);
          if (op.parameters?.some((p) => p.in === 'query'))
            assert.ok(statuses.includes('400'), `${name} 400`);
          if (path.startsWith('/v1/cases/{orderId}')) {
            // Each role's own view (client/api/case-view.ts): checkout's, or the staff's whole case.
            assert.deepEqual(op.responses['200']!.content!['application/json']!.schema, {
              $ref: '#/components/schemas/RoleCase',
            });
            assert.ok(statuses.includes('404') && statuses.includes('503'), `${name} 404 and 503`);
          }
        }
      }
      // The case read of DESIGN.md's contract.
      const schemas = doc.components.schemas as Record<
        string,
        { required?: string[]; properties?: Record<string, unknown> }
      >;
      for (const field of ['orderId', 'status', 'policyId', 'deadlines', 'escalated', 'timeline'])
        assert.ok(schemas.Case!.required!.includes(field), `Case.${field} is required`);
      assert.deepEqual(schemas.Case!.properties!.decision, { $ref: '#/components/schemas/CaseDecision' });
      assert.deepEqual((schemas.RoleCase as { anyOf: unknown[] }).anyOf, [
        { $ref: '#/components/schemas/Case' },
        { $ref: '#/components/schemas/CheckoutCase' },
      ]);
      for (const field of ['timeline', 'escalations', 'technicalReview', 'fingerprint'])
        assert.ok(!(field in schemas.CheckoutCase!.properties!), `CheckoutCase has no ${field}`);
      for (const field of ['outcome', 'amountMinor', 'currency', 'reasons'])
        assert.ok(schemas.CaseDecision!.required!.includes(field), `CaseDecision.${field} is required`);
      assert.deepEqual(schemas.Error!.required, ['error']);
      assert.ok(schemas.Error!.properties!.issues && schemas.Error!.properties!.orderId);
    });

    it('fails a real answer that breaks its documented shape', async () => {
      const id = await start('usage-prorata');
      const real = await read(id);
      const broken = (change: (body: Record<string, unknown>) => void) => {
        const body = structuredClone(real.body) as unknown as Record<string, unknown>;
        change(body);
        return { ...real, body };
      };
      const cases: [string, Pick<Answer<unknown>, 'status' | 'body' | 'headers'>][] = [
        ['a required field missing', broken((b) => delete b.status)],
        ['an unknown status', broken((b) => (b.status = 'lost'))],
        ['a field the document does not name', broken((b) => (b.surprise = 1))],
        [
          'a deadline that is not a date-time',
          broken((b) => ((b.deadlines as Record<string, unknown>).requestWindowEndsAt = 'tomorrow')),
        ],
        [
          'a timeline entry without an actor',
          broken((b) => delete (b.timeline as Record<string, unknown>[])[0]!.actor),
        ],
        ['a fractional amount', broken((b) => (b.paidMinor = 1.5))],
        ['an undocumented status code', { ...real, status: 418 }],
        ['another media type', { ...real, headers: new Headers({ 'content-type': 'text/html' }) }],
      ];
      for (const [what, answer] of cases) {
        assert.throws(() => conformance.check('GET', `/v1/cases/${id}`, answer), `${what} is caught`);
      }
      assert.throws(
        () =>
          conformance.check('GET', `/v1/cases/${MISSING}`, {
            status: 404,
            body: { error: 'no refund case', code: 'E' },
            headers: real.headers,
          }),
        'an error body with a field the Error schema lacks is caught',
      );
      assert.throws(() => conformance.check('GET', '/v1/nowhere', real), 'an undocumented route is caught');
    });
  });

  describe('real answers match the documented schemas', () => {
    it('cases: start, read, list, and each message, through paid, denied, withdrawn and cancelled', async () => {
      // Start (201), a repeat (200), another body (409); a clean request paid through the gateway.
      const o = order();
      const first = { ...startBody('usage-prorata', o), customerEmail: 'buyer@example.com' };
      await hit(stack, 'POST', '/v1/cases', 201, { as: 'checkout', body: first });
      await hit(stack, 'POST', '/v1/cases', 200, { as: 'checkout', body: first });
      await hit(stack, 'POST', '/v1/cases', 409, {
        as: 'checkout',
        body: startBody('usage-prorata', { ...o, amountMinor: 5000 }),
      });
      const paid = String(o.orderId);
      // Usage first: this policy refunds the unused share, and never on an unknown figure.
      const reportedAt = new Date().toISOString();
      await hit(stack, 'PUT', `/v1/orders/${paid}/usage`, 200, {
        as: 'checkout',
        body: { used: 0, reportedAt },
      });
      await hit(stack, 'PUT', `/v1/orders/${MISSING}/usage`, 404, {
        as: 'checkout',
        body: { used: 0, reportedAt },
      });
      const request = await hit<CaseBody>(stack, 'POST', `/v1/cases/${paid}/refund-requests`, 200, {
        as: 'checkout',
        body: { reason: 'changed_mind', description: 'no longer needed' },
      });
      assert.equal(request.body.outcome, 'full_refund');
      await eventually(async () => (await read(paid)).body.status === 'paid', 'the payout to settle');
      await eventually(async () => (await read(paid)).body.closed, 'the paid case to close');
      const outbox = await hit<{ messages: unknown[] }>(stack, 'GET', `/v1/outbox?orderId=${paid}`, 200, {
        as: 'support',
      });
      assert.ok(outbox.body.messages.length > 0, 'emails were written');

      // The payout route: refunds the gateway fails (amounts ending in 4002), each resolved one way;
      // a chargeback on the paid case.
      for (const [route, body] of [
        ['payout-retries', MESSAGES['payout-retries']],
        ['outside-payouts', { reference: 'BT-2', amountMinor: 14002, method: 'bank_transfer' }],
        ['payout-credits', MESSAGES['payout-credits']],
      ] as const) {
        const failing = order({ amountMinor: 14002 });
        await hit(stack, 'POST', '/v1/cases', 201, {
          as: 'checkout',
          body: { ...startBody('usage-prorata', failing), customerEmail: 'buyer@example.com' },
        });
        const failingId = String(failing.orderId);
        await hit(stack, 'PUT', `/v1/orders/${failingId}/usage`, 200, {
          as: 'checkout',
          body: { used: 0, reportedAt },
        });
        await hit(stack, 'POST', `/v1/cases/${failingId}/refund-requests`, 200, {
          as: 'checkout',
          body: { reason: 'changed_mind' },
        });
        await eventually(
          async () =>
            (await read(failingId)).body.status === 'approved' && (await read(failingId)).body.escalated,
          'the gateway to fail the refund',
        );
        await hit(stack, 'POST', `/v1/cases/${failingId}/${route}`, 200, { as: 'support', body });
      }
      await hit(stack, 'POST', `/v1/cases/${paid}/chargebacks`, 200, {
        as: 'support',
        body: SIGNALS.chargebacks,
      });

      // An issue, a request waiting for review, an information round trip, and a technical review.
      const reviewed = await start('cloud-provider-fault');
      const steps: [string, Role, unknown][] = [
        ['issues', 'support', { description: 'VM unreachable since boot' }],
        ['refund-requests', 'checkout', { reason: 'service_unusable' }],
        ['information-requests', 'reviewer', { items: ['logs', 'timestamps'], note: 'boot logs please' }],
        ['information', 'checkout', { items: ['logs', 'timestamps'] }],
        ['technical-reviews', 'reviewer', { outcome: 'user_caused', notes: 'firewall rule' }],
      ];
      for (const [message, as, body] of steps)
        await hit(stack, 'POST', `/v1/cases/${reviewed}/${message}`, 200, { as, body });
      assert.equal((await read(reviewed)).body.status, 'denied');

      // A reviewer's decision on a discretionary case: out of bounds (409), then within them.
      const decided = await start('proxy-strict');
      const pending = await hit<CaseBody>(stack, 'POST', `/v1/cases/${decided}/refund-requests`, 200, {
        as: 'support',
        body: { reason: 'billing_error' },
      });
      assert.ok(pending.body.decision?.review, 'a needs_review decision carries its bounds');
      await hit(stack, 'POST', `/v1/cases/${decided}/decisions`, 409, {
        as: 'reviewer',
        body: { outcome: 'partial_refund', amountMinor: 999_999, note: 'x' },
      });
      await hit(stack, 'POST', `/v1/cases/${decided}/decisions`, 200, {
        as: 'admin',
        body: { outcome: 'denied', note: 'charged correctly' },
      });
      // Every denial may be disputed once.
      await hit(stack, 'POST', `/v1/cases/${decided}/disputes`, 200, {
        as: 'checkout',
        body: { description: 'I was charged twice' },
      });

      // A withdrawn case refuses every message (409).
      const withdrawn = await start('proxy-strict');
      await hit(stack, 'POST', `/v1/cases/${withdrawn}/refund-requests`, 200, {
        as: 'checkout',
        body: { reason: 'billing_error' },
      });
      await hit(stack, 'POST', `/v1/cases/${withdrawn}/withdrawal`, 200, {
        as: 'checkout',
        body: { note: 'sorted out' },
      });
      for (const [message, body] of Object.entries(MESSAGES))
        await hit(stack, 'POST', `/v1/cases/${withdrawn}/${message}`, 409, { as: 'admin', body });
      // Late events: none yet (409); once the case has ended, a chargeback goes to the late-event
      // record and support acknowledges it (200).
      const acknowledgements = `/v1/cases/${withdrawn}/late-events/acknowledgements`;
      await hit(stack, 'POST', acknowledgements, 409, { as: 'support', body: {} });
      await eventually(
        async () => (await stack.cases.handle(withdrawn).describe()).status.name === 'COMPLETED',
        'the withdrawn case to end',
      );
      await hit(stack, 'POST', `/v1/cases/${withdrawn}/chargebacks`, 200, {
        as: 'support',
        body: { active: true, reference: 'cb-late' },
      });
      await eventually(
        async () => (await stack.cases.lateEvents(withdrawn))?.events.length === 1,
        'the late event to be recorded',
      );
      await hit(stack, 'POST', acknowledgements, 200, { as: 'support', body: { note: 'handled' } });

      // A subscription cancelled at the end of its period; a final-sale case.
      const now = Date.now();
      const subscription = await start(
        'services-fix-first',
        order({
          billing: {
            kind: 'subscription',
            periodStart: new Date(now - 86_400_000).toISOString(),
            periodEnd: new Date(now + 29 * 86_400_000).toISOString(),
          },
        }),
      );
      await hit(stack, 'POST', `/v1/cases/${subscription}/subscription-cancellation`, 200, {
        as: 'checkout',
        body: { note: 'moving on' },
      });
      assert.equal((await read(await start('all-sales-final'))).body.status, 'not_refundable');

      // Lists: filtered (with counts) once visibility has the cases, and unfiltered.
      const customer = `cus-openapi-${now}`;
      await start('services-fix-first', order({ customerId: customer }));
      await eventually(async () => {
        const list = await hit<{ cases: unknown[] }>(stack, 'GET', `/v1/cases?customerId=${customer}`, 200, {
          as: 'support',
        });
        return list.body.cases.length === 1;
      }, 'the case in visibility');
      await hit(stack, 'GET', '/v1/cases?limit=20', 200, { as: 'reviewer' });
      await hit(stack, 'GET', `/v1/cases?escalated=false&open=true&status=open&limit=5`, 200, {
        as: 'admin',
      });
    });

    it('policies, dry runs, the caller, the outbox and operations', async () => {
      const list = await hit<{ policies: { id: string }[] }>(stack, 'GET', '/v1/policies', 200, {
        as: 'checkout',
      });
      for (const { id } of list.body.policies)
        await hit(stack, 'GET', `/v1/policies/${id}`, 200, { as: 'support' });
      await hit(stack, 'GET', '/v1/policies/lenient', 404, { as: 'support' });
      for (const [policy, reason, outcome] of [
        ['all-sales-final', 'changed_mind', 'denied'],
        ['usage-prorata', 'changed_mind', 'full_refund'],
        ['proxy-strict', 'billing_error', 'needs_review'],
      ] as const) {
        const decision = await hit<{ outcome: string }>(
          stack,
          'POST',
          `/v1/policies/${policy}/evaluate`,
          200,
          {
            as: 'reviewer',
            body: evaluation(reason),
          },
        );
        assert.equal(decision.body.outcome, outcome, policy);
      }
      await hit(stack, 'POST', '/v1/policies/lenient/evaluate', 404, {
        as: 'reviewer',
        body: evaluation('changed_mind'),
      });
      const bad = await hit<{ issues: { path: string }[] }>(
        stack,
        'POST',
        '/v1/policies/usage-prorata/evaluate',
        400,
        {
          as: 'reviewer',
          body: { ...evaluation('changed_mind'), request: { reason: 'changed_mind' } },
        },
      );
      assert.equal(bad.body.issues[0]!.path, 'request.requestedAt');
      for (const role of ROLES) await hit(stack, 'GET', '/v1/me', 200, { as: role });
      await hit(stack, 'GET', '/v1/outbox?limit=3', 200, { as: 'reviewer' });
      await hit(stack, 'GET', '/v1/reports/summary?from=2026-01-01&policy=proxy-strict', 200, {
        as: 'support',
      });
      const csv = await hit<string>(stack, 'GET', '/v1/reports/ledger.csv?from=2026-01-01', 200, {
        as: 'admin',
      });
      assert.match(csv.body, /^event_key,order_id,kind,/);
      await hit(stack, 'GET', '/healthz', 200);
      const metrics = await hit<string>(stack, 'GET', '/metrics', 200, { as: 'admin' });
      assert.match(metrics.body, /refundflow_http_requests_total/);
    });

    it('the payment webhook and incidents', async () => {
      const post = (body: string, signed: boolean, expected: number) =>
        hit<{ delivered?: boolean }>(stack, 'POST', '/v1/webhooks/payments', expected, {
          rawBody: body,
          headers: signed ? { [SIGNATURE_HEADER]: signWebhook(WEBHOOK_SECRET, body) } : {},
        });
      const open = await start('usage-prorata');
      assert.equal((await post(webhookEvent(open), true, 200)).body.delivered, true);
      assert.equal((await post(webhookEvent(MISSING), true, 200)).body.delivered, false);
      await post(webhookEvent(open), false, 401);
      await post(JSON.stringify({ hello: 'world' }), true, 400);
      await post('{"id":', true, 400);

      const product = `vps-openapi-${Date.now()}`;
      const covered = await start('proxy-strict', order({ productId: product }));
      await eventually(
        async () =>
          (
            await hit<{ cases: unknown[] }>(stack, 'GET', `/v1/cases?productId=${product}`, 200, {
              as: 'reviewer',
            })
          ).body.cases.length === 1,
        'visibility',
      );
      const incident = {
        incidentId: `inc-${Date.now()}`,
        productId: product,
        from: new Date(Date.now() - 3_600_000).toISOString(),
        to: new Date().toISOString(),
        description: 'Datacenter power loss',
      };
      const confirmed = await hit<{ cases: string[]; total: number }>(stack, 'POST', '/v1/incidents', 202, {
        as: 'reviewer',
        body: incident,
      });
      assert.deepEqual(confirmed.body.cases, [covered]);
      assert.equal(confirmed.body.total, 1);
      await eventually(
        async () =>
          (
            await hit<{ done: boolean }>(stack, 'GET', `/v1/incidents/${incident.incidentId}`, 200, {
              as: 'reviewer',
            })
          ).body.done,
        'the fan-out done',
      );
      await hit(stack, 'GET', `/v1/incidents/inc-never-${Date.now()}`, 404, { as: 'reviewer' });
      await eventually(
        async () => (await read(covered)).body.incidents.length === 1,
        'the incident on the case',
      );
      const backwards = await hit<{ issues: { path: string }[] }>(stack, 'POST', '/v1/incidents', 400, {
        as: 'reviewer',
        body: { ...incident, from: incident.to, to: incident.from },
      });
      assert.equal(backwards.body.issues[0]!.path, 'to');
    });

    it('errors of every kind on every operation: 400 naming the field, 401, 403, 404, 413, 415', async () => {
      for (const [template, operations] of Object.entries(doc.paths)) {
        for (const [lower, op] of Object.entries(operations)) {
          const method = lower.toUpperCase();
          const path = template.replace('{orderId}', MISSING).replace('{id}', 'usage-prorata');
          const keyed = !(Array.isArray(op.security) && op.security.length === 0);
          if (keyed) {
            await hit(stack, method, path, 401, {});
            await hit(stack, method, path, 401, { authorization: 'Bearer not-a-key' });
          }
          const refused = ROLES.find((role) => op['x-roles'] && !op['x-roles'].includes(role));
          if (refused)
            await hit(stack, method, path, 403, { as: refused, ...(op.requestBody ? { body: {} } : {}) });
          if (op.requestBody) {
            const as = keyed ? { as: 'admin' as const } : {};
            await hit(stack, method, path, 413, {
              ...as,
              rawBody: JSON.stringify({ x: 'x'.repeat(300 * 1024) }),
            });
            await hit(stack, method, path, 415, {
              ...as,
              rawBody: '<case/>',
              headers: { 'content-type': 'application/xml' },
            });
            // The webhook checks its signature before it reads the body (covered above).
            if (keyed) await hit(stack, method, path, 400, { as: 'admin', rawBody: '{"policyId": ' });
          }
          if (template.includes('{')) {
            // A path parameter with a control character: 400 naming it.
            const bad = template.replace(/\{\w+\}/, 'a%00b');
            await hit(stack, method, bad, 400, { as: 'admin', ...(op.requestBody ? { body: {} } : {}) });
          }
          if (op.parameters?.some((p) => p.in === 'query')) {
            const bad = await hit<{ issues: { path: string }[] }>(stack, method, `${path}?limit=0`, 400, {
              as: 'admin',
            });
            assert.equal(bad.body.issues[0]!.path, 'limit');
          }
        }
      }
      // Invalid bodies name their fields.
      const invalid = await hit<{ issues: { path: string }[] }>(stack, 'POST', '/v1/cases', 400, {
        as: 'checkout',
        body: startBody('proxy-strict', order({ amountMinor: 10.5, currency: 'dollars' })),
      });
      const paths = invalid.body.issues.map((i) => i.path);
      assert.ok(paths.includes('order.amountMinor') && paths.includes('order.currency'), paths.join());
      const open = await start('usage-prorata');
      const claimed = await hit<{ issues: { path: string }[] }>(
        stack,
        'POST',
        `/v1/cases/${open}/refund-requests`,
        400,
        {
          as: 'checkout',
          body: { reason: 'because' },
        },
      );
      assert.equal(claimed.body.issues[0]!.path, 'reason');
      await hit(stack, 'POST', `/v1/cases/${open}/decisions`, 400, {
        as: 'reviewer',
        body: { outcome: 'denied' },
      });
      // Unknown cases: 404 with the orderId, for reads and every message.
      const unknown = await hit<{ orderId: string }>(stack, 'GET', `/v1/cases/${MISSING}`, 404, {
        as: 'support',
      });
      assert.equal(unknown.body.orderId, MISSING);
      for (const [message, body] of Object.entries({ ...MESSAGES, ...SIGNALS }))
        await hit(stack, 'POST', `/v1/cases/${MISSING}/${message}`, 404, { as: 'admin', body });
      await hit(stack, 'POST', `/v1/cases/${MISSING}/late-events/acknowledgements`, 404, {
        as: 'admin',
        body: {},
      });
    });

    it('503 when Temporal is unavailable, or webhooks are not configured; 404 for an outbox that is not there', async () => {
      const validBodies: Record<string, unknown> = {
        '/v1/cases': startBody('usage-prorata'),
        '/v1/incidents': {
          incidentId: 'inc-down',
          from: new Date(Date.now() - 60_000).toISOString(),
          to: new Date().toISOString(),
          description: 'down',
        },
      };
      let answered = 0;
      for (const [template, operations] of Object.entries(doc.paths)) {
        for (const [lower, op] of Object.entries(operations)) {
          if (!op.responses['503']) continue;
          const message = /\/v1\/cases\/\{orderId\}\/([\w-]+)$/.exec(template)?.[1];
          const body = message ? (MESSAGES[message] ?? SIGNALS[message]) : validBodies[template];
          const path = template.replace('{orderId}', 'any-order');
          const answer = await hit<{ error: string }>(down, lower.toUpperCase(), path, 503, {
            as: 'admin',
            ...(op.requestBody ? { body: body ?? {} } : {}),
          });
          assert.ok(answer.body.error, template);
          answered += 1;
        }
      }
      assert.ok(answered >= 12, `every Temporal-backed route answered 503 (${answered})`);
      // The same API without the embedded billing store (as with HTTP billing): usage is not reported here.
      await hit(down, 'PUT', '/v1/orders/any-order/usage', 501, {
        as: 'checkout',
        body: { used: 1, reportedAt: new Date().toISOString() },
      });
      await hit(down, 'GET', '/v1/outbox', 404, { as: 'support' });
    });

    it('every documented answer was seen in a real call (run with the tests above)', () => {
      assert.deepEqual(conformance.unseen(), []);
    });
  });
});
