import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { apiKeyAuthorizer, codecServer } from '../../client/api/codec-server';
import { EncryptionCodec } from '../../codec/codec';
import type { ApiKey } from '../../config';

const UI_ORIGIN = 'http://localhost:8233';
const KEYS: ApiKey[] = [
  { role: 'checkout', key: 'checkout-key-0001' },
  { role: 'support', key: 'support-key-0001' },
  { role: 'reviewer', key: 'reviewer-key-0001' },
  { role: 'admin', key: 'admin-key-0001' },
];
const codec = new EncryptionCodec({
  activeKeyId: 'k1',
  keys: new Map([['k1', new Uint8Array(randomBytes(32))]]),
});

/** A payload in the protocol's JSON form: every bytes field base64. */
function jsonPayload(value: unknown) {
  const payload = defaultPayloadConverter.toPayload(value);
  return {
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
    ),
    data: Buffer.from(payload.data ?? []).toString('base64'),
  };
}
const fromBase64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

describe('codec: codec server for the Temporal Web UI and CLI', () => {
  let app: FastifyInstance;

  before(async () => {
    app = Fastify();
    await app.register(codecServer, { codec, authorize: apiKeyAuthorizer(KEYS), corsOrigins: [UI_ORIGIN] });
    await app.ready();
  });
  after(() => app.close());

  const post = (path: string, body: unknown, authorization?: string) =>
    app.inject({
      method: 'POST',
      url: path,
      headers: {
        'content-type': 'application/json',
        'x-namespace': 'default',
        ...(authorization ? { authorization } : {}),
      },
      payload: JSON.stringify(body),
    });

  it('refuses a request without a key (401), with an unknown key (401), and for the checkout role (403)', async () => {
    const body = { payloads: [jsonPayload('x')] };
    for (const path of ['/codec/encode', '/codec/decode']) {
      assert.equal((await post(path, body)).statusCode, 401, `${path} without a key`);
      assert.equal(
        (await post(path, body, 'Bearer not-a-key')).statusCode,
        401,
        `${path} with an unknown key`,
      );
      assert.equal(
        (await post(path, body, 'Basic support-key-0001')).statusCode,
        401,
        `${path} with another scheme`,
      );
      assert.equal(
        (await post(path, body, 'Bearer checkout-key-0001')).statusCode,
        403,
        `${path} for checkout`,
      );
    }
  });

  it('seals only for admin: support and reviewer keys get 403 on /codec/encode (a sealed payload is a message the workflow trusts)', async () => {
    for (const key of ['support-key-0001', 'reviewer-key-0001']) {
      const refused = await post(
        '/codec/encode',
        { payloads: [jsonPayload({ incidentId: 'forged' })] },
        `Bearer ${key}`,
      );
      assert.equal(refused.statusCode, 403, refused.body);
      assert.match(refused.json<{ error: string }>().error, /admin/);
    }
  });

  it('encodes for admin and decodes for support, reviewer and admin keys', async () => {
    const customer = { email: 'jane.doe@example.com', note: 'refund please' };
    for (const key of ['support-key-0001', 'reviewer-key-0001', 'admin-key-0001']) {
      const encoded = await post(
        '/codec/encode',
        { payloads: [jsonPayload(customer), jsonPayload(undefined)] },
        'Bearer admin-key-0001',
      );
      assert.equal(encoded.statusCode, 200, encoded.body);
      const sealed = encoded.json<{ payloads: Array<{ metadata: Record<string, string>; data: string }> }>()
        .payloads;
      assert.equal(sealed.length, 2);
      assert.equal(fromBase64(sealed[0]?.metadata.encoding ?? ''), 'binary/encrypted');
      assert.equal(fromBase64(sealed[0]?.metadata['encryption-key-id'] ?? ''), 'k1');
      assert.ok(!fromBase64(sealed[0]?.data ?? '').includes(customer.email));

      const decoded = await post('/codec/decode', { payloads: sealed }, `bearer ${key}`);
      assert.equal(decoded.statusCode, 200, decoded.body);
      const opened = decoded.json<{ payloads: Array<{ metadata: Record<string, string>; data?: string }> }>()
        .payloads;
      assert.equal(fromBase64(opened[0]?.metadata.encoding ?? ''), 'json/plain');
      assert.deepEqual(JSON.parse(fromBase64(opened[0]?.data ?? '')), customer);
      assert.equal(fromBase64(opened[1]?.metadata.encoding ?? ''), 'binary/null');
    }
  });

  it('decodes what the worker-side codec sealed (same protocol both ways), a deflated long payload too', async () => {
    const long = { orderId: 'o-8', rules: Array.from({ length: 40 }, (_, i) => ({ id: `r${i}`, days: i })) };
    const [sealed, sealedLong] = await codec.encode([
      defaultPayloadConverter.toPayload({ orderId: 'o-7' }),
      defaultPayloadConverter.toPayload(long),
    ]);
    assert.ok((sealedLong?.data?.length ?? 0) < JSON.stringify(long).length / 2, 'the long one is deflated');
    const body = {
      payloads: [sealed, sealedLong].map((payload) => ({
        metadata: Object.fromEntries(
          Object.entries(payload?.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
        ),
        data: Buffer.from(payload?.data ?? []).toString('base64'),
      })),
    };
    const response = await post('/codec/decode', body, 'Bearer support-key-0001');
    assert.equal(response.statusCode, 200);
    const opened = response.json<{ payloads: Array<{ data: string }> }>().payloads;
    assert.deepEqual(
      opened.map((p) => JSON.parse(fromBase64(p.data)) as unknown),
      [{ orderId: 'o-7' }, long],
    );
  });

  it('answers 400 to a body that is not the protocol, and 422 to a payload it cannot open', async () => {
    assert.equal((await post('/codec/decode', { payload: [] }, 'Bearer support-key-0001')).statusCode, 400);
    assert.equal(
      (
        await post(
          '/codec/decode',
          { payloads: [{ metadata: { encoding: 'not base64!' } }] },
          'Bearer support-key-0001',
        )
      ).statusCode,
      400,
    );
    const foreign = {
      metadata: {
        encoding: Buffer.from('binary/encrypted').toString('base64'),
        'encryption-key-id': Buffer.from('k-unknown').toString('base64'),
      },
      data: randomBytes(64).toString('base64'),
    };
    const response = await post('/codec/decode', { payloads: [foreign] }, 'Bearer support-key-0001');
    assert.equal(response.statusCode, 422);
    const error = response.json<{ error: string }>().error;
    assert.match(error, /k-unknown/);
    assert.ok(!error.includes('k1'), `the keys the server holds are not listed: ${error}`);
  });

  it('logs the caller, the namespace and the workflow of every decode, refuses another namespace, and checks the key before the body', async () => {
    const lines: string[] = [];
    const logged = Fastify({
      loggerInstance: pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }) as never,
    });
    await logged.register(codecServer, {
      codec,
      authorize: apiKeyAuthorizer(KEYS, { namespaces: ['default'] }),
      corsOrigins: [UI_ORIGIN],
    });
    try {
      const [sealed] = await codec.encode([defaultPayloadConverter.toPayload({ orderId: 'o-9' })]);
      const body = JSON.stringify({
        payloads: [
          {
            metadata: Object.fromEntries(
              Object.entries(sealed!.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
            ),
            data: Buffer.from(sealed!.data ?? []).toString('base64'),
          },
        ],
      });
      const headers = {
        'content-type': 'application/json',
        authorization: 'Bearer reviewer-key-0001',
        'x-namespace': 'default',
        referer: 'http://localhost:8233/namespaces/default/workflows/refund-case-o-9/run-1/history',
      };
      const ok = await logged.inject({ method: 'POST', url: '/codec/decode', headers, payload: body });
      assert.equal(ok.statusCode, 200);
      const audit = lines
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((l) => l.msg === 'codec request');
      assert.ok(audit, lines.join('\n'));
      assert.match(String(audit.caller), /^reviewer:key-[0-9a-f]{16}$/);
      assert.equal(audit.workflowId, 'refund-case-o-9');
      assert.equal(audit.namespace, 'default');
      const other = await logged.inject({
        method: 'POST',
        url: '/codec/decode',
        headers: { ...headers, 'x-namespace': 'payroll' },
        payload: body,
      });
      assert.equal(other.statusCode, 403);
      // Not JSON at all, and no key: 401, not 400 — the body was never parsed.
      const keyless = await logged.inject({
        method: 'POST',
        url: '/codec/decode',
        headers: { 'content-type': 'application/json' },
        payload: '{not json',
      });
      assert.equal(keyless.statusCode, 401);
    } finally {
      await logged.close();
    }
  });

  it('answers the Web UI preflight for its origin, with the headers the UI sends', async () => {
    const response = await app.inject({
      method: 'OPTIONS',
      url: '/codec/decode',
      headers: {
        origin: UI_ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,x-namespace',
      },
    });
    assert.equal(response.statusCode, 204);
    assert.equal(response.headers['access-control-allow-origin'], UI_ORIGIN);
    assert.equal(response.headers['access-control-allow-credentials'], 'true');
    const allowed = String(response.headers['access-control-allow-headers']).toLowerCase();
    for (const header of ['authorization', 'content-type', 'x-namespace'])
      assert.ok(allowed.includes(header), `${header} allowed`);
  });

  it('grants no CORS to another origin', async () => {
    const response = await app.inject({
      method: 'OPTIONS',
      url: '/codec/decode',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(response.headers['access-control-allow-origin'], undefined);
  });

  it('takes the API’s own authorize callback', async () => {
    const seen: Array<string | undefined> = [];
    const custom = Fastify();
    await custom.register(codecServer, {
      codec,
      corsOrigins: [UI_ORIGIN],
      authorize: async (header) => {
        seen.push(header);
        return header === 'Bearer oidc-token' ? 'allowed' : 'forbidden';
      },
    });
    try {
      const body = JSON.stringify({ payloads: [jsonPayload(1)] });
      const ok = await custom.inject({
        method: 'POST',
        url: '/codec/encode',
        headers: { 'content-type': 'application/json', authorization: 'Bearer oidc-token' },
        payload: body,
      });
      assert.equal(ok.statusCode, 200);
      const no = await custom.inject({
        method: 'POST',
        url: '/codec/encode',
        headers: { 'content-type': 'application/json' },
        payload: body,
      });
      assert.equal(no.statusCode, 403);
      assert.deepEqual(seen, ['Bearer oidc-token', undefined]);
    } finally {
      await custom.close();
    }
  });
});
