// Every route, every role and every error class of the API, on a real dev server and worker.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { Client } from '@temporalio/client';
import { buildApi } from '../../client/api/app';
import { createLogger } from '../../config/logger';
import { generateEncryptionKey } from '../../codec/codec';
import { buildDataConverter } from '../../codec/data-converter';
import { RefundCases } from '../../client/refund-client';
import { getPreset, type Order } from '../../policies';
import { loadConfig } from '../../config';
import { workflowIdForOrder } from '../../workflows/case-state';
import { KEYS, call, eventually, order, startStack, type Role, type TestStack } from './stack';

interface CaseBody {
  orderId: string;
  status: string;
  outcome: string | null;
  decision?: { outcome: string; amountMinor: number; reasons: string[]; explanations: string[] };
  technicalReview?: { outcome: string };
  informationRequest?: { items: string[]; providedAt?: string };
  timeline: { type: string; actor: { role: string } }[];
}
interface Issues {
  error: string;
  issues?: { path: string; message: string }[];
}

const ROLES: Role[] = ['checkout', 'support', 'reviewer', 'admin'];
const MISSING = 'no-such-order';

// The DESIGN table's roles; reviewers also read cases (they work on them in the support UI).
const MATRIX: {
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  allowed: Role[];
}[] = [
  { method: 'POST', path: '/v1/cases', body: {}, allowed: ['checkout', 'admin'] },
  { method: 'GET', path: '/v1/cases', allowed: ['support', 'reviewer', 'admin'] },
  { method: 'GET', path: `/v1/cases/${MISSING}`, allowed: ['support', 'reviewer', 'admin'] },
  {
    method: 'POST',
    path: `/v1/cases/${MISSING}/refund-requests`,
    body: { reason: 'changed_mind' },
    allowed: ['checkout', 'support', 'admin'],
  },
  {
    method: 'POST',
    path: `/v1/cases/${MISSING}/issues`,
    body: { description: 'down' },
    allowed: ['checkout', 'support', 'admin'],
  },
  {
    method: 'POST',
    path: `/v1/cases/${MISSING}/technical-reviews`,
    body: { outcome: 'provider_fault' },
    allowed: ['reviewer', 'admin'],
  },
  {
    method: 'POST',
    path: `/v1/cases/${MISSING}/decisions`,
    body: { outcome: 'denied', note: 'no' },
    allowed: ['reviewer', 'admin'],
  },
  {
    method: 'POST',
    path: `/v1/cases/${MISSING}/withdrawal`,
    body: {},
    allowed: ['checkout', 'support', 'admin'],
  },
  {
    method: 'POST',
    path: `/v1/cases/${MISSING}/disputes`,
    body: { description: 'the denial is wrong' },
    allowed: ['checkout', 'support', 'admin'],
  },
  {
    method: 'POST',
    path: `/v1/cases/${MISSING}/information-requests`,
    body: { items: ['logs'] },
    allowed: ['reviewer', 'admin'],
  },
  {
    method: 'POST',
    path: `/v1/cases/${MISSING}/information`,
    body: { items: ['logs'] },
    allowed: ['checkout', 'support', 'admin'],
  },
  { method: 'POST', path: '/v1/incidents', body: {}, allowed: ['reviewer', 'admin'] },
  { method: 'GET', path: '/v1/incidents/inc-missing', allowed: ['support', 'reviewer', 'admin'] },
  {
    method: 'PUT',
    path: `/v1/orders/${MISSING}/usage`,
    body: { used: 1, reportedAt: '2025-03-03T10:00:00Z' },
    allowed: ['checkout', 'admin'],
  },
  { method: 'GET', path: '/v1/policies', allowed: ROLES },
  { method: 'GET', path: '/v1/policies/proxy-strict', allowed: ROLES },
  { method: 'POST', path: '/v1/policies/proxy-strict/evaluate', body: {}, allowed: ROLES },
  { method: 'GET', path: '/v1/outbox', allowed: ['support', 'reviewer', 'admin'] },
  { method: 'GET', path: '/v1/me', allowed: ROLES },
  {
    method: 'POST',
    path: '/codec/decode',
    body: { payloads: [] },
    headers: { 'x-namespace': 'default' },
    allowed: ['support', 'reviewer', 'admin'],
  },
];

