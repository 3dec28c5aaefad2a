// npm run bench:cluster — the production topology's figures (cluster/), as ratios within one run:
//   boot time of the cluster vs the CLI dev server; case start latency on each;
//   refund cases vs the baseline workflow per second on the dev server with one worker process,
//   then on the cluster with one worker process and with two (the same worker, adapters and
//   sizes), and the CPU each component used meanwhile (what limits throughput on this machine).
// Sizes: BENCH_CLUSTER_CASES (100) per batch, BENCH_CLUSTER_STARTS (100) per latency series.
// Prints JSON on stdout; docs/BENCHMARKS.md holds a run's figures.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, type Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { SandboxGateway } from '../../activities';
import { buildDataConverter, workflowBundlerOptions } from '../../codec/data-converter';
import { RefundCases, caseFingerprint } from '../../client/refund-client';
import { Cluster, NAMESPACE, freeClusterPorts } from '../../cluster/cluster';
import { waitFor } from '../../cluster/processes';
import { workflowIdForOrder } from '../../workflows/case-state';
import { POLICY, cleanOrder, devServerEnv, inPool, seedBilling, teardownDevServer } from './support';
import type { BaselineInput } from './baseline-workflows';

const CASES = Number(process.env.BENCH_CLUSTER_CASES ?? 100);
const STARTS = Number(process.env.BENCH_CLUSTER_STARTS ?? 100);
const TASK_QUEUE = 'bench-cluster';
const DEV_TASK_QUEUE = 'bench-dev';
const quietBundler = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: console.error,
};
const log = (message: string): void => void process.stderr.write(`[bench:cluster] ${message}\n`);
const round = (n: number, digits = 2): number => Number(n.toFixed(digits));
const ms = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;
const pct = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const TICK = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a process and its children have used so far. */
function cpuSeconds(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / TICK;
  } catch {
    return 0;
  }
}

/** PostgreSQL's backends are children of the postmaster: sum them all. */
function postgresCpu(postmaster: number | undefined): number {
  if (!postmaster) return 0;
  let total = cpuSeconds(postmaster);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.split(') ')[1]!.split(' ')[1]) === postmaster) total += cpuSeconds(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

async function startLatency(client: Client, label: string): Promise<{ p50: number; p95: number }> {
  const samples: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    const o = cleanOrder(`${label}-start`);
    const t = process.hrtime.bigint();
    // A task queue no worker polls: the figure is the start round trip alone, as on the dev server.
    await client.workflow.start('refundCase', {
      taskQueue: `${label}-unpolled`,
      workflowId: workflowIdForOrder(o.orderId),
      args: [{ policy: POLICY, order: o, fingerprint: caseFingerprint(POLICY, o) }],
    });
    samples.push(ms(t));
  }
  return { p50: round(pct(samples, 50)), p95: round(pct(samples, 95)) };
}

