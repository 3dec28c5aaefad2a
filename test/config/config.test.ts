import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildActivityDeps } from '../../activities';
import { CONFIG_VARIABLES, ConfigError, loadConfig, type ConfigVariable } from '../../config';
import { activityConfigFrom } from '../../worker/main';

const KEY_A = Buffer.alloc(32, 0xa1).toString('base64');
const KEY_B = Buffer.alloc(32, 0xb2).toString('base64');
/** The one variable without a default: everything else may be left out. */
const MINIMAL = { REFUNDFLOW_ENCRYPTION_KEYS: `k1:${KEY_A}` };

/** Asserts that loading fails and that the error names `variable` in the operator's format. */
function assertRejects(env: Record<string, string>, variable: ConfigVariable, pattern?: RegExp): ConfigError {
  let caught: unknown;
  try {
    loadConfig(env);
  } catch (error) {
    caught = error;
  }
  assert.ok(
    caught instanceof ConfigError,
    `expected a ConfigError naming ${variable}, got ${String(caught)}`,
  );
  const issue = caught.issues.find((i) => i.variable === variable);
  assert.ok(issue, `no issue names ${variable}; issues: ${JSON.stringify(caught.issues)}`);
  assert.match(caught.message, new RegExp(`^\\s+${variable}: `, 'm'));
  if (pattern) assert.match(issue.message, pattern);
  return caught;
}

