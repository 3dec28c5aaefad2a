// Refundflow's production topology on one machine (`make cluster`, test/cluster): the compose
// deployment's services as processes on loopback.
//   PostgreSQL (its own unprivileged user, data and port) → schema creation and migration
//   (deploy/temporal/setup-postgres.sh) → the Temporal services history, matching, frontend and
//   worker, each its own process from deploy/temporal/config.yaml, the frontend behind mTLS →
//   namespace and search attributes (deploy/temporal/setup-namespace.sh) → the stand-ins for the
//   outside world, each a network service as the real one is (a mail server; the sandbox payment
//   gateway served over HTTP with its settler; the billing store served over billing/openapi.json)
//   → the API and N worker processes, each worker with a data folder of its own.
// Workers share nothing but Temporal, PostgreSQL (the SMTP sent-log) and those services, reached
// over the network with the adapters a real deployment uses — no file. Everything persists under
// the data folder, so a restart finds every case where it was. stop() takes it down in reverse.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import {
  SandboxGatewaySettler,
  embeddedFiles,
  startBillingService,
  startSandboxGatewayService,
  type RunningService,
} from '../activities';
import { loadConfig, type Config } from '../config';
import { DEFAULT_TASK_QUEUE } from '../config/defaults';
import { clientConnectionOptions } from '../config/connection';
import { ensureSecrets } from '../stack/secrets';
import { startMailCatcher } from './mail-catcher';
import {
  CLUSTER_MARKER,
  GaveUp,
  ManagedChild,
  freeLowPort,
  portInUse,
  run,
  stopStale,
  waitFor,
} from './processes';

const ROOT = path.resolve(__dirname, '..');
const TOOLS_BIN = path.join(ROOT, '.tools', 'bin');
const TEMPORAL_SERVER = path.join(TOOLS_BIN, 'temporal-server');
const SQL_TOOL = path.join(TOOLS_BIN, 'temporal-sql-tool');
const SCHEMA_DIR = path.join(ROOT, '.tools', 'temporal-schema', 'postgresql', 'v12');
const DEPLOY = path.join(ROOT, 'deploy', 'temporal');

export const TEMPORAL_SERVICES = ['history', 'matching', 'frontend', 'worker'] as const;
export type TemporalService = (typeof TEMPORAL_SERVICES)[number];

export interface ClusterPorts {
  postgres: number;
  frontend: number;
  frontendHttp: number;
  frontendMembership: number;
  history: number;
  historyMembership: number;
  matching: number;
  matchingMembership: number;
  worker: number;
  workerMembership: number;
  api: number;
  smtp: number;
  gateway: number;
  billing: number;
}

/** Ports of a cluster beside others (tests, benchmarks): free ones, all below 32768. */
export async function freeClusterPorts(): Promise<ClusterPorts> {
  const taken = new Set<number>();
  const ports = {} as ClusterPorts;
  for (const name of Object.keys(DEFAULT_PORTS) as (keyof ClusterPorts)[]) {
    ports[name] = await freeLowPort(taken);
    taken.add(ports[name]);
  }
  return ports;
}

/** Temporal's usual ports, so the CLI and the Web UI find the cluster as they find compose's. */
export const DEFAULT_PORTS: ClusterPorts = {
  postgres: 55432,
  frontend: 7233,
  frontendHttp: 7243,
  frontendMembership: 6933,
  history: 7234,
  historyMembership: 6934,
  matching: 7235,
  matchingMembership: 6935,
  worker: 7239,
  workerMembership: 6939,
  api: 8080,
  smtp: 2525,
  gateway: 12112,
  billing: 8090,
};

export interface ClusterOptions {
  dataDir: string;
  ports?: ClusterPorts;
  /** Refund worker processes (compose's replicas). */
  workers?: number;
  /** Fixed when the cluster is first created: the history service's unit of parallelism. */
  historyShards?: number;
  /** Extra environment for the API and the workers (LOG_LEVEL, REFUNDFLOW_MAX_CACHED_WORKFLOWS, …). */
  env?: Record<string, string>;
  /** How long refunds stay pending at the sandbox gateway before they settle. */
  settleAfterMs?: number;
  /** false: no settler; the caller settles the gateway's refunds itself (the benchmark). */
  settler?: boolean;
  log?: (message: string) => void;
}

