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
// Here: starting and stopping; what it is made of is in cluster-processes.ts, where it lives and
// listens in layout.ts, with certificates.ts and postgres.ts beside them.
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { SandboxGatewaySettler, startBillingService, startSandboxGatewayService } from '../activities';
import { clientConnectionOptions } from '../config/connection';
import { startMailCatcher } from './mail-catcher';
import { GaveUp, ManagedChild, portInUse, run, stopStale, waitFor } from './processes';
import {
  TOOLS_BIN,
  TEMPORAL_SERVER,
  SQL_TOOL,
  SCHEMA_DIR,
  DEPLOY,
  TEMPORAL_SERVICES,
  type TemporalService,
  type ClusterOptions,
  NAMESPACE,
  TASK_QUEUE,
  FRONTEND_TLS_NAME,
  PG_SUPERUSER,
  PG_APP_USER,
} from './layout';
import { ClusterProcesses } from './cluster-processes';
import { postgresBin } from './postgres';

// The cluster module's surface, wherever each part lives.
export {
  DEFAULT_PORTS,
  NAMESPACE,
  TASK_QUEUE,
  TEMPORAL_SERVICES,
  clusterLayout,
  freeClusterPorts,
  type ClusterOptions,
  type ClusterPorts,
  type TemporalService,
} from './layout';

export class Cluster extends ClusterProcesses {
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