describe('config: loadConfig from the environment', () => {
  it('runs on defaults with only an encryption key set', () => {
    const config = loadConfig(MINIMAL);
    assert.deepEqual(
      {
        address: config.temporal.address,
        namespace: config.temporal.namespace,
        taskQueue: config.temporal.taskQueue,
        tls: config.temporal.tls,
      },
      { address: 'localhost:7233', namespace: 'default', taskQueue: 'refund-cases', tls: undefined },
    );
    assert.equal(config.api.port, 8080);
    assert.deepEqual(config.api.keys, []);
    assert.equal(config.email.kind, 'outbox');
    assert.equal(config.payments.kind, 'sandbox');
    assert.equal(config.billing.kind, 'embedded');
    assert.equal(config.process.metricsPort, 9464);
    assert.equal(config.process.logLevel, 'info');
    assert.equal(config.process.dataDir, path.resolve('data'));
    assert.equal(config.encryption.activeKeyId, 'k1');
    assert.deepEqual([...(config.encryption.keys.get('k1') ?? [])], [...Buffer.from(KEY_A, 'base64')]);
  });

  it('treats an empty value (FOO= in an env file) as unset', () => {
    const config = loadConfig({ ...MINIMAL, PORT: '', TEMPORAL_ADDRESS: '  ', REFUNDFLOW_EMAIL: '' });
    assert.equal(config.api.port, 8080);
    assert.equal(config.temporal.address, 'localhost:7233');
    assert.equal(config.email.kind, 'outbox');
  });

  describe('names the variable of every missing or malformed value', () => {
    const cases: Array<[string, Record<string, string>, ConfigVariable, RegExp?]> = [
      ['no encryption keys', {}, 'REFUNDFLOW_ENCRYPTION_KEYS', /required/],
      [
        'a key of 16 bytes',
        { REFUNDFLOW_ENCRYPTION_KEYS: `k1:${Buffer.alloc(16).toString('base64')}` },
        'REFUNDFLOW_ENCRYPTION_KEYS',
        /32 bytes/,
      ],
      [
        'a key that is not base64',
        { REFUNDFLOW_ENCRYPTION_KEYS: `k1:${'*'.repeat(44)}` },
        'REFUNDFLOW_ENCRYPTION_KEYS',
        /32 bytes/,
      ],
      [
        'a key without id',
        { REFUNDFLOW_ENCRYPTION_KEYS: KEY_A },
        'REFUNDFLOW_ENCRYPTION_KEYS',
        /keyId:base64/,
      ],
      [
        'a key id twice',
        { REFUNDFLOW_ENCRYPTION_KEYS: `k1:${KEY_A},k1:${KEY_B}` },
        'REFUNDFLOW_ENCRYPTION_KEYS',
        /twice/,
      ],
      [
        'several keys, none active',
        { REFUNDFLOW_ENCRYPTION_KEYS: `k1:${KEY_A},k2:${KEY_B}` },
        'REFUNDFLOW_ENCRYPTION_KEY_ID',
        /several keys/,
      ],
      [
        'an active key that is not listed',
        { ...MINIMAL, REFUNDFLOW_ENCRYPTION_KEY_ID: 'k9' },
        'REFUNDFLOW_ENCRYPTION_KEY_ID',
        /k9/,
      ],
      ['a port that is not a number', { ...MINIMAL, PORT: 'http' }, 'PORT', /port number/],
      ['a port out of range', { ...MINIMAL, PORT: '70000' }, 'PORT', /65535/],
      [
        'a metrics port out of range',
        { ...MINIMAL, REFUNDFLOW_METRICS_PORT: '-1' },
        'REFUNDFLOW_METRICS_PORT',
      ],
      [
        'an address that is a URL',
        { ...MINIMAL, TEMPORAL_ADDRESS: 'http://temporal:7233' },
        'TEMPORAL_ADDRESS',
        /host:port/,
      ],
      [
        'a TLS flag that is not boolean',
        { ...MINIMAL, TEMPORAL_TLS: 'yes' },
        'TEMPORAL_TLS',
        /true or false/,
      ],
      [
        'TLS off with an API key',
        { ...MINIMAL, TEMPORAL_TLS: 'false', TEMPORAL_API_KEY: 'k' },
        'TEMPORAL_TLS',
      ],
      [
        'a certificate file that does not exist',
        {
          ...MINIMAL,
          TEMPORAL_TLS_CERT_PATH: '/nonexistent/client.pem',
          TEMPORAL_TLS_KEY_PATH: '/nonexistent/client.key',
        },
        'TEMPORAL_TLS_CERT_PATH',
        /cannot read/,
      ],
      [
        'a CA file that does not exist',
        { ...MINIMAL, TEMPORAL_TLS_CA_PATH: '/nonexistent/ca.pem' },
        'TEMPORAL_TLS_CA_PATH',
        /cannot read/,
      ],
      [
        'an API key entry without a role',
        { ...MINIMAL, REFUNDFLOW_API_KEYS: 'justakey' },
        'REFUNDFLOW_API_KEYS',
        /role:key/,
      ],
      [
        'an API key with an unknown role',
        { ...MINIMAL, REFUNDFLOW_API_KEYS: 'root:abcdefghijklmnop' },
        'REFUNDFLOW_API_KEYS',
        /unknown role/,
      ],
      [
        'one API key under two roles',
        { ...MINIMAL, REFUNDFLOW_API_KEYS: 'support:abcdefghijklmnop,admin:abcdefghijklmnop' },
        'REFUNDFLOW_API_KEYS',
        /repeats/,
      ],
      [
        'an API key shorter than 16 characters',
        { ...MINIMAL, REFUNDFLOW_API_KEYS: 'admin:fifteen-chars-k' },
        'REFUNDFLOW_API_KEYS',
        /shorter than 16/,
      ],
      [
        'a rate limit that is not a number',
        { ...MINIMAL, REFUNDFLOW_RATE_LIMIT: 'lots' },
        'REFUNDFLOW_RATE_LIMIT',
        /requests per minute/,
      ],
      [
        'a metrics key shorter than 16 characters',
        { ...MINIMAL, REFUNDFLOW_METRICS_KEY: 'scrape' },
        'REFUNDFLOW_METRICS_KEY',
        /16/,
      ],
      [
        'a plaintext flag that is not a boolean',
        { ...MINIMAL, REFUNDFLOW_CODEC_ACCEPT_PLAINTEXT: 'maybe' },
        'REFUNDFLOW_CODEC_ACCEPT_PLAINTEXT',
        /true or false/,
      ],
      [
        'a CORS origin with a path',
        { ...MINIMAL, REFUNDFLOW_CODEC_CORS_ORIGINS: 'https://ui.example.com/namespaces' },
        'REFUNDFLOW_CODEC_CORS_ORIGINS',
      ],
      [
        'an unknown email adapter',
        { ...MINIMAL, REFUNDFLOW_EMAIL: 'pigeon' },
        'REFUNDFLOW_EMAIL',
        /outbox or smtp/,
      ],
      [
        'smtp without SMTP_URL',
        { ...MINIMAL, REFUNDFLOW_EMAIL: 'smtp', SMTP_FROM: 'a@b.co', REFUNDFLOW_SUPPORT_EMAIL: 's@b.co' },
        'SMTP_URL',
        /REFUNDFLOW_EMAIL=smtp/,
      ],
      [
        'smtp with an http URL',
        {
          ...MINIMAL,
          REFUNDFLOW_EMAIL: 'smtp',
          SMTP_URL: 'http://mail:25',
          SMTP_FROM: 'a@b.co',
          REFUNDFLOW_SUPPORT_EMAIL: 's@b.co',
        },
        'SMTP_URL',
        /smtp:\/\//,
      ],
      [
        'smtp without a sender',
        {
          ...MINIMAL,
          REFUNDFLOW_EMAIL: 'smtp',
          SMTP_URL: 'smtp://mail:1025',
          REFUNDFLOW_SUPPORT_EMAIL: 's@b.co',
        },
        'SMTP_FROM',
      ],
      [
        'smtp without a support address',
        { ...MINIMAL, REFUNDFLOW_EMAIL: 'smtp', SMTP_URL: 'smtp://mail:1025', SMTP_FROM: 'a@b.co' },
        'REFUNDFLOW_SUPPORT_EMAIL',
      ],
      [
        'a support address that is not one',
        { ...MINIMAL, REFUNDFLOW_SUPPORT_EMAIL: 'support' },
        'REFUNDFLOW_SUPPORT_EMAIL',
        /email/,
      ],
      [
        'an unknown payments adapter',
        { ...MINIMAL, REFUNDFLOW_PAYMENTS: 'cash' },
        'REFUNDFLOW_PAYMENTS',
        /sandbox or stripe/,
      ],
      [
        'stripe without a key',
        { ...MINIMAL, REFUNDFLOW_PAYMENTS: 'stripe', REFUNDFLOW_WEBHOOK_SECRET: 'whsec_x' },
        'STRIPE_API_KEY',
        /REFUNDFLOW_PAYMENTS=stripe/,
      ],
      [
        'stripe with a publishable key',
        {
          ...MINIMAL,
          REFUNDFLOW_PAYMENTS: 'stripe',
          STRIPE_API_KEY: 'pk_test_1',
          REFUNDFLOW_WEBHOOK_SECRET: 'whsec_x',
        },
        'STRIPE_API_KEY',
        /sk_/,
      ],
      [
        'stripe with a key of neither mode',
        {
          ...MINIMAL,
          REFUNDFLOW_PAYMENTS: 'stripe',
          STRIPE_API_KEY: 'sk_1',
          REFUNDFLOW_WEBHOOK_SECRET: 'whsec_x',
        },
        'STRIPE_API_KEY',
        /sk_test_/,
      ],
      [
        'stripe without a webhook secret',
        { ...MINIMAL, REFUNDFLOW_PAYMENTS: 'stripe', STRIPE_API_KEY: 'sk_test_1' },
        'REFUNDFLOW_WEBHOOK_SECRET',
      ],
      [
        'a stripe base that is not a URL',
        {
          ...MINIMAL,
          REFUNDFLOW_PAYMENTS: 'stripe',
          STRIPE_API_KEY: 'sk_test_1',
          REFUNDFLOW_WEBHOOK_SECRET: 'whsec_x',
          STRIPE_API_BASE: 'stripe-mock:12111',
        },
        'STRIPE_API_BASE',
      ],
      [
        'a sandbox webhook secret too short',
        { ...MINIMAL, REFUNDFLOW_WEBHOOK_SECRET: 'short' },
        'REFUNDFLOW_WEBHOOK_SECRET',
        /16/,
      ],
      [
        'an unknown billing adapter',
        { ...MINIMAL, REFUNDFLOW_BILLING: 'ledger' },
        'REFUNDFLOW_BILLING',
        /embedded or http/,
      ],
      [
        'http billing without a URL',
        { ...MINIMAL, REFUNDFLOW_BILLING: 'http' },
        'BILLING_URL',
        /REFUNDFLOW_BILLING=http/,
      ],
      ['an unknown log level', { ...MINIMAL, LOG_LEVEL: 'verbose' }, 'LOG_LEVEL', /trace, debug/],
      [
        'a grace period in minutes',
        { ...MINIMAL, REFUNDFLOW_SHUTDOWN_GRACE_SECONDS: '5m' },
        'REFUNDFLOW_SHUTDOWN_GRACE_SECONDS',
      ],
      [
        'a cache size that is not a number',
        { ...MINIMAL, REFUNDFLOW_MAX_CACHED_WORKFLOWS: 'lots' },
        'REFUNDFLOW_MAX_CACHED_WORKFLOWS',
        /number of workflows/,
      ],
      [
        'a negative cache size',
        { ...MINIMAL, REFUNDFLOW_MAX_CACHED_WORKFLOWS: '-1' },
        'REFUNDFLOW_MAX_CACHED_WORKFLOWS',
      ],
    ];
    for (const [title, env, variable, pattern] of cases) {
      it(`${title} → ${variable}`, () => {
        assertRejects(env, variable, pattern);
      });
    }
  });

  it('a certificate without its key names the missing one', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'refundflow-config-'));
    const cert = path.join(dir, 'client.pem');
    writeFileSync(cert, 'not really a certificate');
    assertRejects(
      { ...MINIMAL, TEMPORAL_TLS_CERT_PATH: cert },
      'TEMPORAL_TLS_KEY_PATH',
      /TEMPORAL_TLS_CERT_PATH/,
    );
  });

  it('lists every bad variable at once', () => {
    const error = assertRejects({ PORT: 'x', LOG_LEVEL: 'loud', REFUNDFLOW_BILLING: 'http' }, 'PORT');
    assert.deepEqual(error.issues.map((i) => i.variable).sort(), [
      'BILLING_URL',
      'LOG_LEVEL',
      'PORT',
      'REFUNDFLOW_ENCRYPTION_KEYS',
    ]);
  });

  it('never echoes key material in an error', () => {
    const secret = Buffer.alloc(20, 0x5e).toString('base64');
    const error = assertRejects(
      { REFUNDFLOW_ENCRYPTION_KEYS: `k1:${secret}`, REFUNDFLOW_API_KEYS: `${secret}:admin` },
      'REFUNDFLOW_API_KEYS',
    );
    assert.ok(!error.message.includes(secret.slice(0, 8)), error.message);
  });

  it('an API key implies TLS (Temporal Cloud)', () => {
    const config = loadConfig({
      ...MINIMAL,
      TEMPORAL_ADDRESS: 'us-east-1.aws.api.temporal.io:7233',
      TEMPORAL_NAMESPACE: 'refunds.a1b2c',
      TEMPORAL_API_KEY: 'key',
    });
    assert.deepEqual(config.temporal.tls, {
      clientCertPath: undefined,
      clientKeyPath: undefined,
      serverCaPath: undefined,
      serverName: undefined,
    });
    assert.equal(config.temporal.apiKey, 'key');
  });

  it('TEMPORAL_TLS=true turns on TLS with the system trust store', () => {
    assert.ok(loadConfig({ ...MINIMAL, TEMPORAL_TLS: 'true' }).temporal.tls);
  });

  it('reads the adapters each variant needs', () => {
    const config = loadConfig({
      ...MINIMAL,
      REFUNDFLOW_EMAIL: 'smtp',
      SMTP_URL: 'smtp://mailpit:1025',
      SMTP_FROM: 'Refunds <refunds@example.com>',
      REFUNDFLOW_SUPPORT_EMAIL: 'support@example.com',
      REFUNDFLOW_PAYMENTS: 'stripe',
      STRIPE_API_KEY: 'sk_test_123',
      STRIPE_API_BASE: 'http://stripe-mock:12111',
      REFUNDFLOW_WEBHOOK_SECRET: 'whsec_test',
      REFUNDFLOW_BILLING: 'http',
      BILLING_URL: 'https://billing.example.com/v1',
      BILLING_API_KEY: 'bk',
      REFUNDFLOW_API_KEYS:
        'checkout:c-key-0123456789ab, support:s-key-0123456789ab,reviewer:r-key:with-colon-0123',
      LOG_LEVEL: 'DEBUG',
    });
    assert.deepEqual(config.email, {
      kind: 'smtp',
      url: 'smtp://mailpit:1025',
      from: 'Refunds <refunds@example.com>',
      supportAddress: 'support@example.com',
    });
    assert.deepEqual(config.payments, {
      kind: 'stripe',
      apiKey: 'sk_test_123',
      apiBase: 'http://stripe-mock:12111',
      webhookSecret: 'whsec_test',
    });
    assert.deepEqual(config.billing, { kind: 'http', url: 'https://billing.example.com/v1', apiKey: 'bk' });
    assert.deepEqual(config.api.keys, [
      { role: 'checkout', key: 'c-key-0123456789ab' },
      { role: 'support', key: 's-key-0123456789ab' },
      { role: 'reviewer', key: 'r-key:with-colon-0123' },
    ]);
    assert.equal(config.process.logLevel, 'debug');
  });

  it('reads where the stores workers share live: the sent-log database, the gateway and billing files', () => {
    const config = loadConfig({
      ...MINIMAL,
      REFUNDFLOW_EMAIL: 'smtp',
      SMTP_URL: 'smtp://mail:25',
      SMTP_FROM: 'refunds@example.com',
      REFUNDFLOW_SUPPORT_EMAIL: 'support@example.com',
      REFUNDFLOW_DATABASE_URL: 'postgres://refundflow:pw@db:5432/refundflow',
      REFUNDFLOW_GATEWAY_FILE: 'provider/gateway.sqlite',
      REFUNDFLOW_BILLING_FILE: '/srv/provider/billing.sqlite',
    });
    assert.equal(
      config.email.kind === 'smtp' && config.email.sentLogUrl,
      'postgres://refundflow:pw@db:5432/refundflow',
    );
    assert.equal(
      config.payments.kind === 'sandbox' && config.payments.file,
      path.resolve('provider/gateway.sqlite'),
    );
    assert.equal(config.billing.kind === 'embedded' && config.billing.file, '/srv/provider/billing.sqlite');
    assert.throws(
      () =>
        loadConfig({
          ...MINIMAL,
          REFUNDFLOW_EMAIL: 'smtp',
          SMTP_URL: 'smtp://mail:25',
          SMTP_FROM: 'a@b.c',
          REFUNDFLOW_SUPPORT_EMAIL: 'a@b.c',
          REFUNDFLOW_DATABASE_URL: 'mysql://db/x',
        }),
      /REFUNDFLOW_DATABASE_URL: must be a postgres:\/\/ URL/,
    );
  });

  it('workers on several hosts: the gateway by URL and billing over HTTP, never a gateway file and URL at once', () => {
    const config = loadConfig({
      ...MINIMAL,
      REFUNDFLOW_GATEWAY_URL: 'http://gateway:12112',
      REFUNDFLOW_BILLING: 'http',
      BILLING_URL: 'http://billing:8090',
      BILLING_API_KEY: 'billing-key-0123456789',
    });
    assert.deepEqual(config.payments.kind === 'sandbox' && [config.payments.url, config.payments.file], [
      'http://gateway:12112',
      undefined,
    ]);
    assert.equal(config.billing.kind === 'http' && config.billing.url, 'http://billing:8090');
    assertRejects(
      { ...MINIMAL, REFUNDFLOW_GATEWAY_URL: 'http://gateway:12112', REFUNDFLOW_GATEWAY_FILE: 'g.sqlite' },
      'REFUNDFLOW_GATEWAY_URL',
      /not both/,
    );
    assertRejects(
      { ...MINIMAL, REFUNDFLOW_GATEWAY_URL: 'gateway:12112' },
      'REFUNDFLOW_GATEWAY_URL',
      /http\(s\) URL/,
    );
  });

  it('keeps rotated-out keys for decryption and encrypts with the active one', () => {
    const config = loadConfig({
      REFUNDFLOW_ENCRYPTION_KEYS: `2025-01:${KEY_A}, 2026-01:${KEY_B}`,
      REFUNDFLOW_ENCRYPTION_KEY_ID: '2026-01',
    });
    assert.equal(config.encryption.activeKeyId, '2026-01');
    assert.deepEqual([...config.encryption.keys.keys()], ['2025-01', '2026-01']);
  });

  it('worker versioning: on with a deployment name, AUTO_UPGRADE by default; bad values named', () => {
    assert.deepEqual(loadConfig(MINIMAL).versioning, { enabled: false });
    assert.deepEqual(loadConfig({ ...MINIMAL, REFUNDFLOW_DEPLOYMENT_NAME: 'refundflow' }).versioning, {
      enabled: true,
      deploymentName: 'refundflow',
      buildId: undefined,
      defaultBehavior: 'AUTO_UPGRADE',
      setCurrentVersion: true,
    });
    const pinned = loadConfig({
      ...MINIMAL,
      REFUNDFLOW_DEPLOYMENT_NAME: 'refundflow',
      REFUNDFLOW_BUILD_ID: '2026-11-30.1',
      REFUNDFLOW_VERSIONING_BEHAVIOR: 'PINNED',
      REFUNDFLOW_SET_CURRENT_VERSION: 'false',
    }).versioning;
    assert.ok(pinned.enabled);
    assert.deepEqual(
      [pinned.buildId, pinned.defaultBehavior, pinned.setCurrentVersion],
      ['2026-11-30.1', 'PINNED', false],
    );
    assertRejects(
      { ...MINIMAL, REFUNDFLOW_BUILD_ID: 'b1' },
      'REFUNDFLOW_DEPLOYMENT_NAME',
      /required with REFUNDFLOW_BUILD_ID/,
    );
    // A dot would make deploymentName.buildId ambiguous.
    assertRejects(
      { ...MINIMAL, REFUNDFLOW_DEPLOYMENT_NAME: 'refund.flow' },
      'REFUNDFLOW_DEPLOYMENT_NAME',
      /no dots/,
    );
    assertRejects(
      { ...MINIMAL, REFUNDFLOW_DEPLOYMENT_NAME: 'rf', REFUNDFLOW_VERSIONING_BEHAVIOR: 'SOMETIMES' },
      'REFUNDFLOW_VERSIONING_BEHAVIOR',
      /AUTO_UPGRADE or PINNED/,
    );
  });

  it('docs/CONFIGURATION.md documents exactly the variables the code reads', () => {
    const doc = readFileSync(path.resolve(__dirname, '../../docs/CONFIGURATION.md'), 'utf8');
    const documented = new Set([...doc.matchAll(/^\| `([A-Z][A-Z0-9_]+)` +\|/gm)].map((m) => m[1]));
    assert.deepEqual([...documented].sort(), [...CONFIG_VARIABLES].sort());
  });
});