export const NAMESPACE = 'refunds';
export const TASK_QUEUE = DEFAULT_TASK_QUEUE;
/** The name in the frontend's certificate; clients connect to 127.0.0.1 and check this name. */
const FRONTEND_TLS_NAME = 'temporal-frontend';
const PG_SUPERUSER = 'temporal';
const PG_APP_USER = 'refundflow';

/** The files and folders under the cluster's data folder. */
export function clusterLayout(dataDir: string) {
  const dir = path.resolve(dataDir);
  return {
    dir,
    postgres: path.join(dir, 'postgres'),
    tls: path.join(dir, 'tls'),
    logs: path.join(dir, 'logs'),
    run: path.join(dir, 'run'),
    /** The outside world's stand-ins: gateway, billing store, caught mail (the API feeds billing here, as checkout would). */
    provider: path.join(dir, 'provider'),
    mail: path.join(dir, 'provider', 'mail.jsonl'),
    gateway: path.join(dir, 'provider', embeddedFiles.gateway),
    billing: path.join(dir, 'provider', embeddedFiles.billing),
    worker: (n: number) => path.join(dir, `worker-${n}`),
    pgPassword: path.join(dir, 'postgres.password'),
    appPassword: path.join(dir, 'refundflow-db.password'),
    billingKey: path.join(dir, 'billing-service.key'),
    shards: path.join(dir, 'history-shards'),
  };
}
type Layout = ReturnType<typeof clusterLayout>;

function secret(file: string): string {
  if (existsSync(file)) {
    const value = readFileSync(file, 'utf8').trim();
    if (value) return value;
  }
  const value = randomBytes(24).toString('base64url');
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return value;
}

// ---- certificates ------------------------------------------------------------------------------

/** A CA, the frontend's certificate and a client certificate, made with openssl on the first run. */
function ensureCertificates(tls: string, logFile: string): void {
  mkdirSync(tls, { recursive: true, mode: 0o700 });
  const file = (name: string) => path.join(tls, name);
  if (['ca.pem', 'server.pem', 'server.key', 'client.pem', 'client.key'].every((f) => existsSync(file(f))))
    return;
  const openssl = (...args: string[]) =>
    execFileSync('openssl', args, { cwd: tls, stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    openssl(
      'req',
      '-x509',
      ...ec,
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '3650',
      '-subj',
      '/CN=Refundflow cluster CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    );
    const leaf = (name: string, cn: string, ext: string) => {
      openssl('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
      writeFileSync(file(`${name}.ext`), ext);
      openssl(
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        `${name}.pem`,
        '-days',
        '825',
        '-extfile',
        `${name}.ext`,
      );
      rmSync(file(`${name}.csr`));
      rmSync(file(`${name}.ext`));
    };
    leaf(
      'server',
      FRONTEND_TLS_NAME,
      `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:${FRONTEND_TLS_NAME},DNS:localhost,IP:127.0.0.1\n`,
    );
    leaf(
      'client',
      'refundflow',
      'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\nsubjectAltName=DNS:refundflow\n',
    );
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? String(err);
    writeFileSync(logFile, stderr, { flag: 'a' });
    throw new Error(`openssl could not make the cluster's certificates: ${stderr}`, { cause: err });
  }
  for (const f of readdirSync(tls)) chmodSync(file(f), f.endsWith('.key') ? 0o600 : 0o644);
}

// ---- PostgreSQL ----------------------------------------------------------------------------------

function postgresBin(): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base).filter((v) => existsSync(path.join(base, v, 'bin', 'postgres')))
    : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest)
    throw new Error(
      'PostgreSQL is not installed: run bash scripts/setup-tools.sh postgresql (make cluster does)',
    );
  return path.join(base, newest, 'bin');
}

/** PostgreSQL refuses to run as root: as root, run it as a system user of its own. */
function postgresUser(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (name: string) => {
    try {
      return {
        uid: Number(execFileSync('id', ['-u', name], { stdio: ['ignore', 'pipe', 'ignore'] }).toString()),
        gid: Number(execFileSync('id', ['-g', name], { stdio: ['ignore', 'pipe', 'ignore'] }).toString()),
      };
    } catch {
      return undefined;
    }
  };
  const existing = id('refundflow-pg');
  if (existing) return existing;
  try {
    execFileSync(
      'useradd',
      ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'refundflow-pg'],
      { stdio: 'ignore' },
    );
  } catch {
    // No useradd (or not allowed): nobody has no files of its own, which suits a database server.
    return id('nobody') ?? {};
  }
  return id('refundflow-pg') ?? {};
}

