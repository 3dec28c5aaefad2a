import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Client } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import {
  COMPRESS_FROM_BYTES,
  ENCRYPTED_ENCODING,
  ENCRYPTION_KEY_ID_METADATA,
  EncryptionCodec,
  PayloadDecryptionError,
  REFUSED_PAYLOAD,
  generateEncryptionKey,
  isEncryptedPayload,
} from '../../codec/codec';
import { DICTIONARY_V1 } from '../../codec/compression-dictionary';
import { buildDataConverter } from '../../codec/data-converter';
import { loadConfig, type EncryptionConfig } from '../../config';
import { isRefusedPayload } from '../../workflows/messages';
import { nameQuery, namedThing, renameUpdate } from '../fixtures/foundation-workflows';
import { devServerEnv, uniqueTaskQueue, workflowBundle } from '../support/servers';
import { plaintextNeedles, readablePayloads } from './history-scan';

const OLD = new Uint8Array(randomBytes(32));
const NEW = new Uint8Array(randomBytes(32));
const keyring = (activeKeyId: string, keys: Record<string, Uint8Array>): EncryptionConfig => ({
  activeKeyId,
  keys: new Map(Object.entries(keys)),
});

const customer = {
  orderId: 'o-1001',
  email: 'jane.doe@example.com',
  description: 'proxy IPs blocked since Monday',
};
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');

