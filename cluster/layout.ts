// Where the cluster lives and listens: its tools, its ports (fixed or free ones for a test), its
// options, the files under its data folder, and the secrets it keeps there.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { embeddedFiles } from '../activities';
import { DEFAULT_TASK_QUEUE } from '../config/defaults';
import { freeLowPort } from './processes';

export const ROOT = path.resolve(__dirname, '..');
export const TOOLS_BIN = path.join(ROOT, '.tools', 'bin');
export const TEMPORAL_SERVER = path.join(TOOLS_BIN, 'temporal-server');
export const SQL_TOOL = path.join(TOOLS_BIN, 'temporal-sql-tool');
export const SCHEMA_DIR = path.join(ROOT, '.tools', 'temporal-schema', 'postgresql', 'v12');
export const DEPLOY = path.join(ROOT, 'deploy', 'temporal');

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
export const FRONTEND_TLS_NAME = 'temporal-frontend';
export const PG_SUPERUSER = 'temporal';
export const PG_APP_USER = 'refundflow';

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
export type Layout = ReturnType<typeof clusterLayout>;

export function secret(file: string): string {
  if (existsSync(file)) {
    const value = readFileSync(file, 'utf8').trim();
    if (value) return value;
  }
  const value = randomBytes(24).toString('base64url');
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return value;
}
