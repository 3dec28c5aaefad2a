// Issue 16's fifth finding (and the codec server's fourth): nothing was bounded in time or rate.
// Each limit is shown on a real API listening on a real port, against the shared dev server:
// wrong keys are cut off early, every key has a budget, a slow body is closed, the codec server
// answers a keyless 15 MB upload before reading it, an update with no worker behind it ends in a
// 504, and the per-status counts are reused for a few seconds instead of recomputed per list.
import assert from 'node:assert/strict';
import net from 'node:net';
import { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { buildApi } from '../../client/api/app';
import { createLogger } from '../../config/logger';
import { EncryptionCodec } from '../../codec/codec';
import { buildDataConverter } from '../../codec/data-converter';
import { RefundCases } from '../../client/refund-client';
import { OrderSchema, getPreset } from '../../policies';
import type { ApiKey, EncryptionConfig } from '../../config';
import { CASE_STATUSES } from '../../workflows/case-state';
import { order, sharedKeyring } from '../api/stack';
import { devServerEnv, uniqueTaskQueue } from '../support/servers';

const KEYS: ApiKey[] = [
  { role: 'checkout', key: 'ck_limits_checkout_0001' },
  { role: 'support', key: 'sk_limits_support_0002' },
  { role: 'admin', key: 'ak_limits_admin_0003' },
];
const bearer = (role: string) => `Bearer ${KEYS.find((k) => k.role === role)!.key}`;
// The run's one keyring: this suite's cases share the dev server, and other suites list them.
const keyring: EncryptionConfig = sharedKeyring();

/** Sends raw bytes and resolves with what came back and how long until the server closed the socket. */
function rawRequest(
  url: string,
  head: string,
  body: string,
  waitMs: number,
): Promise<{ response: string; closedAfterMs?: number }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect({ host: hostname, port: Number(port) });
    let response = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ response });
    }, waitMs);
    socket.on('data', (d) => (response += d.toString()));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ response, closedAfterMs: Date.now() - started });
    });
    socket.write(head + body);
  });
}

