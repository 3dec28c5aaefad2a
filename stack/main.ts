// The embedded stack, one process for one machine (`npm start`, `make start`):
//   the Temporal dev server (a child process, persisted to data/temporal.db, with its Web UI and
//   the refund search attributes), and in this process the worker, the API with the support UI,
//   and the sandbox gateway's settler posting signed webhooks to the API.
// On first run it creates what a newcomer would otherwise have to invent — an encryption key,
// API keys for every role, a webhook secret — and keeps them in the data folder, so a restart
// opens the same history with the same keys. Ctrl-C (or SIGTERM) stops everything in order.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
import { NativeConnection } from '@temporalio/worker';
import { SandboxGatewaySettler, embeddedFiles } from '../activities';
import { startApi, type RunningApi } from '../client/api/main';
import { generateEncryptionKey } from '../codec/codec';
import { buildDataConverter } from '../codec/data-converter';
import { refundSearchAttributes } from '../workflows/search-attributes';
import { API_ROLES, ConfigError, loadConfig, type Config } from '../config';
import { clientConnectionOptions, workerConnectionOptions } from '../config/connection';
import { createRefundWorker } from '../worker/main';
import { installTelemetry } from '../worker/telemetry';

const ROOT = path.resolve(__dirname, '..');
/** Built by scripts/setup-tools.sh (`make start` runs it first). */
const TEMPORAL_CLI = path.join(ROOT, '.tools', 'bin', 'temporal');

/** Files the stack keeps next to the adapters' state. */
export const stackFiles = {
  temporalDb: 'temporal.db',
  temporalLog: 'temporal.log',
  temporalPid: 'temporal.pid',
  encryptionKey: 'encryption.key',
  apiKeys: 'api-keys.env',
  webhookSecret: 'webhook.secret',
} as const;

/** `--search-attribute Name=Type` flags for `temporal server start-dev`, one per refund attribute. */
export const searchAttributeFlags = (): string[] =>
  refundSearchAttributes.flatMap((key) => ['--search-attribute', `${key.name}=${CLI_TYPE[key.type]}`]);

/** Where and how `temporal server start-dev` runs; the tests start theirs through the same builder. */
export interface DevServerOptions {
  dbFile: string;
  ip: string;
  port: number;
  uiPort: number;
  namespace?: string;
  /** No Web UI (the tests' servers). */
  headless?: boolean;
}

/** The `temporal server start-dev` arguments: persisted, quiet, with the refund search attributes. */
export function devServerArgs(options: DevServerOptions): string[] {
  return [
    'server',
    'start-dev',
    '--db-filename',
    options.dbFile,
    '--ip',
    options.ip,
    '--port',
    String(options.port),
    '--ui-port',
    String(options.uiPort),
    ...(options.namespace ? ['--namespace', options.namespace] : []),
    ...(options.headless ? ['--headless'] : []),
    '--log-level',
    'error',
    ...searchAttributeFlags(),
  ];
}

const CLI_TYPE: Record<SearchAttributeType, string> = {
  [SearchAttributeType.TEXT]: 'Text',
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.INT]: 'Int',
  [SearchAttributeType.DOUBLE]: 'Double',
  [SearchAttributeType.BOOL]: 'Bool',
  [SearchAttributeType.DATETIME]: 'Datetime',
  [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
};

// ---- secrets created on first run --------------------------------------------------------------

/** Writes a file only its owner may read (keys, secrets). */
function writeSecret(file: string, content: string): void {
  writeFileSync(file, content, { mode: 0o600 });
  chmodSync(file, 0o600); // the mode above does not apply when the file already existed
}

function readOrCreate(file: string, create: () => string): { value: string; created: boolean } {
  if (existsSync(file)) {
    const value = readFileSync(file, 'utf8').trim();
    if (value) return { value, created: false };
  }
  const value = create();
  writeSecret(file, `${value}\n`);
  return { value, created: true };
}

const token = (prefix: string) => `${prefix}_${randomBytes(18).toString('base64url')}`;
const KEY_PREFIX: Record<(typeof API_ROLES)[number], string> = {
  checkout: 'ck',
  support: 'sk',
  reviewer: 'rk',
  admin: 'ak',
};

