// What the cluster is made of: its layout and ports, its secrets, and each of its processes
// (PostgreSQL, the four Temporal services, the API, the workers) with the environment it runs in.
// Cluster (cluster.ts) starts and stops them.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SandboxGatewaySettler, type RunningService } from '../activities';
import { loadConfig, type Config } from '../config';
import { ensureSecrets } from '../stack/secrets';
import { CLUSTER_MARKER, ManagedChild } from './processes';
import {
  ROOT,
  TEMPORAL_SERVER,
  DEPLOY,
  TEMPORAL_SERVICES,
  type TemporalService,
  type ClusterPorts,
  DEFAULT_PORTS,
  type ClusterOptions,
  NAMESPACE,
  TASK_QUEUE,
  FRONTEND_TLS_NAME,
  PG_SUPERUSER,
  PG_APP_USER,
  clusterLayout,
  type Layout,
  secret,
} from './layout';
import { ensureCertificates } from './certificates';
import { postgresBin, postgresUser } from './postgres';

export class ClusterProcesses {
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
  protected settler: SandboxGatewaySettler | undefined;
  protected mail: { close: () => Promise<void> } | undefined;
  protected gatewayService: RunningService | undefined;
  protected billingService: RunningService | undefined;
  protected readonly billingKey: string;
  protected readonly log: (message: string) => void;
  protected readonly pgUser: { uid?: number; gid?: number };
  protected readonly pgPassword: string;
  protected readonly appPassword: string;

  protected constructor(protected readonly options: ClusterOptions) {
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

  /** The variables deploy/temporal/config.yaml reads, for this cluster's ports, database and TLS. */
  protected temporalEnv(): Record<string, string> {
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
}