describe('security: rate limits and timeouts on a real server', function () {
  this.timeout(120_000);
  let client: Client;
  let limited: { app: FastifyInstance; url: string };
  let timed: { app: FastifyInstance; url: string; cases: RefundCases };
  let countCalls = 0;

  before(async () => {
    const env = await devServerEnv();
    client = new Client({
      connection: env.client.connection,
      namespace: 'default',
      dataConverter: buildDataConverter(keyring),
    });
    const count = client.workflow.count.bind(client.workflow);
    // Counts the visibility calls the API makes (the real call still goes to the server).
    client.workflow.count = (query?: string) => {
      countCalls += 1;
      return count(query);
    };
    const base = { apiKeys: KEYS, logger: createLogger('silent'), uiRoot: false as const };
    const limitedApp = await buildApi({
      ...base,
      cases: new RefundCases(client, uniqueTaskQueue('limits-rate')),
      rateLimitPerMinute: 30,
      authFailuresPerMinute: 5,
    });
    limited = { app: limitedApp, url: await limitedApp.listen({ host: '127.0.0.1', port: 0 }) };
    // No worker polls this queue: an update waits for ever unless the client gives up.
    const cases = new RefundCases(client, uniqueTaskQueue('limits-no-worker'), { updateTimeoutMs: 2_000 });
    const timedApp = await buildApi({
      ...base,
      cases,
      codec: new EncryptionCodec(keyring),
      codecNamespaces: ['default'],
      requestTimeoutMs: 1_500,
    });
    timed = { app: timedApp, url: await timedApp.listen({ host: '127.0.0.1', port: 0 }), cases };
  });
  after(async () => {
    await limited?.app.close();
    await timed?.app.close();
  });

  it('cuts off wrong keys after a few: 401 five times, then 429 with Retry-After; a valid key from the same address still works', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      const res = await fetch(`${limited.url}/v1/me`, {
        headers: { authorization: `Bearer guess-${i}-0123456789abcdef` },
      });
      statuses.push(res.status);
      if (res.status === 429) {
        assert.ok(Number(res.headers.get('retry-after')) > 0, 'Retry-After in seconds');
        assert.match(((await res.json()) as { error: string }).error, /wrong key/);
      } else await res.arrayBuffer();
    }
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429]);
    assert.equal(
      (await fetch(`${limited.url}/v1/me`, { headers: { authorization: bearer('support') } })).status,
      200,
    );
  });

  it('gives every key its own budget per minute: the 31st call gets 429, another key is unaffected, /healthz is exempt', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 31; i += 1) {
      const res = await fetch(`${limited.url}/v1/policies`, {
        headers: { authorization: bearer('checkout') },
      });
      statuses.push(res.status);
      await res.arrayBuffer();
    }
    assert.deepEqual(statuses.slice(0, 30), Array(30).fill(200));
    assert.equal(statuses[30], 429);
    const over = await fetch(`${limited.url}/v1/policies`, {
      headers: { authorization: bearer('checkout') },
    });
    assert.equal(over.status, 429);
    assert.match(((await over.json()) as { error: string }).error, /rate limit exceeded/);
    assert.ok(over.headers.get('retry-after'));
    assert.equal(
      (await fetch(`${limited.url}/v1/policies`, { headers: { authorization: bearer('admin') } })).status,
      200,
    );
    for (let i = 0; i < 40; i += 1) assert.equal((await fetch(`${limited.url}/healthz`)).status, 200);
    // The gateway's webhooks have a budget of their own, ten times a key's: a burst of 35 is not cut.
    for (let i = 0; i < 35; i += 1) {
      const res = await fetch(`${limited.url}/v1/webhooks/payments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      assert.notEqual(res.status, 429, `webhook ${i + 1}`);
      await res.arrayBuffer();
    }
  });

  it('closes a request whose body trickles in (408), instead of holding the socket open', async () => {
    const { host } = new URL(timed.url);
    const head = `POST /v1/cases HTTP/1.1\r\nHost: ${host}\r\nAuthorization: ${bearer('checkout')}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`;
    const { response, closedAfterMs } = await rawRequest(timed.url, head, '{"policyId":', 15_000);
    assert.ok(closedAfterMs !== undefined, `the server closed the socket (got: ${response.slice(0, 100)})`);
    assert.ok(closedAfterMs < 8_000, `closed after ${closedAfterMs} ms (request timeout 1.5 s)`);
    assert.match(response, /^HTTP\/1\.1 408/);
  });

  it('the codec server refuses a keyless 15 MB upload from its headers alone, before any body byte arrives', async () => {
    const { host } = new URL(timed.url);
    const head = `POST /codec/decode HTTP/1.1\r\nHost: ${host}\r\nX-Namespace: default\r\nContent-Type: application/json\r\nContent-Length: ${15 * 1024 * 1024}\r\n\r\n`;
    const started = Date.now();
    const { response } = await rawRequest(timed.url, head, '', 5_000);
    assert.match(response, /^HTTP\/1\.1 401/, response.slice(0, 200));
    assert.ok(Date.now() - started < 5_000);
    // A staff key for another namespace is refused too, and so is encode for a non-admin.
    const body = JSON.stringify({ payloads: [] });
    const other = await fetch(`${timed.url}/codec/decode`, {
      method: 'POST',
      headers: {
        authorization: bearer('support'),
        'content-type': 'application/json',
        'x-namespace': 'payroll',
      },
      body,
    });
    assert.equal(other.status, 403);
    const encode = await fetch(`${timed.url}/codec/encode`, {
      method: 'POST',
      headers: {
        authorization: bearer('support'),
        'content-type': 'application/json',
        'x-namespace': 'default',
      },
      body,
    });
    assert.equal(encode.status, 403);
    const decode = await fetch(`${timed.url}/codec/decode`, {
      method: 'POST',
      headers: {
        authorization: bearer('support'),
        'content-type': 'application/json',
        'x-namespace': 'default',
      },
      body,
    });
    assert.equal(decode.status, 200);
  });

  it('gives up on an update the case cannot answer (no worker) with 504, within its deadline', async () => {
    const o = order();
    await timed.cases.start(getPreset('usage-prorata')!, OrderSchema.parse(o));
    const started = Date.now();
    const res = await fetch(`${timed.url}/v1/cases/${String(o.orderId)}/refund-requests`, {
      method: 'POST',
      headers: { authorization: bearer('checkout'), 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'changed_mind' }),
    });
    const elapsed = Date.now() - started;
    assert.equal(res.status, 504, await res.clone().text());
    assert.match(((await res.json()) as { error: string }).error, /did not answer within 2 s/);
    assert.ok(elapsed >= 1_500 && elapsed < 30_000, `answered after ${elapsed} ms (deadline 2 s)`);
    await client.workflow.getHandle(`refund-case-${String(o.orderId)}`).terminate('test over');
  });

  it('reuses the per-status counts for a few seconds: three lists cost one round of counts (and one total each)', async () => {
    // A customer no case has: other suites' cases on the shared server are sealed with other keys.
    const filtered = `${timed.url}/v1/cases?customerId=cus-limits-${Date.now()}`;
    countCalls = 0;
    for (let i = 0; i < 3; i += 1)
      assert.equal((await fetch(filtered, { headers: { authorization: bearer('support') } })).status, 200);
    // Each page counts its own total (the pages a person walks through must agree with it); the
    // per-status counts, one visibility call per status, are the cost the cache holds down.
    assert.equal(
      countCalls,
      CASE_STATUSES.length + 3,
      `one count per status and a total per list, for three lists (${countCalls} calls)`,
    );
    // Another filter is counted afresh.
    assert.equal(
      (await fetch(`${filtered}&escalated=true`, { headers: { authorization: bearer('support') } })).status,
      200,
    );
    assert.equal(countCalls, 2 * CASE_STATUSES.length + 4);
  });
});
