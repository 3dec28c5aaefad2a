import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../../config';
import { clientConnectionOptions, workerConnectionOptions } from '../../config/connection';
import { devServerEnv } from '../support/servers';

const KEYS = { REFUNDFLOW_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}` };

describe('config: Temporal connection options', () => {
  it('a local server: plain address, no TLS, no auth', () => {
    const temporal = loadConfig({ ...KEYS, TEMPORAL_ADDRESS: 'temporal:7233' }).temporal;
    assert.deepEqual(clientConnectionOptions(temporal), { address: 'temporal:7233' });
    assert.deepEqual(workerConnectionOptions(temporal), { address: 'temporal:7233' });
  });

  it('Temporal Cloud: apiKey, TLS on, and the temporal-namespace header', () => {
    const temporal = loadConfig({
      ...KEYS,
      TEMPORAL_ADDRESS: 'us-east-1.aws.api.temporal.io:7233',
      TEMPORAL_NAMESPACE: 'refunds.a1b2c',
      TEMPORAL_API_KEY: 'secret',
    }).temporal;
    for (const options of [clientConnectionOptions(temporal), workerConnectionOptions(temporal)]) {
      assert.deepEqual(options, {
        address: 'us-east-1.aws.api.temporal.io:7233',
        tls: true,
        apiKey: 'secret',
        metadata: { 'temporal-namespace': 'refunds.a1b2c' },
      });
    }
  });

  it('a self-hosted cluster with mTLS: certificate pair, CA and server name read from files', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'refundflow-tls-'));
    const files = { cert: 'client.pem', key: 'client.key', ca: 'ca.pem' };
    for (const [kind, name] of Object.entries(files)) writeFileSync(path.join(dir, name), `${kind} bytes`);
    const temporal = loadConfig({
      ...KEYS,
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_TLS_CERT_PATH: path.join(dir, files.cert),
      TEMPORAL_TLS_KEY_PATH: path.join(dir, files.key),
      TEMPORAL_TLS_CA_PATH: path.join(dir, files.ca),
      TEMPORAL_TLS_SERVER_NAME: 'frontend.temporal.internal',
    }).temporal;
    const options = workerConnectionOptions(temporal);
    assert.equal(options.apiKey, undefined);
    assert.ok(options.tls && typeof options.tls === 'object');
    assert.equal(Buffer.from(options.tls.clientCertPair?.crt ?? []).toString(), 'cert bytes');
    assert.equal(Buffer.from(options.tls.clientCertPair?.key ?? []).toString(), 'key bytes');
    assert.equal(Buffer.from(options.tls.serverRootCACertificate ?? []).toString(), 'ca bytes');
    assert.equal(options.tls.serverNameOverride, 'frontend.temporal.internal');
    assert.deepEqual(clientConnectionOptions(temporal), options);
  });

  it('both connection kinds connect to a real server with the options', async function () {
    this.timeout(60_000);
    const env = await devServerEnv();
    const temporal = loadConfig({ ...KEYS, TEMPORAL_ADDRESS: env.address }).temporal;
    const client = await Connection.connect(clientConnectionOptions(temporal));
    const native = await NativeConnection.connect(workerConnectionOptions(temporal));
    try {
      const info = await client.workflowService.getSystemInfo({});
      assert.ok(info.capabilities, 'the client connection reaches the frontend');
    } finally {
      await native.close();
      await client.close();
    }
  });
});