async function main(): Promise<void> {
  const results: Record<string, unknown> = {
    machine: { cpus: os.cpus().length, node: process.version },
    sizes: { CASES, STARTS },
  };
  const dataDir = mkdtempSync(path.join(tmpdir(), 'refundflow-bench-cluster-'));
  let cluster: Cluster | undefined;
  const workers: ChildProcess[] = [];
  try {
    // ---- boot: the dev server vs the cluster (fresh data folders both) ----------------------
    let t = process.hrtime.bigint();
    const dev = await devServerEnv();
    const devBootMs = ms(t);
    t = process.hrtime.bigint();
    cluster = await Cluster.start({
      dataDir,
      ports: await freeClusterPorts(),
      workers: 0,
      settler: false,
      env: { LOG_LEVEL: 'warn' },
    });
    const clusterBootMs = ms(t);
    log(`booted: dev ${Math.round(devBootMs)} ms, cluster ${Math.round(clusterBootMs)} ms`);

    const connection: Connection = await cluster.connect();
    const client = new Client({
      connection,
      namespace: NAMESPACE,
      dataConverter: buildDataConverter(cluster.config.encryption),
    });
    const devClient = new Client({
      connection: dev.client.connection,
      namespace: 'default',
      dataConverter: buildDataConverter(cluster.config.encryption),
    });
    const cases = new RefundCases(client, TASK_QUEUE);
    const devCases = new RefundCases(devClient, DEV_TASK_QUEUE);

    // ---- start latency, dev server then cluster, then again (ABAB) -------------------------
    const latency = {
      dev: [] as { p50: number; p95: number }[],
      cluster: [] as { p50: number; p95: number }[],
    };
    for (let r = 0; r < 2; r++) {
      latency.dev.push(await startLatency(devClient, `dev-r${r}`));
      latency.cluster.push(await startLatency(client, `cl-r${r}`));
    }
    const meanOf = (xs: { p50: number }[]) => xs.reduce((a, b) => a + b.p50, 0) / xs.length;
    results.boot = {
      devServerMs: Math.round(devBootMs),
      clusterMs: Math.round(clusterBootMs),
      ratio: round(clusterBootMs / devBootMs),
    };
    results.startLatencyMs = { ...latency, p50Ratio: round(meanOf(latency.cluster) / meanOf(latency.dev)) };
    log(`start latency ${JSON.stringify(results.startLatencyMs)}`);

    // ---- throughput on the cluster: one worker process, then two --------------------------
    const bundle = await bundleWorkflowCode({
      workflowsPath: require.resolve('./cluster-workflows'),
      logger: quietBundler,
      ...workflowBundlerOptions,
    });
    const bundleFile = path.join(dataDir, 'bench-bundle.js');
    writeFileSync(bundleFile, bundle.code);
    const spawnWorker = async (n: number, onDev = false): Promise<ChildProcess> => {
      // The same worker process and adapters; only the Temporal server differs.
      const server = onDev
        ? {
            TEMPORAL_ADDRESS: dev.address,
            TEMPORAL_NAMESPACE: 'default',
            TEMPORAL_TASK_QUEUE: DEV_TASK_QUEUE,
            TEMPORAL_TLS_CERT_PATH: '',
            TEMPORAL_TLS_KEY_PATH: '',
            TEMPORAL_TLS_CA_PATH: '',
            TEMPORAL_TLS_SERVER_NAME: '',
          }
        : { TEMPORAL_TASK_QUEUE: TASK_QUEUE };
      const child = spawn(
        process.execPath,
        ['--require', require.resolve('tsx/cjs'), path.join(__dirname, 'cluster-worker.ts')],
        {
          env: {
            ...process.env,
            ...cluster!.workerEnv,
            ...server,
            REFUNDFLOW_DATA_DIR: path.join(dataDir, `bench-worker-${onDev ? 'dev' : n}`),
            NODE_EXTRA_CA_CERTS: path.join(cluster!.layout.tls, 'ca.pem'),
            BENCH_BUNDLE: bundleFile,
          },
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      let out = '';
      child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
      await waitFor(`bench worker ${n}`, () => out.includes('ready'), 120_000, 100);
      return child;
    };

    // The gateway's back office, settling at once and signalling the workflow directly.
    const gateway = SandboxGateway.open(cluster.layout.gateway);
    let settling = true;
    const settler = (async () => {
      while (settling) {
        const settled = gateway.settleDue(new Date(), () => ({ status: 'succeeded' }), 500);
        await Promise.all(
          settled.map((r) =>
            r.orderId.startsWith('base-')
              ? (r.orderId.startsWith('base-dev') ? devClient : client).workflow
                  .getHandle(`baseline-${r.orderId}`)
                  .signal('baselineSettled', {})
              : (r.orderId.startsWith('case-dev') ? devCases : cases).paymentUpdate(r.orderId, {
                  eventId: `evt-${r.refundId}`,
                  refundId: r.refundId,
                  status: 'succeeded',
                }),
          ),
        );
        if (settled.length === 0) await new Promise((r) => setTimeout(r, 50));
      }
    })();

    const cpuNow = () => ({
      workers: workers.reduce((a, w) => a + cpuSeconds(w.pid), 0),
      temporal: Object.values(cluster!.services).reduce((a, s) => a + cpuSeconds(s.pid), 0),
      postgres: postgresCpu(cluster!.postgres.pid),
      benchClient: process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6,
    });
    const batch = async (kind: 'refund' | 'baseline', label: string, onDev = false) => {
      const target = onDev
        ? { client: devClient, cases: devCases, taskQueue: DEV_TASK_QUEUE }
        : { client, cases, taskQueue: TASK_QUEUE };
      const orders = Array.from({ length: CASES }, () =>
        cleanOrder(kind === 'baseline' ? `base-${label}` : `case-${label}`),
      );
      seedBilling(cluster!.layout.provider, orders);
      const before = cpuNow();
      const start = process.hrtime.bigint();
      await inPool(orders, 50, async (o) => {
        if (kind === 'refund') {
          await target.cases.start(POLICY, o);
          await target.cases.requestRefund(o.orderId, { reason: 'changed_mind' });
          await target.cases.handle(o.orderId).result();
        } else {
          const input: BaselineInput = {
            orderId: o.orderId,
            customerId: o.customerId,
            amountMinor: o.amountMinor,
            currency: o.currency,
          };
          const handle = await target.client.workflow.start('baselineCase', {
            taskQueue: target.taskQueue,
            workflowId: `baseline-${o.orderId}`,
            args: [input],
          });
          await handle.executeUpdate('baselineRequest', { args: [{}] });
          await handle.result();
        }
      });
      const seconds = ms(start) / 1000;
      const after = cpuNow();
      const cpu = Object.fromEntries(
        Object.entries(after).map(([k, v]) => [k, round((v - before[k as keyof typeof before]) / seconds)]),
      );
      return { perSecond: round(CASES / seconds), cpuCoresUsed: cpu };
    };
    const throughput: Record<string, unknown> = {};
    // The dev server with one worker process: the same worker, adapters and sizes.
    const devWorker = await spawnWorker(0, true);
    workers.push(devWorker);
    {
      const baseline = await batch('baseline', 'dev', true);
      const refund = await batch('refund', 'dev', true);
      throughput['dev-server-1-worker'] = {
        refund,
        baseline,
        ratio: round(refund.perSecond / baseline.perSecond),
      };
      log(`throughput on the dev server: ${JSON.stringify(throughput['dev-server-1-worker'])}`);
    }
    devWorker.kill('SIGTERM');
    await new Promise((r) => devWorker.once('exit', r));
    workers.splice(workers.indexOf(devWorker), 1);
    for (const n of [1, 2]) {
      while (workers.length < n) workers.push(await spawnWorker(workers.length + 1));
      const baseline = await batch('baseline', `w${n}`);
      const refund = await batch('refund', `w${n}`);
      const key = `cluster-${n}-worker${n > 1 ? 's' : ''}`;
      throughput[key] = { refund, baseline, ratio: round(refund.perSecond / baseline.perSecond) };
      log(`throughput ${key}: ${JSON.stringify(throughput[key])}`);
    }
    settling = false;
    await settler;
    await gateway.close();
    results.throughput = { casesPerBatch: CASES, concurrency: 50, ...throughput };
    await connection.close();
  } finally {
    for (const w of workers) {
      if (w.exitCode !== null) continue;
      w.kill('SIGTERM');
      await new Promise((r) => w.once('exit', r));
    }
    await cluster?.stop();
    await teardownDevServer();
    rmSync(dataDir, { recursive: true, force: true });
  }
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