export interface StackSecrets {
  env: NodeJS.ProcessEnv;
  /** Which of the three the stack made up or read from the data folder (not from the environment). */
  fromDataDir: { encryptionKey?: string; apiKeys?: string; webhookSecret?: string };
  created: string[];
}

/**
 * Fills REFUNDFLOW_ENCRYPTION_KEYS, REFUNDFLOW_API_KEYS and REFUNDFLOW_WEBHOOK_SECRET from the
 * data folder when the environment does not set them, creating each on first run. A variable
 * that is set always wins, and is never written to disk.
 */
export function ensureSecrets(dataDir: string, env: NodeJS.ProcessEnv): StackSecrets {
  const out: NodeJS.ProcessEnv = { ...env };
  const fromDataDir: StackSecrets['fromDataDir'] = {};
  const created: string[] = [];
  const fill = (
    variable: string,
    file: string,
    create: () => string,
    parse: (text: string) => string = (t) => t,
  ) => {
    if (env[variable]?.trim()) return;
    const full = path.join(dataDir, file);
    const { value, created: isNew } = readOrCreate(full, create);
    out[variable] = parse(value);
    if (isNew) created.push(full);
    return full;
  };
  fromDataDir.encryptionKey = fill('REFUNDFLOW_ENCRYPTION_KEYS', stackFiles.encryptionKey, () =>
    generateEncryptionKey('local-1'),
  );
  // api-keys.env holds one REFUNDFLOW_API_KEYS=… line, so it can be sourced by a shell too.
  fromDataDir.apiKeys = fill(
    'REFUNDFLOW_API_KEYS',
    stackFiles.apiKeys,
    () => `REFUNDFLOW_API_KEYS=${API_ROLES.map((role) => `${role}:${token(KEY_PREFIX[role])}`).join(',')}`,
    (text) => text.replace(/^REFUNDFLOW_API_KEYS=/, ''),
  );
  // Only the sandbox gateway signs with a secret of ours; Stripe's comes from the environment.
  if ((env.REFUNDFLOW_PAYMENTS?.trim() || 'sandbox') === 'sandbox') {
    fromDataDir.webhookSecret = fill('REFUNDFLOW_WEBHOOK_SECRET', stackFiles.webhookSecret, () =>
      token('whsec'),
    );
  }
  return { env: out, fromDataDir, created };
}

// ---- the Temporal dev server ---------------------------------------------------------------------

function splitAddress(address: string): { host: string; port: number } {
  const match = /^(.*):(\d+)$/.exec(address);
  return match
    ? { host: match[1]!.replace(/^\[|\]$/g, ''), port: Number(match[2]) }
    : { host: address, port: 7233 };
}

function portInUse(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(1_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A dev server left behind by a stack that was killed hard still holds the SQLite file: stop it. */
async function stopStaleServer(pidFile: string, dbFile: string): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return; // gone, or not Linux: nothing we can safely check
  }
  if (!pid || !cmdline.includes('start-dev') || !cmdline.includes(dbFile)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  process.kill(pid, 'SIGKILL');
}

/** Every port the stack will open must be free: a second stack, or a stray server, is named. */
async function checkPorts(config: Config): Promise<void> {
  const { host, port } = splitAddress(config.temporal.address);
  for (const [what, p] of [
    ['TEMPORAL_ADDRESS', port],
    ['TEMPORAL_UI_PORT', config.embedded.temporalUiPort],
    ['PORT', config.api.port],
    ['REFUNDFLOW_METRICS_PORT', config.process.metricsPort],
  ] as const) {
    if (p === 0) continue;
    if (await portInUse(host, p)) {
      throw new Error(
        `port ${p} on ${host} is already in use (${what}); stop what holds it or choose another port`,
      );
    }
  }
}

interface DevServer {
  child: ChildProcess;
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

async function startDevServer(config: Config): Promise<DevServer> {
  const dataDir = config.process.dataDir;
  const { host, port } = splitAddress(config.temporal.address);
  const dbFile = path.join(dataDir, stackFiles.temporalDb);
  const pidFile = path.join(dataDir, stackFiles.temporalPid);
  if (!existsSync(TEMPORAL_CLI)) {
    throw new Error(
      `${TEMPORAL_CLI} is missing: run \`make start\` (or bash scripts/setup-tools.sh temporal) first`,
    );
  }
  const args = devServerArgs({
    dbFile,
    ip: host,
    port,
    uiPort: config.embedded.temporalUiPort,
    namespace: config.temporal.namespace,
  });
  // Its own process group: Ctrl-C reaches only this process, which stops the server last.
  const log = openSync(path.join(dataDir, stackFiles.temporalLog), 'a', 0o600);
  const child = spawn(TEMPORAL_CLI, args, { detached: true, stdio: ['ignore', log, log] });
  closeSync(log);
  writeFileSync(pidFile, `${child.pid}\n`);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(killer);
      return code;
    },
  };
}