describe('config: adapter settings are validated once, where they are read', () => {
  // What loadConfig accepts must open every adapter: the factory has no rules of its own, so
  // nothing that passed at boot fails later under another name.
  const dataDir = mkdtempSync(path.join(tmpdir(), 'refundflow-adapters-'));
  const accepted: [string, Record<string, string>][] = [
    ['the embedded defaults', { ...MINIMAL }],
    [
      'SMTP, Stripe (live restricted key) and billing over HTTP',
      {
        ...MINIMAL,
        REFUNDFLOW_EMAIL: 'smtp',
        SMTP_URL: 'smtps://user%40shop:p%40ss@mail.example.com',
        SMTP_FROM: 'Refunds <refunds@example.com>',
        REFUNDFLOW_SUPPORT_EMAIL: 'support@example.com',
        REFUNDFLOW_PAYMENTS: 'stripe',
        STRIPE_API_KEY: 'rk_live_0123456789',
        REFUNDFLOW_WEBHOOK_SECRET: 'whsec_test',
        REFUNDFLOW_BILLING: 'http',
        BILLING_URL: 'https://billing.example.com/v1',
      },
    ],
    ['the sandbox gateway over HTTP', { ...MINIMAL, REFUNDFLOW_GATEWAY_URL: 'http://gateway.internal:8090' }],
  ];
  after(() => rmSync(dataDir, { recursive: true, force: true }));
  for (const [title, env] of accepted) {
    it(`${title}: accepted at boot, and the adapters open`, async () => {
      const config = loadConfig({ ...env, REFUNDFLOW_DATA_DIR: dataDir });
      const deps = buildActivityDeps(activityConfigFrom(config));
      assert.equal(typeof deps.payments.createRefund, 'function');
      await deps.close();
    });
  }

  it('a Stripe key the adapter could not use is refused at boot, naming STRIPE_API_KEY (not payments.apiKey)', () => {
    const error = assertRejects(
      {
        ...MINIMAL,
        REFUNDFLOW_PAYMENTS: 'stripe',
        STRIPE_API_KEY: 'sk_abc',
        REFUNDFLOW_WEBHOOK_SECRET: 'whsec_x',
      },
      'STRIPE_API_KEY',
    );
    assert.doesNotMatch(error.message, /payments\.apiKey/);
  });
});
