// The Temporal dev server of the embedded stack: its files in the data folder, its arguments
// (the tests start theirs through devServerArgs too), a stale one left by a hard kill, the ports
// the stack needs, and waiting for the frontend to answer.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
import type { Config } from '../config';
import { clientConnectionOptions } from '../config/connection';
import { portInUse } from '../cluster/processes';
import { refundSearchAttributes } from '../workflows/search-attributes';

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

export function splitAddress(address: string): { host: string; port: number } {
  const match = /^(.*):(\d+)$/.exec(address);
  return match
    ? { host: match[1]!.replace(/^\[|\]$/g, ''), port: Number(match[2]) }
    : { host: address, port: 7233 };
}

/** A dev server left behind by a stack that was killed hard still holds the SQLite file: stop it. */
export async function stopStaleServer(pidFile: string, dbFile: string): Promise<void> {
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
export async function checkPorts(config: Config): Promise<void> {
  const { host, port } = splitAddress(config.temporal.address);
  for (const [what, p] of [
    ['TEMPORAL_ADDRESS', port],
    ['TEMPORAL_UI_PORT', config.embedded.temporalUiPort],
    ['PORT', config.api.port],
    ['REFUNDFLOW_METRICS_PORT', config.process.metricsPort],
  ] as const) {
    if (p === 0) continue;
    if (await portInUse(p, host)) {
      throw new Error(
        `port ${p} on ${host} is already in use (${what}); stop what holds it or choose another port`,
      );
    }
  }
}

export interface DevServer {
  child: ChildProcess;
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

export async function startDevServer(config: Config): Promise<DevServer> {
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
export async function waitForFrontend(
  config: Config,
  server: DevServer,
  timeoutMs = 60_000,
): Promise<Connection> {
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