describe('codec: AES-256-GCM payload encryption', () => {
  it('round-trips a payload, sealed with the active key id and the encrypted encoding', async () => {
    const codec = new EncryptionCodec(keyring('2026-01', { '2026-01': NEW }));
    const plain = defaultPayloadConverter.toPayload(customer);
    const [sealed] = await codec.encode([plain]);
    assert.ok(sealed);
    assert.equal(text(sealed.metadata?.encoding), ENCRYPTED_ENCODING);
    assert.equal(text(sealed.metadata?.[ENCRYPTION_KEY_ID_METADATA]), '2026-01');
    assert.deepEqual(
      Object.keys(sealed.metadata ?? {}).sort(),
      ['encoding', ENCRYPTION_KEY_ID_METADATA].sort(),
      'the original metadata is sealed too',
    );
    assert.ok(isEncryptedPayload(sealed));
    for (const secret of [customer.email, customer.description, 'json/plain'])
      assert.ok(!text(sealed.data).includes(secret), `${secret} is not readable`);
    const [opened] = await codec.decode([sealed]);
    assert.deepEqual(defaultPayloadConverter.fromPayload(opened as Payload), customer);
    assert.equal(text(opened?.metadata?.encoding), 'json/plain');
  });

  it('uses a fresh nonce for every payload', async () => {
    const codec = new EncryptionCodec(keyring('k', { k: NEW }));
    const plain = defaultPayloadConverter.toPayload(customer);
    const [a, b] = await codec.encode([plain, plain]);
    assert.notDeepEqual(Buffer.from(a?.data ?? []), Buffer.from(b?.data ?? []));
  });

  it('never repeats a nonce across thousands of payloads (past every refill of its pool), and each opens', async () => {
    const codec = new EncryptionCodec(keyring('k', { k: NEW }));
    const plain = defaultPayloadConverter.toPayload(customer);
    const sealed = [
      ...(await codec.encode(Array.from({ length: 1_500 }, () => plain))),
      ...(await codec.encode(Array.from({ length: 1_500 }, () => plain))),
    ];
    const nonces = new Set(
      sealed.map((p) =>
        Buffer.from(p.data ?? [])
          .subarray(0, 12)
          .toString('hex'),
      ),
    );
    assert.equal(nonces.size, sealed.length);
    const opened = await codec.decode(sealed);
    assert.ok(opened.every((p) => text(p.data) === text(plain.data)));
  });

  it('after rotation, history sealed with the old key still opens, and new payloads use the new key', async () => {
    const before = new EncryptionCodec(keyring('2025-01', { '2025-01': OLD }));
    const after = new EncryptionCodec(keyring('2026-01', { '2025-01': OLD, '2026-01': NEW }));
    const [oldSealed] = await before.encode([defaultPayloadConverter.toPayload(customer)]);
    const [opened] = await after.decode([oldSealed as Payload]);
    assert.deepEqual(defaultPayloadConverter.fromPayload(opened as Payload), customer);
    const [newSealed] = await after.encode([defaultPayloadConverter.toPayload(customer)]);
    assert.equal(text(newSealed?.metadata?.[ENCRYPTION_KEY_ID_METADATA]), '2026-01');
  });

  it('a payload sealed with a key this process does not have fails, naming the key', async () => {
    const [sealed] = await new EncryptionCodec(keyring('2024-01', { '2024-01': OLD })).encode([
      defaultPayloadConverter.toPayload(customer),
    ]);
    const codec = new EncryptionCodec(keyring('2026-01', { '2026-01': NEW }));
    await assert.rejects(codec.decode([sealed as Payload]), (error: unknown) => {
      assert.ok(error instanceof PayloadDecryptionError);
      assert.match(error.message, /key 2024-01, which this process does not have/);
      assert.match(error.message, /REFUNDFLOW_ENCRYPTION_KEYS/);
      return true;
    });
  });

  it('tampered ciphertext fails authentication', async () => {
    const codec = new EncryptionCodec(keyring('k', { k: NEW }));
    const [sealed] = await codec.encode([defaultPayloadConverter.toPayload(customer)]);
    const data = Buffer.from(sealed?.data ?? []);
    data[20] = (data[20] ?? 0) ^ 0x01;
    await assert.rejects(codec.decode([{ ...sealed, data }]), (error: unknown) => {
      assert.ok(error instanceof PayloadDecryptionError);
      assert.match(error.message, /failed authentication/);
      return true;
    });
  });

  it('a payload relabelled with another known key id fails (the key id is authenticated)', async () => {
    const codec = new EncryptionCodec(keyring('a', { a: OLD, b: OLD }));
    const [sealed] = await codec.encode([defaultPayloadConverter.toPayload(customer)]);
    const relabelled = {
      ...sealed,
      metadata: { ...sealed?.metadata, [ENCRYPTION_KEY_ID_METADATA]: Buffer.from('b') },
    };
    await assert.rejects(codec.decode([relabelled]), PayloadDecryptionError);
  });

  it('a truncated payload fails clearly', async () => {
    const codec = new EncryptionCodec(keyring('k', { k: NEW }));
    const [sealed] = await codec.encode([defaultPayloadConverter.toPayload(customer)]);
    await assert.rejects(codec.decode([{ ...sealed, data: sealed?.data?.subarray(0, 10) }]), /truncated/);
  });

  it('refuses an unsealed payload: decode gives the refused marker, never the forged value, and never throws', async () => {
    const codec = new EncryptionCodec(keyring('k', { k: NEW }));
    const forged = defaultPayloadConverter.toPayload({ incidentId: 'forged', actor: { role: 'reviewer' } });
    const [decoded] = await codec.decode([forged, defaultPayloadConverter.toPayload(null)]);
    assert.deepEqual(defaultPayloadConverter.fromPayload(decoded!), { $refused: 'unsealed payload' });
    assert.deepEqual(await codec.decode([forged]), [REFUSED_PAYLOAD]);
    assert.equal(isRefusedPayload(defaultPayloadConverter.fromPayload(decoded!)), true);
  });

  it('with the migration flag (REFUNDFLOW_CODEC_ACCEPT_PLAINTEXT=true), payloads written before encryption pass through unchanged', async () => {
    const plain = defaultPayloadConverter.toPayload('written before encryption was on');
    assert.deepEqual(
      await new EncryptionCodec(keyring('k', { k: NEW }), { acceptPlaintext: true }).decode([plain]),
      [plain],
    );
    const config = loadConfig({
      REFUNDFLOW_ENCRYPTION_KEYS: generateEncryptionKey('k'),
      REFUNDFLOW_CODEC_ACCEPT_PLAINTEXT: 'true',
    });
    assert.deepEqual(await new EncryptionCodec(config.encryption).decode([plain]), [plain]);
    const strict = loadConfig({ REFUNDFLOW_ENCRYPTION_KEYS: generateEncryptionKey('k') });
    assert.equal(strict.encryption.acceptPlaintext, false, 'off unless set');
    assert.deepEqual(await new EncryptionCodec(strict.encryption).decode([plain]), [REFUSED_PAYLOAD]);
  });

  it('an error for a missing key names only the payload key id, never the keys this process holds', async () => {
    const codec = new EncryptionCodec(keyring('held-key', { 'held-key': NEW }));
    const [sealed] = await new EncryptionCodec(keyring('other', { other: OLD })).encode([
      defaultPayloadConverter.toPayload(customer),
    ]);
    await assert.rejects(
      codec.decode([sealed!]),
      (err: Error) => /other/.test(err.message) && !err.message.includes('held-key'),
    );
  });

  it('deflates a long payload inside the seal: smaller, and it opens to the same value and metadata', async () => {
    const codec = new EncryptionCodec(keyring('k', { k: NEW }));
    // A start input's shape: JSON that repeats its keys.
    const long = {
      ...customer,
      rules: Array.from({ length: 30 }, (_, i) => ({ id: `r${i}`, days: i, businessDays: true })),
    };
    const plain = defaultPayloadConverter.toPayload(long);
    const plainBytes = temporal.api.common.v1.Payload.encode(plain).finish().length;
    assert.ok(plainBytes >= COMPRESS_FROM_BYTES, `a long payload (${plainBytes} B)`);
    const [sealed] = await codec.encode([plain]);
    assert.ok(isEncryptedPayload(sealed as Payload));
    assert.ok(
      (sealed?.data?.length ?? 0) < plainBytes / 2,
      `sealed ${sealed?.data?.length} B of ${plainBytes} B`,
    );
    for (const secret of [customer.email, customer.description, 'json/plain'])
      assert.ok(!text(sealed?.data).includes(secret), `${secret} is not readable`);
    const [opened] = await codec.decode([sealed as Payload]);
    assert.deepEqual(defaultPayloadConverter.fromPayload(opened as Payload), long);
    assert.equal(text(opened?.metadata?.encoding), 'json/plain');
  });

  it('seals a short payload or one that does not deflate (random bytes) as it is (IV, plaintext, tag)', async () => {
    const codec = new EncryptionCodec(keyring('k', { k: NEW }));
    const short = defaultPayloadConverter.toPayload({ orderId: 'o-1' });
    const random = defaultPayloadConverter.toPayload(new Uint8Array(randomBytes(600)));
    for (const plain of [short, random]) {
      const plainBytes = temporal.api.common.v1.Payload.encode(plain).finish().length;
      const [sealed] = await codec.encode([plain]);
      assert.equal(sealed?.data?.length, 12 + plainBytes + 16);
      assert.deepEqual(await codec.decode([sealed as Payload]), [
        temporal.api.common.v1.Payload.decode(temporal.api.common.v1.Payload.encode(plain).finish()),
      ]);
    }
  });

  it('the deflate dictionary is frozen: payloads sealed with it open only with these exact bytes', () => {
    // Changing it would make every payload sealed with it unreadable: add a new version and mark instead.
    assert.equal(
      createHash('sha256').update(DICTIONARY_V1).digest('hex'),
      'c1749bd4af414c9b7c21a9e0bcdd894cdfd0ea61316dc30f2cbdeae5dcf5357c',
    );
  });

  it('deflates a short payload of a known shape too (an email input): the dictionary holds its keys', async () => {
    const codec = new EncryptionCodec(keyring('k', { k: NEW }));
    const input = {
      orderId: 'o-42',
      customerId: 'c-42',
      kind: 'payout_sent',
      idempotencyKey: 'refund-case-o-42:email:payout-sent-1',
      data: { amountMinor: 1500, currency: 'EUR', orderId: 'o-42' },
    };
    const plain = defaultPayloadConverter.toPayload(input);
    const plainBytes = temporal.api.common.v1.Payload.encode(plain).finish().length;
    const [sealed] = await codec.encode([plain]);
    assert.ok(
      (sealed?.data?.length ?? 0) - 28 < plainBytes * 0.6,
      `${sealed?.data?.length} B sealed of ${plainBytes} B`,
    );
    assert.deepEqual(
      defaultPayloadConverter.fromPayload((await codec.decode([sealed as Payload]))[0] as Payload),
      input,
    );
  });

  it('a long payload sealed before compression (by the release before it) still opens', async () => {
    const fixture = JSON.parse(
      readFileSync(path.join(__dirname, 'fixtures', 'sealed-before-compression.json'), 'utf8'),
    ) as {
      keyId: string;
      key: string;
      value: unknown;
      sealed: { metadata: Record<string, string>; data: string };
    };
    const bytes = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));
    const sealed: Payload = {
      metadata: Object.fromEntries(Object.entries(fixture.sealed.metadata).map(([k, v]) => [k, bytes(v)])),
      data: bytes(fixture.sealed.data),
    };
    assert.ok(
      (sealed.data?.length ?? 0) - 28 >= COMPRESS_FROM_BYTES,
      'long enough that it would be deflated now',
    );
    const codec = new EncryptionCodec(keyring('new', { new: NEW, [fixture.keyId]: bytes(fixture.key) }));
    const [opened] = await codec.decode([sealed]);
    assert.deepEqual(defaultPayloadConverter.fromPayload(opened as Payload), fixture.value);
  });

  it('tampering with a deflated payload fails authentication, before anything is inflated', async () => {
    const codec = new EncryptionCodec(keyring('k', { k: NEW }));
    const long = { note: 'x'.repeat(2_000) };
    const [sealed] = await codec.encode([defaultPayloadConverter.toPayload(long)]);
    const data = Buffer.from(sealed?.data ?? []);
    data[14] = (data[14] ?? 0) ^ 0xff;
    await assert.rejects(codec.decode([{ ...sealed, data }]), PayloadDecryptionError);
  });

  it('generateEncryptionKey makes an entry loadConfig accepts', () => {
    const entry = generateEncryptionKey('2026-07');
    const config = loadConfig({ REFUNDFLOW_ENCRYPTION_KEYS: entry });
    assert.equal(config.encryption.activeKeyId, '2026-07');
    assert.equal(config.encryption.keys.get('2026-07')?.length, 32);
    assert.throws(() => generateEncryptionKey('bad id'), /may only hold/);
  });

  it('on a real server, a history holds no readable customer data, and the keyed client reads it back', async function () {
    this.timeout(120_000);
    const env = await devServerEnv();
    const dataConverter = buildDataConverter(
      loadConfig({ REFUNDFLOW_ENCRYPTION_KEYS: generateEncryptionKey('k1') }).encryption,
    );
    const client = new Client({ connection: env.connection, dataConverter });
    const taskQueue = uniqueTaskQueue('codec-history');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(require.resolve('../fixtures/foundation-workflows')),
      dataConverter,
    });
    const handle = await worker.runUntil(async () => {
      const started = await client.workflow.start(namedThing, {
        taskQueue,
        workflowId: `${taskQueue}-wf`,
        args: [customer.email],
      });
      assert.equal(
        await started.executeUpdate(renameUpdate, { args: [customer.description] }),
        customer.email,
      );
      assert.equal(await started.query(nameQuery), customer.description);
      assert.equal(await started.result(), `${taskQueue}-wf:${customer.description}`);
      return started;
    });
    const history = await handle.fetchHistory();
    assert.ok((history.events?.length ?? 0) > 3);
    assert.deepEqual(readablePayloads(history), [], 'every payload in history is sealed');
    assert.deepEqual(plaintextNeedles(history, [customer.email, customer.description]), []);
    // The scan is not vacuous: without the codec, the same workflow leaves the data readable.
    const plainClient = new Client({ connection: env.connection });
    const plainQueue = uniqueTaskQueue('codec-history-plain');
    const plainWorker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: plainQueue,
      workflowBundle: await workflowBundle(require.resolve('../fixtures/foundation-workflows')),
    });
    const plainHistory = await plainWorker.runUntil(async () => {
      const started = await plainClient.workflow.start(namedThing, {
        taskQueue: plainQueue,
        workflowId: `${plainQueue}-wf`,
        args: [customer.email],
      });
      await started.executeUpdate(renameUpdate, { args: [customer.description] });
      await started.result();
      return started.fetchHistory();
    });
    assert.ok(readablePayloads(plainHistory).length > 0);
    assert.deepEqual(plaintextNeedles(plainHistory, [customer.email, customer.description]), [
      customer.email,
      customer.description,
    ]);
  });
});