/** Connects once the frontend answers; fails early if the server process dies first. */
async function waitForFrontend(config: Config, server: DevServer, timeoutMs = 60_000): Promise<Connection> {
  const deadline = Date.now() + timeoutMs;
  let died = false;
  void server.exited.then(() => (died = true));
  let last: unknown;
  while (Date.now() < deadline && !died) {
    try {
      const connection = await Connection.connect({
        ...clientConnectionOptions(config.temporal),
        connectTimeout: 1_000,
      });
      await connection.workflowService.describeNamespace({ namespace: config.temporal.namespace });
      return connection;
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const logFile = path.join(config.process.dataDir, stackFiles.temporalLog);
  const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n') : '';
  throw new Error(
    died
      ? `the Temporal dev server exited during start (exit code ${String(server.child.exitCode)}); its log, ${logFile}:\n${tail}`
      : `the Temporal dev server did not answer within ${timeoutMs / 1000}s: ${String(last)}`,
  );
}

// ---- the whole stack -----------------------------------------------------------------------------

async function main(): Promise<void> {
  const startedAt = Date.now();
  const env: NodeJS.ProcessEnv = { ...process.env };
  // One machine: the frontend on the loopback address unless told otherwise.
  if (!env.TEMPORAL_ADDRESS?.trim()) env.TEMPORAL_ADDRESS = '127.0.0.1:7233';
  const dataDir = path.resolve(env.REFUNDFLOW_DATA_DIR?.trim() || './data');
  // Keys, the billing store and the outbox live here: the owner alone may list or read it.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  const secrets = ensureSecrets(dataDir, env);
  const uiPort = secrets.env.TEMPORAL_UI_PORT?.trim() || '8233';
  // The Web UI's origin may call the codec server (with a staff key).
  secrets.env.REFUNDFLOW_CODEC_CORS_ORIGINS ??= `http://localhost:${uiPort},http://127.0.0.1:${uiPort}`;
  // A versioned worker (Worker Deployments): a restart on changed code is a new build that takes
  // over the cases in flight (AUTO_UPGRADE). REFUNDFLOW_DEPLOYMENT_NAME= (empty) turns it off.
  if (secrets.env.REFUNDFLOW_DEPLOYMENT_NAME === undefined)
    secrets.env.REFUNDFLOW_DEPLOYMENT_NAME = 'refundflow';
  const config = loadConfig(secrets.env);

  // A dev server left by a stack that was killed hard, then the ports; before the Runtime opens
  // the metrics port, which would otherwise count as taken.
  await stopStaleServer(
    path.join(config.process.dataDir, stackFiles.temporalPid),
    path.join(config.process.dataDir, stackFiles.temporalDb),
  );
  await checkPorts(config);
  const logger = installTelemetry(config.process, undefined, { shutdownSignals: [] });
  let server: DevServer | undefined = undefined;
  let stopping: Promise<void> | undefined;
  const cleanup: { name: string; run: () => Promise<unknown> }[] = [];
  /** Stops what has started, newest first, then exits: `exitCode`, or 1 if a step failed. */
  const stop = (reason: string, exitCode = 0): Promise<void> => {
    const stopStarted = Date.now();
    stopping ??= (async () => {
      logger.info({ reason }, 'stack stopping');
      let failed = false;
      // Reverse order of start: settler, API, worker, connections, then the Temporal server.
      for (const step of [...cleanup].reverse()) {
        try {
          await step.run();
        } catch (err) {
          failed = true;
          logger.error({ err, step: step.name }, 'stack step did not stop cleanly');
        }
      }
      logger.info({ ms: Date.now() - stopStarted }, 'stack stopped');
      process.exit(failed ? 1 : exitCode);
    })();
    return stopping;
  };
  process.on('SIGINT', () => {
    if (stopping) {
      // A second Ctrl-C: no more waiting.
      if (server?.child.pid) process.kill(server.child.pid, 'SIGKILL');
      process.exit(130);
    }
    void stop('SIGINT');
  });
  process.once('SIGTERM', () => void stop('SIGTERM'));

  server = await startDevServer(config);
  const devServer = server;
  cleanup.push({
    name: 'temporal dev server',
    run: async () => {
      const code = await devServer.stop();
      logger.info({ code }, 'temporal dev server stopped');
    },
  });
  // The server dying under a running stack leaves nothing useful: stop the rest and say so.
  void server.exited.then((code) => {
    if (!stopping) {
      logger.error(
        { code },
        `the Temporal dev server exited; see ${path.join(dataDir, stackFiles.temporalLog)}`,
      );
      void stop('temporal-exit', 1);
    }
  });

  try {
    const connection = await waitForFrontend(config, server);
    cleanup.push({ name: 'client connection', run: () => connection.close() });
    const nativeConnection = await NativeConnection.connect(workerConnectionOptions(config.temporal));
    cleanup.push({ name: 'worker connection', run: () => nativeConnection.close() });

    const {
      worker,
      version,
      promote,
      close: closeAdapters,
    } = await createRefundWorker(config, {
      connection: nativeConnection,
      logger,
    });
    const running = worker.run();
    // New cases reach a versioned worker only once its version is current.
    await Promise.race([promote(), running]);
    if (version) logger.info({ version }, 'worker version is current');
    cleanup.push({
      name: 'worker',
      run: async () => {
        // In-flight activities get REFUNDFLOW_SHUTDOWN_GRACE_SECONDS to finish.
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
        await closeAdapters();
      },
    });

    const client = new Client({
      connection,
      namespace: config.temporal.namespace,
      dataConverter: buildDataConverter(config.encryption),
    });
    const api: RunningApi = await startApi(config, { client, logger });
    cleanup.push({ name: 'api', run: () => api.close() });

    if (config.payments.kind === 'sandbox' && config.payments.webhookSecret) {
      const settler = new SandboxGatewaySettler(
        {
          file: path.join(dataDir, embeddedFiles.gateway),
          ...(config.embedded.sandboxWebhooks
            ? { webhook: { url: `${api.url}/v1/webhooks/payments`, secret: config.payments.webhookSecret } }
            : {}),
        },
        {
          info: (message, meta) => logger.info(meta ?? {}, message),
          warn: (message, meta) => logger.warn(meta ?? {}, message),
        },
      );
      settler.start();
      cleanup.push({ name: 'sandbox settler', run: () => settler.stop() });
    }

    const ms = Date.now() - startedAt;
    logger.info({ ms, api: api.url, temporal: config.temporal.address }, 'stack started');
    process.stdout.write(banner(config, api.url, secrets, ms));
  } catch (err) {
    if (!stopping) {
      console.error(err instanceof Error ? err.message : err);
      await stop('start-failure', 1);
    }
    throw err;
  }
}

function banner(config: Config, apiUrl: string, secrets: StackSecrets, ms: number): string {
  const { host } = splitAddress(config.temporal.address);
  const uiHost = host === '127.0.0.1' || host === '0.0.0.0' ? 'localhost' : host;
  const lines = [
    '',
    `Refundflow is running (started in ${(ms / 1000).toFixed(1)} s). Ctrl-C stops it.`,
    '',
    `  API and support UI   ${apiUrl.replace('127.0.0.1', 'localhost')}`,
    `  Temporal Web UI      http://${uiHost}:${config.embedded.temporalUiPort}`,
    `  Temporal frontend    ${config.temporal.address}  (namespace ${config.temporal.namespace}, task queue ${config.temporal.taskQueue})`,
    `  Data folder          ${config.process.dataDir}`,
    '',
    `  API keys${secrets.fromDataDir.apiKeys ? ` (from ${secrets.fromDataDir.apiKeys})` : ' (from REFUNDFLOW_API_KEYS)'}:`,
    ...config.api.keys.map((k) => `    ${k.role.padEnd(9)} ${k.key}`),
    '',
  ];
  if (secrets.created.length > 0)
    lines.push(
      `  Created on this first run: ${secrets.created.map((f) => path.basename(f)).join(', ')} (mode 0600)`,
      '',
    );
  return `${lines.join('\n')}\n`;
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof ConfigError || err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