// ---- the cluster -----------------------------------------------------------------------------------

export class Cluster {
  readonly layout: Layout;
  readonly ports: ClusterPorts;
  readonly postgres: ManagedChild;
  readonly services: Record<TemporalService, ManagedChild>;
  readonly api: ManagedChild;
  readonly workers: ManagedChild[];
  /** The environment the API and workers share (and a test's client config). */
  readonly env: Record<string, string>;
  /**
   * A worker's environment on top of env: the gateway and billing over HTTP, as on a host of its
   * own; with its own REFUNDFLOW_DATA_DIR it shares no file with any other process.
   */
  readonly workerEnv: Record<string, string>;
  readonly config: Config;
  private settler: SandboxGatewaySettler | undefined;
  private mail: { close: () => Promise<void> } | undefined;
  private gatewayService: RunningService | undefined;
  private billingService: RunningService | undefined;
  private readonly billingKey: string;
  private readonly log: (message: string) => void;
  private readonly pgUser: { uid?: number; gid?: number };
  private readonly pgPassword: string;
  private readonly appPassword: string;

  private constructor(private readonly options: ClusterOptions) {
    this.layout = clusterLayout(options.dataDir);
    this.ports = options.ports ?? DEFAULT_PORTS;
    this.log = options.log ?? (() => undefined);
    const l = this.layout;
    for (const dir of [l.dir, l.logs, l.run, l.provider]) mkdirSync(dir, { recursive: true });
    // The PostgreSQL user must pass through the data folder to its own (secrets stay 0600).
    chmodSync(l.dir, 0o711);
    ensureCertificates(l.tls, path.join(l.logs, 'openssl.log'));
    this.pgPassword = secret(l.pgPassword);
    this.appPassword = secret(l.appPassword);
    this.billingKey = secret(l.billingKey);
    this.pgUser = postgresUser();

    const p = this.ports;
    const marker = { [CLUSTER_MARKER]: l.dir };
    const bin = postgresBin();
    this.postgres = new ManagedChild({
      name: 'postgresql',
      command: path.join(bin, 'postgres'),
      args: [
        '-D',
        l.postgres,
        '-c',
        `port=${p.postgres}`,
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        `unix_socket_directories=${l.postgres}`,
        // Four Temporal services' pools, the workers' sent-log pools and room for tools.
        '-c',
        'max_connections=300',
      ],
      env: { ...marker, PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C' },
      logFile: path.join(l.logs, 'postgresql.log'),
      pidFile: path.join(l.run, 'postgresql.pid'),
      ...this.pgUser,
      stopSignal: 'SIGINT',
      stopTimeoutMs: 30_000,
    });

    const temporalEnv = this.temporalEnv();
    this.services = Object.fromEntries(
      TEMPORAL_SERVICES.map((service) => [
        service,
        new ManagedChild({
          name: `temporal-${service}`,
          command: TEMPORAL_SERVER,
          args: ['--config-file', path.join(DEPLOY, 'config.yaml'), 'start', '--service', service],
          env: { ...marker, ...temporalEnv },
          logFile: path.join(l.logs, `temporal-${service}.log`),
          pidFile: path.join(l.run, `temporal-${service}.pid`),
          stopTimeoutMs: 30_000,
        }),
      ]),
    ) as Record<TemporalService, ManagedChild>;

    const secrets = ensureSecrets(l.dir, { REFUNDFLOW_PAYMENTS: 'sandbox' });
    const tls = (f: string) => path.join(l.tls, f);
    this.env = {
      TEMPORAL_ADDRESS: `127.0.0.1:${p.frontend}`,
      TEMPORAL_NAMESPACE: NAMESPACE,
      TEMPORAL_TASK_QUEUE: TASK_QUEUE,
      TEMPORAL_TLS_CERT_PATH: tls('client.pem'),
      TEMPORAL_TLS_KEY_PATH: tls('client.key'),
      TEMPORAL_TLS_CA_PATH: tls('ca.pem'),
      TEMPORAL_TLS_SERVER_NAME: FRONTEND_TLS_NAME,
      REFUNDFLOW_ENCRYPTION_KEYS: secrets.env.REFUNDFLOW_ENCRYPTION_KEYS!,
      REFUNDFLOW_API_KEYS: secrets.env.REFUNDFLOW_API_KEYS!,
      REFUNDFLOW_WEBHOOK_SECRET: secrets.env.REFUNDFLOW_WEBHOOK_SECRET!,
      REFUNDFLOW_PAYMENTS: 'sandbox',
      REFUNDFLOW_EMAIL: 'smtp',
      SMTP_URL: `smtp://127.0.0.1:${p.smtp}`,
      SMTP_FROM: 'Refunds <refunds@refundflow.local>',
      REFUNDFLOW_SUPPORT_EMAIL: 'support@refundflow.local',
      REFUNDFLOW_DATABASE_URL: `postgres://${PG_APP_USER}:${this.appPassword}@127.0.0.1:${p.postgres}/${PG_APP_USER}`,
      REFUNDFLOW_METRICS_PORT: '0',
      PORT: String(p.api),
      LOG_LEVEL: 'info',
      // Worker Versioning: both workers run one build (a hash of the workflow code) of this deployment.
      REFUNDFLOW_DEPLOYMENT_NAME: 'refundflow',
      ...options.env,
    };
    this.workerEnv = {
      ...this.env,
      REFUNDFLOW_GATEWAY_URL: `http://127.0.0.1:${p.gateway}`,
      REFUNDFLOW_BILLING: 'http',
      BILLING_URL: `http://127.0.0.1:${p.billing}`,
      BILLING_API_KEY: this.billingKey,
    };
    this.config = loadConfig({ ...this.env, REFUNDFLOW_DATA_DIR: l.provider });

    const node = (name: string, entry: string, dataDir: string, env: Record<string, string>) =>
      new ManagedChild({
        name,
        command: process.execPath,
        args: ['--require', require.resolve('tsx/cjs'), path.join(ROOT, entry)],
        env: {
          ...marker,
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          ...env,
          REFUNDFLOW_DATA_DIR: dataDir,
          // The mail server's certificate is the cluster CA's: STARTTLS is verified, not waved through.
          NODE_EXTRA_CA_CERTS: tls('ca.pem'),
        },
        cwd: ROOT,
        logFile: path.join(l.logs, `${name}.log`),
        pidFile: path.join(l.run, `${name}.pid`),
        // Longer than REFUNDFLOW_SHUTDOWN_GRACE_SECONDS (30 s by default).
        stopTimeoutMs: 45_000,
      });
    // The API plays checkout's part for the billing stand-in: it feeds orders and usage into the
    // store the billing service serves (a real checkout feeds its own billing system).
    this.api = node('api', 'client/api/main.ts', l.provider, {
      ...this.env,
      REFUNDFLOW_BILLING: 'embedded',
      REFUNDFLOW_BILLING_FILE: l.billing,
    });
    this.workers = Array.from({ length: options.workers ?? 2 }, (_, i) =>
      node(`worker-${i + 1}`, 'worker/main.ts', l.worker(i + 1), this.workerEnv),
    );
  }

  /** The variables deploy/temporal/config.yaml reads, for this cluster's ports, database and TLS. */
  private temporalEnv(): Record<string, string> {
    const p = this.ports;
    const l = this.layout;
    const tls = (f: string) => path.join(l.tls, f);
    return {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      POSTGRES_SEEDS: '127.0.0.1',
      DB_PORT: String(p.postgres),
      POSTGRES_USER: PG_SUPERUSER,
      POSTGRES_PWD: this.pgPassword,
      NUM_HISTORY_SHARDS: String(this.historyShards()),
      BIND_ON_IP: '127.0.0.1',
      TEMPORAL_BROADCAST_ADDRESS: '127.0.0.1',
      FRONTEND_GRPC_PORT: String(p.frontend),
      FRONTEND_HTTP_PORT: String(p.frontendHttp),
      FRONTEND_MEMBERSHIP_PORT: String(p.frontendMembership),
      HISTORY_GRPC_PORT: String(p.history),
      HISTORY_MEMBERSHIP_PORT: String(p.historyMembership),
      MATCHING_GRPC_PORT: String(p.matching),
      MATCHING_MEMBERSHIP_PORT: String(p.matchingMembership),
      WORKER_GRPC_PORT: String(p.worker),
      WORKER_MEMBERSHIP_PORT: String(p.workerMembership),
      TEMPORAL_TLS_FRONTEND_CERT: tls('server.pem'),
      TEMPORAL_TLS_FRONTEND_KEY: tls('server.key'),
      TEMPORAL_TLS_CLIENT_CA_CERT: tls('ca.pem'),
      TEMPORAL_TLS_SYSTEM_WORKER_CERT: tls('client.pem'),
      TEMPORAL_TLS_SYSTEM_WORKER_KEY: tls('client.key'),
      TEMPORAL_ALLOW_NO_AUTH: 'true',
      DYNAMIC_CONFIG_FILE_PATH: path.join(DEPLOY, 'dynamicconfig', 'refundflow.yaml'),
    };
  }

  /** The shard count is fixed at creation; later runs read it back rather than trust the option. */
  private historyShards(): number {
    const file = this.layout.shards;
    if (existsSync(file)) return Number(readFileSync(file, 'utf8').trim());
    const shards = this.options.historyShards ?? 4;
    writeFileSync(file, `${shards}\n`);
    return shards;
  }

  /** The cluster as compose runs it, step by step; on a failure, what started is stopped again. */
  static async start(options: ClusterOptions): Promise<Cluster> {
    for (const tool of [TEMPORAL_SERVER, SQL_TOOL, path.join(TOOLS_BIN, 'temporal')])
      if (!existsSync(tool))
        throw new Error(`${tool} is missing: run bash scripts/setup-tools.sh (make cluster does)`);
    const cluster = new Cluster(options);
    try {
      await cluster.boot();
    } catch (err) {
      await cluster.stop().catch(() => undefined);
      throw err;
    }
    return cluster;
  }

  private async boot(): Promise<void> {
    const l = this.layout;
    const started = Date.now();
    const step = (what: string) => this.log(`${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    // What a killed cluster left behind (PostgreSQL via its own pid file: its first line is the pid).
    await stopStale(path.join(l.postgres, 'postmaster.pid'), l.dir, 'SIGINT');
    for (const child of [this.postgres, ...Object.values(this.services), this.api, ...this.workers])
      await stopStale(child.spec.pidFile, l.dir);
    for (const [name, port] of Object.entries(this.ports))
      if (await portInUse(port))
        throw new Error(
          `port ${port} (${name}) is already in use: stop what holds it, or choose other ports`,
        );

    await this.initPostgres();
    await this.startPostgres();
    step('PostgreSQL ready');
    await this.ensureAppDatabase();
    await run('sh', [path.join(DEPLOY, 'setup-postgres.sh')], {
      env: { ...this.temporalEnv(), SQL_PASSWORD: this.pgPassword, SQL_TOOL, SCHEMA_DIR },
      logFile: path.join(l.logs, 'schema.log'),
    });
    step('schema created or migrated');
    // One at a time: on a fresh database every service writes the cluster metadata at start, and
    // the losers of that race exit. A service listens on its gRPC port once it is initialised.
    for (const service of TEMPORAL_SERVICES) {
      const child = this.services[service];
      child.start();
      await waitFor(
        `temporal-${service} to listen`,
        async () => {
          if (!child.running) throw new GaveUp(`temporal-${service} exited:\n${child.tail()}`);
          return portInUse(this.ports[service]);
        },
        120_000,
        200,
      );
    }
    await this.waitForFrontend();
    step('Temporal services up');
    await run('sh', [path.join(DEPLOY, 'setup-namespace.sh')], {
      env: {
        PATH: `${TOOLS_BIN}:${process.env.PATH ?? '/usr/bin:/bin'}`,
        // The CLI looks for its own config file under HOME.
        HOME: process.env.HOME ?? l.dir,
        TEMPORAL_ADDRESS: this.env.TEMPORAL_ADDRESS!,
        TEMPORAL_NAMESPACE: NAMESPACE,
        TEMPORAL_TLS_CLIENT_CERT_PATH: this.env.TEMPORAL_TLS_CERT_PATH!,
        TEMPORAL_TLS_CLIENT_KEY_PATH: this.env.TEMPORAL_TLS_KEY_PATH!,
        TEMPORAL_TLS_SERVER_CA_CERT_PATH: this.env.TEMPORAL_TLS_CA_PATH!,
        TEMPORAL_TLS_SERVER_NAME: FRONTEND_TLS_NAME,
      },
      logFile: path.join(l.logs, 'namespace.log'),
    });
    step('namespace and search attributes registered');

    this.mail = await startMailCatcher({
      port: this.ports.smtp,
      file: l.mail,
      key: readFileSync(path.join(l.tls, 'server.key')),
      cert: readFileSync(path.join(l.tls, 'server.pem')),
    });
    await this.startProviderServices();
    this.api.start();
    const apiUrl = this.apiUrl;
    await waitFor(
      'the API to answer /healthz',
      async () => {
        if (!this.api.running) throw new GaveUp(`the API exited:\n${this.api.tail()}`);
        return (await fetch(`${apiUrl}/healthz`)).ok;
      },
      90_000,
      250,
    );
    if (this.options.settler !== false)
      this.settler = new SandboxGatewaySettler({
        file: l.gateway,
        settleAfterMs: this.options.settleAfterMs ?? 3_000,
        webhook: {
          url: `${apiUrl}/v1/webhooks/payments`,
          secret: this.env.REFUNDFLOW_WEBHOOK_SECRET!,
          initialBackoffMs: 500,
          maxBackoffMs: 10_000,
        },
      });
    this.settler?.start();
    step('API and stand-ins up');
    await Promise.all(this.workers.map((w) => this.startWorker(w)));
    step(`${this.workers.length} workers polling`);
  }

  /** The gateway and billing services the workers reach over HTTP (again, after an outage). */
  async startProviderServices(): Promise<void> {
    const l = this.layout;
    this.gatewayService ??= await startSandboxGatewayService({ file: l.gateway, port: this.ports.gateway });
    this.billingService ??= await startBillingService({
      file: l.billing,
      port: this.ports.billing,
      apiKey: this.billingKey,
    });
  }

  /** An outage of the payment gateway and billing: both stop answering (in-flight requests finish). */
  async stopProviderServices(): Promise<void> {
    const services = [this.gatewayService, this.billingService];
    this.gatewayService = undefined;
    this.billingService = undefined;
    await Promise.all(services.map((s) => s?.close()));
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.ports.api}`;
  }

  /** A Temporal client connection with the workers' certificate. */
  connect(): Promise<Connection> {
    return Connection.connect(clientConnectionOptions(this.config.temporal));
  }

  /** Starts a worker process and waits until Temporal lists it among the task queue's pollers. */
  async startWorker(worker: ManagedChild): Promise<void> {
    worker.start();
    const connection = await this.connect();
    try {
      await waitFor(
        `${worker.name} to poll`,
        async () => {
          if (!worker.running) throw new GaveUp(`${worker.name} exited:\n${worker.tail()}`);
          const { pollers } = await connection.workflowService.describeTaskQueue({
            namespace: NAMESPACE,
            taskQueue: { name: TASK_QUEUE },
            taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
          });
          // The SDK's default identity is pid@host.
          return pollers.some((p) => p.identity?.startsWith(`${worker.pid}@`));
        },
        120_000,
        500,
      );
    } finally {
      await connection.close();
    }
  }

  /** Starts a Temporal service process again (after stop() or kill()) and waits for the frontend. */
  async startService(service: TemporalService): Promise<void> {
    this.services[service].start();
    await this.waitForFrontend();
  }

  private async waitForFrontend(): Promise<void> {
    await waitFor(
      'the Temporal frontend to answer',
      async () => {
        for (const s of TEMPORAL_SERVICES)
          if (!this.services[s].running)
            throw new GaveUp(`temporal-${s} exited:\n${this.services[s].tail()}`);
        const connection = await Connection.connect({
          ...clientConnectionOptions(this.config.temporal),
          connectTimeout: 2_000,
        });
        try {
          await connection.healthService.check({});
          // The frontend answers before history owns its shards; a system namespace read needs both.
          await connection.workflowService.describeNamespace({ namespace: 'temporal-system' });
          return true;
        } finally {
          await connection.close();
        }
      },
      120_000,
      500,
    );
  }

  private async initPostgres(): Promise<void> {
    const l = this.layout;
    if (existsSync(path.join(l.postgres, 'PG_VERSION'))) return;
    rmSync(l.postgres, { recursive: true, force: true });
    mkdirSync(l.postgres, { mode: 0o700 });
    const pwfile = path.join(l.run, 'initdb.pw');
    writeFileSync(pwfile, `${this.pgPassword}\n`, { mode: 0o600 });
    if (this.pgUser.uid !== undefined) {
      chownSync(l.postgres, this.pgUser.uid, this.pgUser.gid!);
      chownSync(pwfile, this.pgUser.uid, this.pgUser.gid!);
    }
    try {
      await run(
        path.join(postgresBin(), 'initdb'),
        [
          '-D',
          l.postgres,
          '-U',
          PG_SUPERUSER,
          `--pwfile=${pwfile}`,
          '--auth-host=scram-sha-256',
          '--auth-local=peer',
          '-E',
          'UTF8',
          '--locale=C',
          '--no-instructions',
        ],
        {
          env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C' },
          logFile: path.join(l.logs, 'initdb.log'),
          ...this.pgUser,
          cwd: '/',
        },
      );
    } finally {
      rmSync(pwfile, { force: true });
    }
  }

  /** Starts PostgreSQL (again) and waits until it accepts the Temporal login. */
  async startPostgres(): Promise<void> {
    this.postgres.start();
    await waitFor(
      'PostgreSQL to accept connections',
      async () => {
        if (!this.postgres.running) throw new GaveUp(`PostgreSQL exited:\n${this.postgres.tail()}`);
        const client = this.pg('postgres');
        try {
          await client.connect();
          await client.query('SELECT 1');
          return true;
        } finally {
          await client.end().catch(() => undefined);
        }
      },
      60_000,
      250,
    );
  }

  /** A superuser connection to one of the cluster's databases (caller connects and ends it). */
  pg(database: string): PgClient {
    const client = new PgClient({
      host: '127.0.0.1',
      port: this.ports.postgres,
      user: PG_SUPERUSER,
      password: this.pgPassword,
      database,
    });
    client.on('error', () => undefined);
    return client;
  }

  /** The application's own role and database (the shared SMTP sent-log), apart from Temporal's. */
  private async ensureAppDatabase(): Promise<void> {
    const client = this.pg('postgres');
    await client.connect();
    try {
      const role = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [PG_APP_USER]);
      // Identifiers and the password are ours (base64url), so quoting them is enough.
      if (role.rowCount === 0)
        await client.query(`CREATE ROLE ${PG_APP_USER} LOGIN PASSWORD '${this.appPassword}'`);
      else await client.query(`ALTER ROLE ${PG_APP_USER} PASSWORD '${this.appPassword}'`);
      const db = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [PG_APP_USER]);
      if (db.rowCount === 0) await client.query(`CREATE DATABASE ${PG_APP_USER} OWNER ${PG_APP_USER}`);
    } finally {
      await client.end();
    }
  }

  private stopping: Promise<void> | undefined;

  /** Workers (they finish in-flight activities), the API and stand-ins, Temporal, then PostgreSQL. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const failures: string[] = [];
      const attempt = async (name: string, fn: () => Promise<unknown>) => {
        try {
          await fn();
          this.log(`${name} stopped`);
        } catch (err) {
          failures.push(`${name}: ${String(err)}`);
        }
      };
      await Promise.all(this.workers.map((w) => attempt(w.name, () => w.stop())));
      await attempt('sandbox settler', async () => this.settler?.stop());
      await attempt('api', () => this.api.stop());
      await attempt('mail server', async () => this.mail?.close());
      await attempt('gateway and billing services', () => this.stopProviderServices());
      for (const service of ['frontend', 'worker', 'matching', 'history'] as const)
        await attempt(`temporal-${service}`, () => this.services[service].stop());
      await attempt('postgresql', () => this.postgres.stop());
      if (failures.length > 0) throw new Error(`the cluster did not stop cleanly:\n${failures.join('\n')}`);
    })();
    return this.stopping;
  }
}