describe('API: routes, roles and errors', function () {
  this.timeout(120_000);
  let stack: TestStack;
  before(async () => {
    stack = await startStack('api-routes');
  });
  after(async () => stack?.close());

  const start = async (policyId: string, o = order()) => {
    const started = await call<{ case: CaseBody }>(stack, 'POST', '/v1/cases', {
      as: 'checkout',
      body: { policyId, order: o },
    });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    return String(o.orderId);
  };

  describe('authorization', () => {
    for (const route of MATRIX) {
      it(`${route.method} ${route.path}: 401 without or with a wrong key, 403 for roles outside ${route.allowed.join('/')}`, async () => {
        const opts = {
          ...(route.body !== undefined ? { body: route.body } : {}),
          ...(route.headers ? { headers: route.headers } : {}),
        };
        assert.equal((await call(stack, route.method, route.path, opts)).status, 401, 'no key');
        assert.equal(
          (await call(stack, route.method, route.path, { ...opts, authorization: 'Bearer not-a-key' }))
            .status,
          401,
          'unknown key',
        );
        assert.equal(
          (await call(stack, route.method, route.path, { ...opts, authorization: KEYS.admin })).status,
          401,
          'a key without Bearer',
        );
        for (const role of ROLES) {
          const { status } = await call(stack, route.method, route.path, { ...opts, as: role });
          if (route.allowed.includes(role))
            assert.ok(status !== 401 && status !== 403, `${role} is let in (got ${status})`);
          else assert.equal(status, 403, `${role} is refused`);
        }
      });
    }

    it('tells a key its role on /v1/me', async () => {
      for (const role of ROLES) {
        const me = await call<{ role: string }>(stack, 'GET', '/v1/me', { as: role });
        assert.equal(me.body.role, role);
      }
    });
  });

  describe('bad input: 400 naming the field, nothing reaches Temporal', () => {
    it('rejects an invalid order field by field, before any case exists', async () => {
      const o = order({ amountMinor: 10.5, currency: 'dollars' });
      const res = await call<Issues>(stack, 'POST', '/v1/cases', {
        as: 'checkout',
        body: { policyId: 'proxy-strict', order: o },
      });
      assert.equal(res.status, 400);
      const paths = res.body.issues!.map((i) => i.path);
      assert.ok(paths.includes('order.amountMinor'), paths.join());
      assert.ok(paths.includes('order.currency'), paths.join());
      assert.equal(
        (await call(stack, 'GET', `/v1/cases/${o.orderId}`, { as: 'support' })).status,
        404,
        'no case was started',
      );
    });

    it('names policyId when the policy is unknown, and order when it is missing', async () => {
      const res = await call<Issues>(stack, 'POST', '/v1/cases', {
        as: 'checkout',
        body: { policyId: 'lenient', order: order() },
      });
      assert.equal(res.status, 400);
      assert.deepEqual(
        res.body.issues!.map((i) => i.path),
        ['policyId'],
      );
      assert.match(res.body.issues![0]!.message, /proxy-strict/);
      const missing = await call<Issues>(stack, 'POST', '/v1/cases', {
        as: 'checkout',
        body: { policyId: 'proxy-strict' },
      });
      assert.deepEqual(
        missing.body.issues!.map((i) => i.path),
        ['order'],
      );
    });

    it('refuses a body that claims an actor (the key decides who acts) and an unknown reason', async () => {
      const id = await start('usage-prorata');
      const actor = await call<Issues>(stack, 'POST', `/v1/cases/${id}/refund-requests`, {
        as: 'checkout',
        body: { reason: 'changed_mind', actor: { role: 'admin' } },
      });
      assert.equal(actor.status, 400);
      assert.match(JSON.stringify(actor.body.issues), /actor/);
      const reason = await call<Issues>(stack, 'POST', `/v1/cases/${id}/refund-requests`, {
        as: 'checkout',
        body: { reason: 'because' },
      });
      assert.equal(reason.status, 400);
      assert.equal(reason.body.issues![0]!.path, 'reason');
      const read = await call<CaseBody>(stack, 'GET', `/v1/cases/${id}`, { as: 'support' });
      assert.equal(read.body.status, 'open', 'the case never saw the bad requests');
    });

    it('answers malformed JSON with 400, a huge body with 413, another media type with 415, an unknown route with 404', async () => {
      const malformed = await call(stack, 'POST', '/v1/cases', { as: 'checkout', rawBody: '{"policyId": ' });
      assert.equal(malformed.status, 400);
      const huge = await call(stack, 'POST', '/v1/cases', {
        as: 'checkout',
        rawBody: JSON.stringify({ policyId: 'x'.repeat(400 * 1024) }),
      });
      assert.equal(huge.status, 413);
      const text = await call(stack, 'POST', '/v1/cases', {
        as: 'checkout',
        rawBody: '<case/>',
        headers: { 'content-type': 'application/xml' },
      });
      assert.equal(text.status, 415);
      const unknown = await call(stack, 'GET', '/v1/nothing-here', { as: 'admin' });
      assert.equal(unknown.status, 404);
      const wrongMethod = await call(stack, 'DELETE', '/v1/cases', { as: 'admin' });
      assert.equal(wrongMethod.status, 404);
    });

    it('validates list filters', async () => {
      const res = await call<Issues>(stack, 'GET', '/v1/cases?status=lost', { as: 'support' });
      assert.equal(res.status, 400);
      assert.equal(res.body.issues![0]!.path, 'status');
      const due = await call<Issues>(stack, 'GET', '/v1/cases?dueBefore=tomorrow', { as: 'support' });
      assert.equal(due.status, 400);
      assert.equal(due.body.issues![0]!.path, 'dueBefore');
    });
  });

  describe('cases', () => {
    it('404s an unknown case for reads and writes', async () => {
      const read = await call<Issues>(stack, 'GET', `/v1/cases/${MISSING}`, { as: 'support' });
      assert.equal(read.status, 404);
      assert.match(read.body.error, /no refund case/);
      assert.equal(
        (await call(stack, 'POST', `/v1/cases/${MISSING}/withdrawal`, { as: 'support', body: {} })).status,
        404,
      );
    });

    it('answers 409 with the workflow reason for a message in the wrong state', async () => {
      const id = await start('usage-prorata');
      const withdraw = await call<Issues>(stack, 'POST', `/v1/cases/${id}/withdrawal`, { as: 'checkout' });
      assert.equal(withdraw.status, 409);
      assert.match(withdraw.body.error, /cannot withdraw while the case is open/);
      const review = await call<Issues>(stack, 'POST', `/v1/cases/${id}/technical-reviews`, {
        as: 'reviewer',
        body: { outcome: 'provider_fault' },
      });
      assert.equal(review.status, 409);
      assert.match(review.body.error, /technical review/);
    });

    it('takes an issue, a request, an information round trip and a technical review to a decision', async () => {
      const id = await start('cloud-provider-fault');
      const issue = await call<CaseBody>(stack, 'POST', `/v1/cases/${id}/issues`, {
        as: 'support',
        body: { description: 'VM unreachable since boot' },
      });
      assert.equal(issue.status, 200, JSON.stringify(issue.body));
      assert.equal(issue.body.status, 'remediation');
      const request = await call<CaseBody>(stack, 'POST', `/v1/cases/${id}/refund-requests`, {
        as: 'checkout',
        body: { reason: 'service_unusable' },
      });
      assert.equal(request.status, 200, JSON.stringify(request.body));
      assert.equal(request.body.outcome, 'needs_review');
      const ask = await call<CaseBody>(stack, 'POST', `/v1/cases/${id}/information-requests`, {
        as: 'reviewer',
        body: { items: ['logs', 'timestamps'], note: 'boot logs please' },
      });
      assert.equal(ask.status, 200, JSON.stringify(ask.body));
      assert.deepEqual(ask.body.informationRequest?.items, ['logs', 'timestamps']);
      const give = await call<CaseBody>(stack, 'POST', `/v1/cases/${id}/information`, {
        as: 'checkout',
        body: { items: ['logs', 'timestamps'] },
      });
      assert.equal(give.status, 200, JSON.stringify(give.body));
      assert.ok(give.body.informationRequest?.providedAt);
      const review = await call<CaseBody>(stack, 'POST', `/v1/cases/${id}/technical-reviews`, {
        as: 'reviewer',
        body: { outcome: 'user_caused', notes: 'firewall rule' },
      });
      assert.equal(review.status, 200, JSON.stringify(review.body));
      assert.equal(review.body.technicalReview?.outcome, 'user_caused');
      assert.equal(review.body.status, 'denied');
      assert.ok(review.body.decision?.reasons.includes('USER_CAUSED'), review.body.decision?.reasons.join());
      assert.ok(
        review.body.timeline.some((e) => e.type === 'technical_review' && e.actor.role === 'reviewer'),
      );
    });

    it('Idempotency-Key: a retried write gets the first answer once; the same key with another body is 409', async () => {
      const id = await start('proxy-strict');
      const key = `req-${id}`;
      const send = (body: unknown, headers: Record<string, string> = { 'Idempotency-Key': key }) =>
        call<CaseBody & Issues>(stack, 'POST', `/v1/cases/${id}/refund-requests`, {
          as: 'checkout',
          body,
          headers,
        });
      const first = await send({ reason: 'billing_error' });
      assert.equal(first.status, 200, JSON.stringify(first.body));
      const again = await send({ reason: 'billing_error' });
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.equal(again.body.outcome, first.body.outcome);
      // Checkout's reply carries no timeline (issue 16): support reads it.
      const read = await call<CaseBody>(stack, 'GET', `/v1/cases/${id}`, { as: 'support' });
      assert.equal(read.body.timeline.filter((e) => e.type === 'refund_requested').length, 1, 'applied once');
      const other = await send({ reason: 'changed_mind' });
      assert.equal(other.status, 409);
      assert.match(other.body.error, /Idempotency-Key .* another body/);
      // Without the key a repeat is a second request, which the case refuses.
      const unkeyed = await send({ reason: 'billing_error' }, {});
      assert.equal(unkeyed.status, 409);
      assert.match(unkeyed.body.error, /already on this case/);
      for (const bad of ['x'.repeat(201), 'tab\there']) {
        const answer = await send({ reason: 'billing_error' }, { 'Idempotency-Key': bad });
        assert.equal(answer.status, 400, bad);
        assert.equal(answer.body.issues?.[0]?.path, 'Idempotency-Key');
      }
      // A decision keyed twice is applied once too.
      const decide = (note: string) =>
        call<CaseBody & Issues>(stack, 'POST', `/v1/cases/${id}/decisions`, {
          as: 'reviewer',
          body: { outcome: 'denied', note },
          headers: { 'Idempotency-Key': `decide-${id}` },
        });
      assert.equal((await decide('charged correctly')).status, 200);
      const repeat = await decide('charged correctly');
      assert.equal(repeat.status, 200, 'the repeat answers as the first did, though the case is now closed');
      assert.equal(repeat.body.status, 'denied');
      assert.equal((await decide('another note')).status, 409);
      const doc = await call<{
        paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
      }>(stack, 'GET', '/openapi.json');
      for (const path of [
        '/v1/cases/{orderId}/refund-requests',
        '/v1/cases/{orderId}/decisions',
        '/v1/incidents',
      ])
        assert.ok(
          doc.body.paths[path]?.post?.parameters?.some(
            (p) => p.name === 'Idempotency-Key' && p.in === 'header',
          ),
          `${path} documents Idempotency-Key`,
        );
    });

    it('lets a reviewer decide a discretionary case, within the policy bounds', async () => {
      const id = await start('proxy-strict');
      const request = await call<CaseBody>(stack, 'POST', `/v1/cases/${id}/refund-requests`, {
        as: 'support',
        body: { reason: 'billing_error' },
      });
      assert.equal(request.body.outcome, 'needs_review');
      const tooMuch = await call<Issues>(stack, 'POST', `/v1/cases/${id}/decisions`, {
        as: 'reviewer',
        body: { outcome: 'partial_refund', amountMinor: 999_999, note: 'x' },
      });
      assert.equal(tooMuch.status, 409);
      assert.match(tooMuch.body.error, /amountMinor/);
      const noNote = await call<Issues>(stack, 'POST', `/v1/cases/${id}/decisions`, {
        as: 'reviewer',
        body: { outcome: 'denied' },
      });
      assert.equal(noNote.status, 400);
      assert.equal(noNote.body.issues![0]!.path, 'note');
      const denied = await call<CaseBody>(stack, 'POST', `/v1/cases/${id}/decisions`, {
        as: 'admin',
        body: { outcome: 'denied', note: 'charged correctly' },
      });
      assert.equal(denied.status, 200, JSON.stringify(denied.body));
      assert.equal(denied.body.status, 'denied');
      assert.ok(denied.body.decision?.reasons.includes('DISCRETIONARY_REVIEW'));
    });

    it('lets checkout withdraw a request under review, and refuses messages to the closed case', async () => {
      const id = await start('proxy-strict');
      await call(stack, 'POST', `/v1/cases/${id}/refund-requests`, {
        as: 'checkout',
        body: { reason: 'billing_error' },
      });
      const withdrawn = await call<CaseBody>(stack, 'POST', `/v1/cases/${id}/withdrawal`, {
        as: 'checkout',
        body: { note: 'sorted out' },
      });
      assert.equal(withdrawn.status, 200, JSON.stringify(withdrawn.body));
      assert.equal(withdrawn.body.status, 'withdrawn');
      const after = await call<Issues>(stack, 'POST', `/v1/cases/${id}/issues`, {
        as: 'checkout',
        body: { description: 'still down' },
      });
      assert.equal(after.status, 409);
      assert.match(after.body.error, /closed/);
    });

    it('lists cases by status, policy and customer with counts per status', async () => {
      const o = order({ customerId: `cus-list-${Date.now()}` });
      const id = await start('services-fix-first', o);
      const listed = await eventually(async () => {
        const res = await call<{
          cases: { orderId: string; status: string; policyId: string }[];
          counts: Record<string, number>;
        }>(stack, 'GET', `/v1/cases?customerId=${o.customerId}&policy=services-fix-first&status=open`, {
          as: 'support',
        });
        return res.body.cases?.length === 1 && res.body;
      }, 'the case in visibility');
      assert.equal(listed.cases[0]!.orderId, id);
      assert.equal(listed.cases[0]!.status, 'open');
      assert.deepEqual(listed.counts, { open: 1 });
      const otherPolicy = await call<{ cases: unknown[] }>(
        stack,
        'GET',
        `/v1/cases?customerId=${o.customerId}&policy=proxy-strict`,
        { as: 'reviewer' },
      );
      assert.equal(otherPolicy.body.cases.length, 0);
      const due = await call<{ cases: { orderId: string }[] }>(
        stack,
        'GET',
        `/v1/cases?customerId=${o.customerId}&dueBefore=${encodeURIComponent(new Date(Date.now() + 30 * 86_400_000).toISOString())}`,
        { as: 'support' },
      );
      assert.deepEqual(
        due.body.cases.map((c) => c.orderId),
        [id],
        'the window deadline is within 30 days',
      );
      const notDue = await call<{ cases: unknown[] }>(
        stack,
        'GET',
        `/v1/cases?customerId=${o.customerId}&dueBefore=${encodeURIComponent(new Date().toISOString())}`,
        { as: 'support' },
      );
      assert.equal(notDue.body.cases.length, 0);
    });

    it('lists every case even when one case was sealed with a key this API does not hold', async () => {
      // A case of another deployment (or sealed with a rotated-out key) must not hide all the others.
      const customerId = `cus-foreign-${Date.now()}`;
      const foreign = new Client({
        connection: stack.cases.client.connection,
        namespace: stack.config.temporal.namespace,
        dataConverter: buildDataConverter(
          loadConfig({ REFUNDFLOW_ENCRYPTION_KEYS: generateEncryptionKey('other') }).encryption,
        ),
      });
      const foreignOrder = order({ customerId }) as unknown as Order;
      // No worker polls this queue: the case stays as started, its memo sealed with the other key.
      await new RefundCases(foreign, `${stack.config.temporal.taskQueue}-foreign`).start(
        getPreset('services-fix-first')!,
        foreignOrder,
      );
      const ours = await start('services-fix-first', order({ customerId }));
      try {
        const listed = await eventually(async () => {
          const res = await call<{ cases: { orderId: string }[] }>(
            stack,
            'GET',
            `/v1/cases?customerId=${customerId}`,
            { as: 'support' },
          );
          assert.equal(res.status, 200, JSON.stringify(res.body));
          return res.body.cases.length === 2 && res.body.cases;
        }, 'both cases in visibility');
        assert.deepEqual(listed.map((c) => c.orderId).sort(), [foreignOrder.orderId, ours].sort());
        await assert.rejects(
          stack.cases.handle(foreignOrder.orderId).describe(),
          /does not have/,
          'its memo stays sealed to this API',
        );
      } finally {
        await foreign.workflow.getHandle(workflowIdForOrder(foreignOrder.orderId)).terminate('test over');
      }
    });
  });

  describe('policies', () => {
    it('lists presets, shows one, 404s an unknown one', async () => {
      const list = await call<{ policies: { id: string }[] }>(stack, 'GET', '/v1/policies', {
        as: 'checkout',
      });
      assert.deepEqual(list.body.policies.map((p) => p.id).sort(), [
        'all-sales-final',
        'cloud-provider-fault',
        'proxy-strict',
        'services-fix-first',
        'usage-prorata',
      ]);
      const one = await call<{ id: string; version: unknown }>(stack, 'GET', '/v1/policies/usage-prorata', {
        as: 'support',
      });
      assert.equal(one.body.id, 'usage-prorata');
      assert.equal((await call(stack, 'GET', '/v1/policies/lenient', { as: 'support' })).status, 404);
    });

    it('dry-runs a decision, 400 naming the field for bad input', async () => {
      const o = order();
      const input = { order: o, request: { requestedAt: new Date().toISOString(), reason: 'changed_mind' } };
      const decision = await call<{ outcome: string; amountMinor: number; policyId: string }>(
        stack,
        'POST',
        '/v1/policies/all-sales-final/evaluate',
        { as: 'reviewer', body: input },
      );
      assert.equal(decision.status, 200);
      assert.equal(decision.body.outcome, 'denied');
      assert.equal(decision.body.policyId, 'all-sales-final');
      const bad = await call<Issues>(stack, 'POST', '/v1/policies/all-sales-final/evaluate', {
        as: 'reviewer',
        body: { ...input, request: { reason: 'changed_mind' } },
      });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.issues![0]!.path, 'request.requestedAt');
      assert.equal(
        (await call(stack, 'POST', '/v1/policies/lenient/evaluate', { as: 'reviewer', body: input })).status,
        404,
      );
      assert.equal(
        (await call(stack, 'GET', `/v1/cases/${o.orderId}`, { as: 'support' })).status,
        404,
        'a dry run starts no case',
      );
    });
  });

  describe('operations', () => {
    it('serves /healthz without a key and Prometheus /metrics to an admin key', async () => {
      const health = await call<{ status: string }>(stack, 'GET', '/healthz');
      assert.equal(health.status, 200);
      assert.equal(health.body.status, 'ok');
      await call(stack, 'GET', '/v1/policies', { as: 'support' });
      const metrics = await call<string>(stack, 'GET', '/metrics', { as: 'admin' });
      assert.equal(metrics.status, 200);
      assert.match(metrics.headers.get('content-type') ?? '', /text\/plain/);
      assert.match(
        metrics.body,
        /refundflow_http_requests_total\{method="GET",route="\/v1\/policies",status="200"\} \d+/,
      );
      assert.match(metrics.body, /process_cpu_user_seconds_total/);
    });

    it('serves an OpenAPI document covering every route, with bodies from the zod schemas', async () => {
      const doc = await call<{
        openapi: string;
        paths: Record<
          string,
          Record<
            string,
            {
              requestBody?: {
                content: Record<
                  string,
                  { schema: { properties?: Record<string, unknown>; required?: string[] } }
                >;
              };
              'x-roles'?: string[];
            }
          >
        >;
      }>(stack, 'GET', '/openapi.json');
      assert.equal(doc.status, 200);
      assert.equal(doc.body.openapi, '3.1.0');
      for (const route of MATRIX.filter((r) => r.path.startsWith('/v1'))) {
        const path = route.path
          .replace(MISSING, '{orderId}')
          .replace('proxy-strict', '{id}')
          .replace('inc-missing', '{incidentId}');
        assert.ok(
          doc.body.paths[path]?.[route.method.toLowerCase()],
          `${route.method} ${path} is documented`,
        );
      }
      assert.ok(doc.body.paths['/v1/webhooks/payments']?.post);
      const start = doc.body.paths['/v1/cases']!.post!;
      const schema = start.requestBody!.content['application/json']!.schema;
      assert.deepEqual(schema.required?.sort(), ['order', 'policyId']);
      assert.ok((schema.properties!.order as { properties: Record<string, unknown> }).properties.amountMinor);
      assert.deepEqual(start['x-roles'], ['admin', 'checkout']);
      const review =
        doc.body.paths['/v1/cases/{orderId}/technical-reviews']!.post!.requestBody!.content[
          'application/json'
        ]!.schema;
      assert.ok(review.properties!.outcome && !review.properties!.actor, 'actor is not part of the API body');
    });

    it('echoes request ids, logs them, and never logs a key', async () => {
      const lines: string[] = [];
      const sink = new Writable({
        write(chunk: Buffer, _enc, done) {
          lines.push(chunk.toString());
          done();
        },
      });
      const app = await buildApi({
        cases: stack.cases,
        apiKeys: stack.config.api.keys,
        logger: createLogger('info', sink),
        uiRoot: false,
      });
      try {
        const res = await app.inject({
          method: 'GET',
          url: '/v1/me',
          headers: { authorization: `Bearer ${KEYS.reviewer}`, 'x-request-id': 'req-test-42' },
        });
        assert.equal(res.statusCode, 200);
        assert.equal(res.headers['x-request-id'], 'req-test-42');
        const denied = await app.inject({
          method: 'GET',
          url: '/v1/outbox',
          headers: { authorization: `Bearer ${KEYS.checkout}` },
        });
        assert.equal(denied.statusCode, 403);
        assert.ok(denied.headers['x-request-id'], 'a fresh id when the caller sent none');
      } finally {
        await app.close();
      }
      const log = lines.join('');
      assert.match(log, /req-test-42/);
      for (const key of Object.values(KEYS)) assert.ok(!log.includes(key), 'no key in the logs');
    });
  });
});
