// docker-compose.yml cannot be started here (no Docker), so it is checked two ways: against the
// Compose Specification's JSON schema, and against the code — each Refundflow container's
// environment must load through config/index.ts, its ports and health checks must be the ones
// that config opens, and its command must be a file the build produces.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import draft7 from 'ajv/dist/refs/json-schema-draft-07.json';
import { parse } from 'yaml';
import { billingServiceConfig, billingServiceEnvSchema } from '../../activities/billing/main';
import { CONFIG_VARIABLES, loadConfig } from '../../config';
import { refundSearchAttributes } from '../../workflows/search-attributes';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  entrypoint?: string[] | string;
  environment?: Record<string, string | number | boolean | null> | string[];
  env_file?: string | Array<string | { path: string }>;
  ports?: Array<string | number | { target: number; published?: string | number }>;
  expose?: Array<string | number>;
  volumes?: Array<string | { source?: string; target: string }>;
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string[] | string; disable?: boolean };
  deploy?: { replicas?: number };
  container_name?: string;
  stop_grace_period?: string;
}
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

// Compose merges `<<:` keys before it validates, and so do we.
const compose = parse(read('docker-compose.yml'), { merge: true }) as Compose;
const services = compose.services;
/** The services built from this repository's Dockerfile: the ones whose settings our code reads. */
const ours = Object.entries(services).filter(([, s]) => s.build !== undefined);

/** The env files compose would read, taken from their committed *.env.example templates. */
function envFiles(service: Service): string[] {
  const entries =
    service.env_file === undefined
      ? []
      : Array.isArray(service.env_file)
        ? service.env_file
        : [service.env_file];
  return entries.map((e) => (typeof e === 'string' ? e : e.path));
}

/** Parses an env file as compose does for the forms we use: KEY=value, # comments, optional quotes. */
function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(trimmed);
    assert.ok(match, `not KEY=value: ${trimmed}`);
    env[match[1] as string] = (match[2] as string).replace(/^(['"])(.*)\1$/, '$2');
  }
  return env;
}

/** Where the temporal-tls volume is mounted in every container, and what the cert job writes there. */
const CERTS_MOUNT = '/certs/';
let certDir: string | undefined;
/** The certificates deploy/tls/generate-certs.sh makes, made here once (openssl, as in the job). */
function generatedCerts(): string {
  if (certDir) return certDir;
  const dir = mkdtempSync(path.join(tmpdir(), 'refundflow-certs-'));
  execFileSync('sh', [path.join(ROOT, 'deploy/tls/generate-certs.sh')], {
    env: { ...process.env, CERT_DIR: dir },
    stdio: 'pipe',
  });
  return (certDir = dir);
}

/** The environment a container of this service starts with: env files in order, then `environment`. */
function containerEnv(service: Service): Record<string, string> {
  const env: Record<string, string> = {};
  for (const file of envFiles(service)) Object.assign(env, parseEnvFile(read(`${file}.example`)));
  const inline = service.environment ?? {};
  const pairs = Array.isArray(inline) ? inline.map((kv) => kv.split(/=(.*)/s)) : Object.entries(inline);
  for (const [key, value] of pairs) env[key as string] = String(value ?? '');
  return env;
}

/** containerEnv with the mounted certificate paths pointing at the generated files, so loadConfig can read them. */
function loadableEnv(service: Service): Record<string, string> {
  const env = containerEnv(service);
  for (const [key, value] of Object.entries(env))
    if (value.startsWith(CERTS_MOUNT))
      env[key] = path.join(generatedCerts(), value.slice(CERTS_MOUNT.length));
  return env;
}

const asArray = (value: string[] | string | undefined) =>
  value === undefined ? [] : Array.isArray(value) ? value : value.split(/\s+/);
const healthText = (service: Service) => asArray(service.healthcheck?.test).join(' ');
const containerPorts = (service: Service) =>
  (service.ports ?? []).map((p) =>
    typeof p === 'object' ? p.target : Number(String(p).split(':').pop()?.split('/')[0]),
  );
const publishedPort = (service: Service, target: number) => {
  for (const p of service.ports ?? []) {
    if (typeof p === 'object' && p.target === target) return Number(p.published);
    const parts = String(p).split(':');
    if (parts.length >= 2 && Number(parts.at(-1)) === target) return Number(parts.at(-2));
  }
  return undefined;
};
const exposed = (service: Service) => (service.expose ?? []).map((p) => Number(String(p).split('/')[0]));
const seconds = (duration: string) => {
  const match = /^(\d+)(s|m)$/.exec(duration);
  assert.ok(match, `duration ${duration}`);
  return Number(match[1]) * (match[2] === 'm' ? 60 : 1);
};

/** Our processes that stand in for an outside system and have a configuration of their own. */
const standIns: Record<string, { variables: string[]; load: (env: NodeJS.ProcessEnv) => unknown }> = {
  'dist/activities/billing/main.js': {
    variables: Object.keys(billingServiceEnvSchema.shape),
    load: billingServiceConfig,
  },
};
const standInOf = (service: Service) => standIns[asArray(service.command)[1] ?? ''];
/** Our services that are clients of Temporal (the worker and the API): config/index.ts reads them. */
const temporalClients = ours.filter(([, s]) => !standInOf(s));

function serviceNamed(name: string): Service {
  const service = services[name];
  assert.ok(service, `docker-compose.yml has a ${name} service`);
  return service;
}
/** Our service whose command runs `entry` (e.g. dist/worker/main.js). */
function serviceRunning(entry: string): [string, Service] {
  const found = ours.find(([, s]) => asArray(s.command).includes(entry));
  assert.ok(found, `a service runs node ${entry}`);
  return found;
}

describe('deploy: docker-compose.yml', () => {
  it('is valid under the Compose Specification schema', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    // The schema names its meta-schema by the https address; Ajv knows draft-07 by the http one.
    ajv.addMetaSchema({ ...draft7, $id: 'https://json-schema.org/draft-07/schema' });
    const validate = ajv.compile(JSON.parse(read('test/deploy/compose-spec.schema.json')) as object);
    const valid = validate(compose);
    assert.ok(valid, JSON.stringify(validate.errors, null, 2));
    // And the schema is not a rubber stamp.
    assert.equal(validate({ services: { x: { image: 'a', ports: 'not-a-list', unknown_key: 1 } } }), false);
  });

  it('has the deployment the design names: Temporal on PostgreSQL, Web UI, worker, API, mail catcher, stripe-mock', () => {
    assert.match(serviceNamed('postgresql').image ?? '', /^postgres:/);
    assert.match(serviceNamed('temporal').image ?? '', /^temporalio\/server:/);
    assert.match(serviceNamed('temporal-ui').image ?? '', /^temporalio\/ui:/);
    assert.match(serviceNamed('mailpit').image ?? '', /^axllent\/mailpit:/);
    assert.match(serviceNamed('stripe-mock').image ?? '', /^stripe\/stripe-mock:/);
    serviceRunning('dist/worker/main.js');
    serviceRunning('dist/client/api/main.js');
    for (const [name, service] of Object.entries(services)) {
      if (service.image && service.build === undefined)
        assert.doesNotMatch(service.image, /:latest$|^[^:]+$/, `${name} pins a third-party image version`);
    }
  });

  it('every service has a health check, or is a one-shot job its dependants wait on to finish', () => {
    const awaitedToFinish = new Set<string>();
    for (const service of Object.values(services)) {
      if (service.depends_on && !Array.isArray(service.depends_on)) {
        for (const [name, dep] of Object.entries(service.depends_on))
          if (dep.condition === 'service_completed_successfully') awaitedToFinish.add(name);
      }
    }
    for (const [name, service] of Object.entries(services)) {
      if (service.healthcheck?.disable)
        assert.ok(
          awaitedToFinish.has(name),
          `${name} has no health check and nothing waits for it to finish`,
        );
      else assert.ok(healthText(service), `${name} has a health check`);
    }
  });

  it('every dependency is a service, and service_healthy waits only on services with a health check', () => {
    for (const [name, service] of Object.entries(services)) {
      const deps = Array.isArray(service.depends_on)
        ? service.depends_on.map((d) => [d, {}] as const)
        : Object.entries(service.depends_on ?? {});
      for (const [dep, { condition }] of deps as Array<readonly [string, { condition?: string }]>) {
        assert.ok(services[dep], `${name} depends on ${dep}, which is not a service`);
        if (condition === 'service_healthy')
          assert.ok(healthText(services[dep] as Service), `${name} waits for ${dep} to be healthy`);
      }
    }
  });

  it('the worker scales: replicas, no container name, no published ports, a grace period longer than its own', () => {
    const [, worker] = serviceRunning('dist/worker/main.js');
    assert.ok((worker.deploy?.replicas ?? 0) >= 1, 'deploy.replicas');
    assert.equal(worker.container_name, undefined);
    assert.equal(worker.ports, undefined);
    const config = loadConfig(loadableEnv(worker));
    assert.ok(worker.stop_grace_period, 'stop_grace_period is set');
    assert.ok(
      seconds(worker.stop_grace_period) * 1000 > config.process.shutdownGraceMs,
      'compose waits longer than the worker lets activities finish',
    );
  });

  describe('each Refundflow container against config/index.ts', () => {
    for (const [name, service] of ours) {
      it(`${name}: env files exist as committed templates, use only known variables, and load`, () => {
        for (const file of envFiles(service)) {
          assert.ok(existsSync(path.join(ROOT, `${file}.example`)), `${file}.example is committed`);
          assert.match(
            file,
            /^deploy\/env\/[a-z-]+\.env$/,
            `${file} is under deploy/env (its real copy is git-ignored)`,
          );
        }
        const env = containerEnv(service);
        const standIn = standInOf(service);
        const known = new Set<string>(standIn ? standIn.variables : CONFIG_VARIABLES);
        for (const key of Object.keys(env))
          assert.ok(known.has(key), `${name} sets ${key}, which its configuration does not read`);
        assert.doesNotThrow(() =>
          standIn ? standIn.load(loadableEnv(service)) : loadConfig(loadableEnv(service)),
        );
      });

      it(`${name}: its command is built from a TypeScript entry point`, () => {
        const command = asArray(service.command);
        assert.equal(command[0], 'node');
        const entry = command[1] ?? '';
        assert.match(entry, /^dist\/.+\.js$/);
        const source = entry.replace(/^dist\//, '').replace(/\.js$/, '.ts');
        assert.ok(
          existsSync(path.join(ROOT, source)),
          `${entry} is compiled from ${source}, which must exist`,
        );
      });
    }
  });

  it('the worker reaches the temporal service, on a port it exposes', () => {
    const [, worker] = serviceRunning('dist/worker/main.js');
    const { address } = loadConfig(loadableEnv(worker)).temporal;
    const [host, port] = address.split(':');
    assert.equal(host, 'temporal');
    assert.ok(exposed(serviceNamed('temporal')).includes(Number(port)), `temporal exposes ${port}`);
  });

  it('runs the Temporal server version make cluster builds and test/cluster proves (scripts/setup-tools.sh)', () => {
    const built = /^TEMPORAL_SERVER_VERSION="v([\d.]+)"/m.exec(read('scripts/setup-tools.sh'))?.[1];
    assert.ok(built, 'setup-tools.sh names the server version');
    for (const name of ['temporal', 'temporal-schema', 'temporal-namespace'])
      assert.equal(serviceNamed(name).image?.split(':')[1], built, `${name} runs ${built}`);
  });

  it('the workers share no volume: billing is a service on the network, with the key the billing service expects', () => {
    const [, worker] = serviceRunning('dist/worker/main.js');
    assert.deepEqual(
      (worker.volumes ?? []).map((v) => (typeof v === 'string' ? v : `${v.source}:${v.target}`)),
      ['temporal-tls:/certs:ro'],
      'only the certificates, read-only',
    );
    const config = loadConfig(loadableEnv(worker));
    assert.equal(config.billing.kind, 'http');
    assert.equal(config.payments.kind, 'stripe', 'the gateway is a network service too');
    assert.match(containerEnv(worker).REFUNDFLOW_DATABASE_URL ?? '', /^postgres:\/\/.*@postgresql:/);
    const url = new URL(config.billing.kind === 'http' ? config.billing.url : '');
    const [billingName, billing] = serviceRunning('dist/activities/billing/main.js');
    assert.equal(url.hostname, billingName);
    const served = billingServiceConfig(loadableEnv(billing));
    assert.equal(Number(url.port), served.port);
    assert.ok(exposed(billing).includes(served.port), 'the billing service exposes its port');
    assert.equal(config.billing.kind === 'http' && config.billing.apiKey, served.apiKey);
    assert.match(healthText(billing), new RegExp(`127\\.0\\.0\\.1:${served.port}/healthz`));
    assert.equal(
      (worker.depends_on as Record<string, { condition?: string }>)[billingName]?.condition,
      'service_healthy',
    );
    // The API feeds checkout's orders into the store the billing service serves: one volume, one file.
    const [, api] = serviceRunning('dist/client/api/main.js');
    const apiConfig = loadConfig(loadableEnv(api));
    assert.equal(apiConfig.billing.kind, 'embedded');
    // The case ledger: the workers write it and the API reads it in the same PostgreSQL database.
    assert.equal(config.ledger.kind, 'postgres');
    assert.deepEqual(apiConfig.ledger, config.ledger);
    const volumeAt = (s: Service, dir: string) =>
      (s.volumes ?? [])
        .map(String)
        .find((v) => v.split(':')[1] === dir)
        ?.split(':')[0];
    assert.equal(path.dirname(served.file), '/app/data');
    assert.equal(apiConfig.process.dataDir, '/app/data');
    assert.ok(volumeAt(billing, '/app/data'), 'the billing store is on a volume');
    assert.equal(volumeAt(api, '/app/data'), volumeAt(billing, '/app/data'));
  });

  it('the worker health check reads the metrics port it opens', () => {
    const [, worker] = serviceRunning('dist/worker/main.js');
    const { metricsPort } = loadConfig(loadableEnv(worker)).process;
    assert.ok(metricsPort > 0, 'the metrics endpoint is on in the deployment');
    assert.ok(
      exposed(worker).includes(metricsPort),
      'the metrics port is exposed to the network for scraping',
    );
    assert.match(healthText(worker), new RegExp(`127\\.0\\.0\\.1:${metricsPort}/metrics`));
  });

  it('the API listens on PORT, publishes it, and checks /healthz there', () => {
    const [, api] = serviceRunning('dist/client/api/main.js');
    const { port } = loadConfig(loadableEnv(api)).api;
    assert.deepEqual(containerPorts(api), [port]);
    assert.match(healthText(api), new RegExp(`127\\.0\\.0\\.1:${port}/healthz`));
  });

  it('the Web UI decodes through the API codec server, from an origin the API allows', () => {
    const [, api] = serviceRunning('dist/client/api/main.js');
    const ui = serviceNamed('temporal-ui');
    const uiEnv = containerEnv(ui);
    const apiPort = loadConfig(loadableEnv(api)).api.port;
    assert.equal(uiEnv.TEMPORAL_CODEC_ENDPOINT, `http://localhost:${publishedPort(api, apiPort)}/codec`);
    const uiOrigin = `http://localhost:${publishedPort(ui, 8080)}`;
    assert.ok(
      loadConfig(loadableEnv(api)).api.codecCorsOrigins.includes(uiOrigin),
      `${uiOrigin} is in REFUNDFLOW_CODEC_CORS_ORIGINS`,
    );
  });

  it('the namespace job creates the namespace the worker, the API and the UI use', () => {
    const namespace = containerEnv(serviceNamed('temporal-namespace')).TEMPORAL_NAMESPACE;
    for (const [name, service] of temporalClients)
      assert.equal(loadConfig(loadableEnv(service)).temporal.namespace, namespace, name);
    assert.equal(containerEnv(serviceNamed('temporal-ui')).TEMPORAL_DEFAULT_NAMESPACE, namespace);
  });

  it('the namespace job registers exactly the search attributes the workflow upserts', () => {
    const script = read('deploy/temporal/setup-namespace.sh');
    const registered = [...script.matchAll(/^\s+(Refund\w+):(\w+)/gm)]
      .map((m) => `${m[1]}:${(m[2] as string).toLowerCase()}`)
      .sort();
    const upserted = refundSearchAttributes.map((k) => `${k.name}:${String(k.type).toLowerCase()}`).sort();
    assert.deepEqual(registered, upserted);
  });

  it('the one-shot jobs run scripts that are in deploy/temporal and mounted', () => {
    for (const name of ['temporal-schema', 'temporal-namespace']) {
      const service = serviceNamed(name);
      const script = asArray(service.command).find((part) => part.startsWith('/setup/'));
      assert.ok(script, `${name} runs a /setup script`);
      assert.ok(
        existsSync(path.join(ROOT, 'deploy/temporal', path.basename(script))),
        `${script} exists in deploy/temporal`,
      );
      assert.ok(
        (service.volumes ?? []).some(
          (v) => typeof v === 'string' && v.startsWith('./deploy/temporal:/setup'),
        ),
        `${name} mounts deploy/temporal`,
      );
    }
  });

  it('the Dockerfile builds what the commands run: dist/ from tsc and the workflow bundle', () => {
    const dockerfile = read('Dockerfile');
    assert.match(dockerfile, /^RUN npm ci\b/m);
    assert.match(dockerfile, /^RUN npm run build$/m);
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    assert.match(pkg.scripts.build ?? '', /tsc -p tsconfig\.build\.json/);
    assert.match(pkg.scripts.build ?? '', /scripts\/build-workflow-bundle\.ts/);
    assert.match(read('scripts/build-workflow-bundle.ts'), /'dist', 'workflow-bundle\.js'/);
    const tsconfig = JSON.parse(read('tsconfig.json')) as {
      compilerOptions: { outDir: string; rootDir: string };
    };
    assert.equal(tsconfig.compilerOptions.outDir, 'dist', 'dist/<path>.js mirrors <path>.ts');
    assert.equal(tsconfig.compilerOptions.rootDir, '.');
    assert.match(dockerfile, /^COPY --from=build \/app\/dist \.\/dist$/m);
    const ignored = read('.dockerignore');
    assert.match(ignored, /^deploy\/env\/\*\.env$/m, 'secrets stay out of the image');
  });

  describe('locked down (issue 16)', () => {
    const mounts = (service: Service) =>
      (service.volumes ?? []).map((v) => (typeof v === 'string' ? v : `${v.source}:${v.target}`));
    /** Every container that talks to Temporal's frontend, and the variables naming its client certificate. */
    const clients = (): [string, Service, string[]][] => [
      ...temporalClients.map(([name, s]): [string, Service, string[]] => [
        name,
        s,
        ['TEMPORAL_TLS_CERT_PATH', 'TEMPORAL_TLS_KEY_PATH', 'TEMPORAL_TLS_CA_PATH'],
      ]),
      [
        'temporal-ui',
        serviceNamed('temporal-ui'),
        ['TEMPORAL_TLS_CERT', 'TEMPORAL_TLS_KEY', 'TEMPORAL_TLS_CA'],
      ],
      [
        'temporal-namespace',
        serviceNamed('temporal-namespace'),
        ['TEMPORAL_TLS_CLIENT_CERT_PATH', 'TEMPORAL_TLS_CLIENT_KEY_PATH', 'TEMPORAL_TLS_SERVER_CA_CERT_PATH'],
      ],
    ];

    it('the frontend requires a client certificate signed by the deployment CA (mTLS), in the configuration make cluster runs', () => {
      const server = containerEnv(serviceNamed('temporal'));
      // deploy/temporal/config.yaml (shared with make cluster) turns on frontend TLS with these and requires client certificates.
      const config = readFileSync(
        path.join(__dirname, '..', '..', 'deploy', 'temporal', 'config.yaml'),
        'utf8',
      );
      assert.match(
        config,
        /if env "TEMPORAL_TLS_FRONTEND_CERT"[\s\S]*requireClientAuth: true[\s\S]*TEMPORAL_TLS_CLIENT_CA_CERT/,
      );
      assert.equal(server.TEMPORAL_SERVER_CONFIG_FILE_PATH, '/etc/temporal/refundflow/config.yaml');
      for (const key of [
        'TEMPORAL_TLS_FRONTEND_CERT',
        'TEMPORAL_TLS_FRONTEND_KEY',
        'TEMPORAL_TLS_CLIENT_CA_CERT',
        'TEMPORAL_TLS_SYSTEM_WORKER_CERT',
        'TEMPORAL_TLS_SYSTEM_WORKER_KEY',
      ])
        assert.ok(
          existsSync(path.join(generatedCerts(), (server[key] ?? '').replace(CERTS_MOUNT, ''))),
          `${key} names a file the cert job writes`,
        );
      assert.ok(mounts(serviceNamed('temporal')).includes('temporal-tls:/certs:ro'));
      const deps = serviceNamed('temporal').depends_on as Record<string, { condition?: string }>;
      assert.equal(deps['temporal-certs']?.condition, 'service_completed_successfully');
    });

    it('every client of the frontend presents its own certificate from the mounted volume, verifying the server as "temporal"', () => {
      const seen = new Set<string>();
      for (const [name, service, [cert, key, ca]] of clients()) {
        const env = containerEnv(service);
        assert.ok(
          mounts(service).includes('temporal-tls:/certs:ro'),
          `${name} mounts the certificates read-only`,
        );
        for (const variable of [cert!, key!, ca!]) {
          assert.ok(env[variable]?.startsWith(CERTS_MOUNT), `${name} sets ${variable}`);
          assert.ok(
            existsSync(path.join(generatedCerts(), env[variable]!.slice(CERTS_MOUNT.length))),
            `${name}: ${env[variable]} is written by the cert job`,
          );
        }
        assert.equal(env.TEMPORAL_TLS_SERVER_NAME, 'temporal', `${name} verifies the server name`);
        if (temporalClients.some(([n]) => n === name))
          assert.ok(
            loadConfig(loadableEnv(service)).temporal.tls?.clientCertPath,
            `${name}: config/index.ts turns mTLS on`,
          );
        seen.add(env[cert!]!);
      }
      assert.ok(seen.size >= 3, 'clients do not share one certificate');
    });

    it("the generated certificates do mTLS: the server's certificate names temporal, a client's is accepted, none is refused", async () => {
      const dir = generatedCerts();
      const file = (name: string) => readFileSync(path.join(dir, name));
      assert.equal(
        existsSync(path.join(dir, 'ca.key')),
        false,
        'the CA key is gone: the volume cannot mint certificates',
      );
      const serverCert = new X509Certificate(file('server.pem'));
      assert.match(serverCert.subjectAltName ?? '', /DNS:temporal/);
      assert.ok(serverCert.verify(new X509Certificate(file('ca.pem')).publicKey), 'signed by the CA');
      const server = tls.createServer(
        {
          cert: file('server.pem'),
          key: file('server.key'),
          ca: file('ca.pem'),
          requestCert: true,
          rejectUnauthorized: true,
        },
        (socket) => socket.end('ok'),
      );
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const port = (server.address() as { port: number }).port;
      const connect = (options: tls.ConnectionOptions) =>
        new Promise<string>((resolve, reject) => {
          const socket = tls.connect(
            { host: '127.0.0.1', port, servername: 'temporal', ca: file('ca.pem'), ...options },
            () => undefined,
          );
          let data = '';
          socket.on('data', (d) => (data += d.toString()));
          socket.on('end', () => resolve(data));
          socket.on('error', reject);
        });
      try {
        assert.equal(await connect({ cert: file('worker.pem'), key: file('worker.key') }), 'ok');
        await assert.rejects(connect({}), 'a client without a certificate is refused');
      } finally {
        server.close();
      }
    });

    it('the Web UI cannot write and listens on loopback only (no OIDC here); mailpit needs a password and is loopback only', () => {
      const ui = serviceNamed('temporal-ui');
      const env = containerEnv(ui);
      assert.equal(env.TEMPORAL_DISABLE_WRITE_ACTIONS, 'true');
      if (env.TEMPORAL_AUTH_ENABLED !== 'true')
        for (const p of ui.ports ?? [])
          assert.match(String(p), /^127\.0\.0\.1:/, `the UI port ${String(p)} is bound to loopback`);
      const mailpit = serviceNamed('mailpit');
      for (const p of mailpit.ports ?? [])
        assert.match(String(p), /^127\.0\.0\.1:/, `mailpit's port ${String(p)} is bound to loopback`);
      assert.match(
        containerEnv(mailpit).MP_UI_AUTH ?? '',
        /^\S+:\S+/,
        'mailpit asks for a user and password',
      );
    });
  });

  it('declares the named volumes it mounts', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const volume of service.volumes ?? []) {
        const source = typeof volume === 'string' ? volume.split(':')[0] : volume.source;
        if (source && !source.startsWith('.') && !source.startsWith('/'))
          assert.ok(
            compose.volumes && source in compose.volumes,
            `${name} mounts undeclared volume ${source}`,
          );
      }
    }
  });
});
