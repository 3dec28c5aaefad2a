// npm run bench — Refundflow's figures against the engine's floor, in one run on one dev server
// and one worker. Not part of the tests. Sizes come from the environment:
//   BENCH_CASES (200)          cases per throughput batch (refund cases and baseline cases)
//   BENCH_OPEN_CASES (10000)   open cases for query and list latency
//   BENCH_STARTS (200)         sequential starts per start-latency series
//   BENCH_MEMORY_CASES (1000)  cached workflows (a backlog of first tasks) per memory/CPU figure
//   BENCH_SKIP_SUITE=1         skip timing the time-skipping lifecycle suite
//   BENCH_SIM_SCENARIOS (50)   scenarios in the case simulator's batch (each 60 days of case time)
//   BENCH_ONLY                 comma-separated sections to run: bundle, evaluate, simulator,
//                              throughput, history, latency, start, open, memory, suite
// Prints JSON on stdout; docs/BENCHMARKS.md holds a run's figures.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { DefaultLogger, Runtime, bundleWorkflowCode } from '@temporalio/worker';
import {
  SandboxGateway,
  buildActivityDeps,
  createActivities,
  embeddedActivityConfig,
  embeddedFiles,
  type RefundActivities,
} from '../../activities';
import { createLogger } from '../../config/logger';
import { startApi } from '../../client/api/main';
import { buildDataConverter } from '../../codec/data-converter';
import { productionBundleOptions } from '../build-workflow-bundle';
import { RefundCases, caseFingerprint } from '../../client/refund-client';
import { evaluate, listPresets, type EvaluationInput } from '../../policies';
import { loadConfig } from '../../config';
import { createRefundWorker } from '../../worker/main';
import { workflowIdForOrder } from '../../workflows/case-state';
import {
  ADMIN_KEY,
  POLICY,
  cleanOrder,
  inPool,
  seedBilling,
  workerEnv,
} from '../../test/reliability/support';
import { devServerEnv, teardownServers, uniqueTaskQueue } from '../../test/support/servers';
import type { BaselineInput } from './baseline-workflows';
import { benchSimulation } from './simulate';

const num = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const CASES = num('BENCH_CASES', 200);
const OPEN_CASES = num('BENCH_OPEN_CASES', 10_000);
const STARTS = num('BENCH_STARTS', 200);
const MEMORY_CASES = num('BENCH_MEMORY_CASES', 1_000);
const ROOT = path.resolve(__dirname, '..', '..');
// BENCH_ONLY=history,latency runs only the named sections (all when unset).
const ONLY = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
// The history section reads cases the throughput section paid.
const want = (section: string): boolean =>
  !ONLY || ONLY.includes(section) || (section === 'throughput' && ONLY.includes('history'));
const DEV_SERVER_SECTIONS = ['throughput', 'history', 'latency', 'start', 'open'];

const quietBundler = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: console.error,
};
const log = (message: string): void => void process.stderr.write(`[bench] ${message}\n`);
const pct = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const round = (n: number, digits = 2): number => Number(n.toFixed(digits));
const ms = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const results: Record<string, unknown> = {
    machine: { cpus: require('node:os').cpus().length, node: process.version },
    sizes: {
      BENCH_CASES: CASES,
      BENCH_OPEN_CASES: OPEN_CASES,
      BENCH_STARTS: STARTS,
      BENCH_MEMORY_CASES: MEMORY_CASES,
    },
  };

  if (want('bundle')) {
    // ---- bundle sizes --------------------------------------------------------------------------
    // Every entry bundled on its own, with the options `npm run build` uses (the failure converter, a source map without sources),
    // so the ratios compare workflow code only.
    const bundleOf = async (entry: string) =>
      (
        await bundleWorkflowCode({
          workflowsPath: require.resolve(entry),
          logger: quietBundler,
          ...productionBundleOptions,
        })
      ).code.length;
    const bundleBytes = {
      refund: await bundleOf('../../workflows'),
      baseline: await bundleOf('./baseline-workflows'),
      sleeper: await bundleOf('./sleeper-workflow'),
      trivial: await bundleOf('./trivial-workflow'),
    };
    results.bundle = {
      bytes: bundleBytes,
      ratioRefundToTrivial: round(bundleBytes.refund / bundleBytes.trivial),
    };
  }
  if (want('evaluate')) {
    // ---- policy evaluations per second ---------------------------------------------------------
    const evals: Record<string, number> = {};
    for (const policy of listPresets()) {
      const order = cleanOrder('eval');
      const input = {
        order,
        request: { requestedAt: new Date().toISOString(), reason: 'changed_mind' },
        usage: { used: 10 },
      } as EvaluationInput;
      let n = 0;
      const start = process.hrtime.bigint();
      while (ms(start) < 1_000) {
        for (let i = 0; i < 100; i++) evaluate(policy, input);
        n += 100;
      }
      evals[policy.id] = Math.round(n / (ms(start) / 1000));
    }
    results.policyEvaluationsPerSecond = evals;
    log(`bundle and evaluate done`);
  }
  if (want('simulator')) {
    // ---- the case simulator: a batch on its own time-skipping server -----------------------------
    results.caseSimulation = await benchSimulation();
    log(`case simulation: ${JSON.stringify(results.caseSimulation)}`);
  }
  if (DEV_SERVER_SECTIONS.some(want)) {
    // ---- one dev server, one worker, refund and baseline workflows side by side ---------------
    const env = await devServerEnv();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'refundflow-bench-'));
    const taskQueue = uniqueTaskQueue('bench');
    const config = loadConfig({
      ...workerEnv(env.address, taskQueue, dataDir),
      REFUNDFLOW_API_KEYS: `admin:${ADMIN_KEY}`,
    });
    const deps = buildActivityDeps(embeddedActivityConfig(dataDir));
    // The refund case and the baseline each on a worker of their own, from their own bundle (the
    // baseline's carries nothing of the case), on the same server, connection and activities.
    const bundleFor = (entry: string) =>
      bundleWorkflowCode({
        workflowsPath: require.resolve(entry),
        logger: quietBundler,
        ...productionBundleOptions,
      });
    const activities = createActivities(deps) as RefundActivities;
    const { worker } = await createRefundWorker(config, {
      connection: env.nativeConnection,
      activities,
      overrides: {
        workflowBundle: await bundleFor('../../workflows'),
        workflowsPath: undefined,
        maxCachedWorkflows: 2_000,
      },
    });
    const baselineQueue = uniqueTaskQueue('bench-baseline');
    const { worker: baselineWorker } = await createRefundWorker(config, {
      connection: env.nativeConnection,
      activities,
      overrides: {
        taskQueue: baselineQueue,
        workflowBundle: await bundleFor('./baseline-workflows'),
        workflowsPath: undefined,
        maxCachedWorkflows: 2_000,
      },
    });
    const baselineRunning = baselineWorker.run();
    const running = worker.run();
    const client = new Client({
      connection: env.client.connection,
      namespace: 'default',
      dataConverter: buildDataConverter(config.encryption),
    });
    const cases = new RefundCases(client, taskQueue);
    const api = await startApi(config, { client, host: '127.0.0.1', port: 0, logger: createLogger('silent') });

    // The gateway back office: settle at once and tell the workflow directly (a signal, as the webhook would).
    const gateway = SandboxGateway.open(path.join(dataDir, embeddedFiles.gateway));
    let settling = true;
    const settler = (async () => {
      while (settling) {
        const settled = gateway.settleDue(new Date(), () => ({ status: 'succeeded' }), 500);
        await Promise.all(
          settled.map((r) =>
            r.orderId.startsWith('base-')
              ? client.workflow.getHandle(`baseline-${r.orderId}`).signal('baselineSettled', {})
              : cases.paymentUpdate(r.orderId, {
                  eventId: `evt-${r.refundId}`,
                  refundId: r.refundId,
                  status: 'succeeded',
                }),
          ),
        );
        if (settled.length === 0) await new Promise((r) => setTimeout(r, 50));
      }
    })();

    if (want('throughput')) {
      // ---- throughput: refund cases vs baseline, ABAB ---------------------------------------------
      const batch = async (kind: 'refund' | 'baseline', round: number): Promise<number> => {
        const orders = Array.from({ length: CASES }, () =>
          cleanOrder(kind === 'baseline' ? `base-r${round}` : `case-r${round}`),
        );
        seedBilling(dataDir, orders);
        const start = process.hrtime.bigint();
        await inPool(orders, 50, async (o) => {
          if (kind === 'refund') {
            await cases.start(POLICY, o);
            await cases.requestRefund(o.orderId, { reason: 'changed_mind' });
            await cases.handle(o.orderId).result();
          } else {
            const input: BaselineInput = {
              orderId: o.orderId,
              customerId: o.customerId,
              amountMinor: o.amountMinor,
              currency: o.currency,
            };
            const handle = await client.workflow.start('baselineCase', {
              taskQueue: baselineQueue,
              workflowId: `baseline-${o.orderId}`,
              args: [input],
            });
            await handle.executeUpdate('baselineRequest', { args: [{}] });
            await handle.result();
          }
        });
        return CASES / (ms(start) / 1000);
      };
      const throughput: { refund: number[]; baseline: number[] } = { refund: [], baseline: [] };
      for (let r = 0; r < 2; r++) {
        throughput.baseline.push(await batch('baseline', r));
        throughput.refund.push(await batch('refund', r));
        log(`throughput round ${r}: ${JSON.stringify(throughput)}`);
      }
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      results.throughput = {
        casesPerBatch: CASES,
        concurrency: 50,
        refundCasesPerSecond: throughput.refund.map((x) => round(x)),
        baselineCasesPerSecond: throughput.baseline.map((x) => round(x)),
        ratio: round(mean(throughput.refund) / mean(throughput.baseline)),
      };
    }
    if (want('history')) {
      // ---- history events and bytes per case, per path --------------------------------------------
      const historyOf = async (workflowId: string) => {
        const history = await client.workflow.getHandle(workflowId).fetchHistory();
        return {
          events: history.events?.length ?? 0,
          bytes: temporal.api.history.v1.History.encode(history).finish().length,
        };
      };
      const paidSample = (await cases.list({ status: 'paid', limit: 1 }))[0]!;
      const openOrder = cleanOrder('hist-open');
      await cases.start(POLICY, openOrder);
      await cases.read(openOrder.orderId);
      const deniedOrder = cleanOrder('hist-denied', {
        purchasedAt: new Date(Date.now() - 10 * 86_400_000).toISOString(),
        invoicedAt: new Date(Date.now() - 10 * 86_400_000).toISOString(),
      });
      seedBilling(dataDir, [deniedOrder]);
      await cases.start(POLICY, deniedOrder);
      // A case whose window closed before it started may already be closed; the row reads its status.
      await cases.requestRefund(deniedOrder.orderId, { reason: 'changed_mind' }).catch(() => undefined);
      let baselineSample = { workflowId: '' };
      for await (const wf of client.workflow.list({ query: `WorkflowType = 'baselineCase'`, pageSize: 1 })) {
        baselineSample = wf;
        break;
      }
      const paidHistory = await historyOf(paidSample.workflowId);
      const baselineHistory = await historyOf(baselineSample.workflowId);
      results.history = {
        paid: paidHistory,
        open: await historyOf(workflowIdForOrder(openOrder.orderId)),
        deniedWindowExpired: {
          ...(await historyOf(workflowIdForOrder(deniedOrder.orderId))),
          status: (await cases.read(deniedOrder.orderId)).status,
        },
        baselinePaid: baselineHistory,
        paidToBaseline: {
          events: round(paidHistory.events / baselineHistory.events),
          bytes: round(paidHistory.bytes / baselineHistory.bytes),
        },
      };
      log(`history done: ${JSON.stringify(results.history)}`);
    }
    if (want('latency')) {
      // ---- refund-request latency: the API's answer for a mechanical refund vs a bare update ---------
      // Each sample on a fresh case whose first task has run; the bare update goes to a workflow whose
      // handler answers at once, on the same server and worker: the floor of any update round trip.
      const requestLat: number[] = [];
      const bareLat: number[] = [];
      // Where the API's time goes: the update alone (typed client, no HTTP) and the case read the
      // route answers with (a query after the update).
      const updateLat: number[] = [];
      const readLat: number[] = [];
      const requestOrders = Array.from({ length: STARTS }, () => cleanOrder('req-lat'));
      const updateOrders = Array.from({ length: STARTS }, () => cleanOrder('upd-lat'));
      seedBilling(dataDir, [...requestOrders, ...updateOrders]);
      for (const o of requestOrders) {
        await cases.start(POLICY, o);
        await cases.read(o.orderId);
        let t = process.hrtime.bigint();
        const res = await fetch(`${api.url}/v1/cases/${encodeURIComponent(o.orderId)}/refund-requests`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ reason: 'changed_mind' }),
        });
        await res.text();
        if (res.status !== 200) throw new Error(`API refund request answered ${res.status}`);
        requestLat.push(ms(t));
        const u = updateOrders[requestLat.length - 1]!;
        await cases.start(POLICY, u);
        await cases.read(u.orderId);
        t = process.hrtime.bigint();
        await cases.requestRefund(u.orderId, { reason: 'changed_mind' });
        updateLat.push(ms(t));
        t = process.hrtime.bigint();
        await cases.read(u.orderId);
        readLat.push(ms(t));
        const bare = await client.workflow.start('bareCase', {
          taskQueue: baselineQueue,
          workflowId: `bare-${o.orderId}`,
        });
        await bare.query('__stack_trace').catch(() => undefined);
        t = process.hrtime.bigint();
        await bare.executeUpdate('bareUpdate', { args: [{}] });
        bareLat.push(ms(t));
        await bare.terminate('bench sample done');
      }
      results.refundRequestLatency = {
        samples: requestLat.length,
        apiMs: { p50: round(pct(requestLat, 50)), p99: round(pct(requestLat, 99)) },
        bareUpdateMs: { p50: round(pct(bareLat, 50)), p99: round(pct(bareLat, 99)) },
        requestUpdateOnlyMs: { p50: round(pct(updateLat, 50)), p99: round(pct(updateLat, 99)) },
        caseReadAfterMs: { p50: round(pct(readLat, 50)), p99: round(pct(readLat, 99)) },
        updateOnlyRatioP50: round(pct(updateLat, 50) / pct(bareLat, 50)),
        ratio: {
          p50: round(pct(requestLat, 50) / pct(bareLat, 50)),
          p99: round(pct(requestLat, 99) / pct(bareLat, 99)),
        },
      };
      log(`refund-request latency done: ${JSON.stringify(results.refundRequestLatency)}`);
    }
    if (want('start')) {
      // ---- start latency: API vs raw client --------------------------------------------------------
      const apiStart = async (): Promise<number> => {
        const o = cleanOrder('api-start');
        const t = process.hrtime.bigint();
        const res = await fetch(`${api.url}/v1/cases`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ policyId: POLICY.id, order: o }),
        });
        await res.text();
        if (res.status !== 201) throw new Error(`API start answered ${res.status}`);
        return ms(t);
      };
      const rawStart = async (): Promise<number> => {
        const o = cleanOrder('raw-start');
        const t = process.hrtime.bigint();
        await client.workflow.start('refundCase', {
          taskQueue,
          workflowId: workflowIdForOrder(o.orderId),
          args: [{ policy: POLICY, order: o, fingerprint: caseFingerprint(POLICY, o) }],
        });
        const elapsed = ms(t);
        // Untimed: let its first workflow task finish, so it does not compete with the next sample.
        await cases.read(o.orderId);
        return elapsed;
      };
      // The floor for an answer that carries the case state: the start, then the first query, which
      // waits for the case's first workflow task on the worker and then for a query task.
      const rawStartAndQuery = async (): Promise<number> => {
        const o = cleanOrder('raw-start-query');
        const t = process.hrtime.bigint();
        await cases.start(POLICY, o);
        await cases.read(o.orderId);
        return ms(t);
      };
      const apiLat: number[] = [];
      const rawLat: number[] = [];
      const rawQueryLat: number[] = [];
      for (let i = 0; i < STARTS; i++) {
        rawLat.push(await rawStart());
        rawQueryLat.push(await rawStartAndQuery());
        apiLat.push(await apiStart());
      }
      const concurrentStarts = Math.max(STARTS, 200);
      const tStarts = process.hrtime.bigint();
      await inPool(Array.from({ length: concurrentStarts }), 20, async () => void (await apiStart()));
      const apiStartsPerSecond = concurrentStarts / (ms(tStarts) / 1000);
      results.startLatency = {
        sequentialStarts: STARTS,
        apiMs: { p50: round(pct(apiLat, 50)), p99: round(pct(apiLat, 99)) },
        rawClientMs: { p50: round(pct(rawLat, 50)), p99: round(pct(rawLat, 99)) },
        rawClientStartAndQueryMs: { p50: round(pct(rawQueryLat, 50)), p99: round(pct(rawQueryLat, 99)) },
        ratio: {
          p50: round(pct(apiLat, 50) / pct(rawLat, 50)),
          p99: round(pct(apiLat, 99) / pct(rawLat, 99)),
        },
        ratioToStartAndQuery: {
          p50: round(pct(apiLat, 50) / pct(rawQueryLat, 50)),
          p99: round(pct(apiLat, 99) / pct(rawQueryLat, 99)),
        },
        apiStartsPerSecond: { value: round(apiStartsPerSecond), starts: concurrentStarts, concurrency: 20 },
      };
      log(`start latency done: ${JSON.stringify(results.startLatency)}`);
    }
    if (want('open')) {
      // ---- open cases: query and list latency with N open ----------------------------------------
      const opened: string[] = [];
      const openMore = async (n: number) => {
        const orders = Array.from({ length: n }, () => cleanOrder('open'));
        await inPool(orders, 50, async (o) => {
          await cases.start(POLICY, o);
          opened.push(o.orderId);
        });
      };
      const tOpen = process.hrtime.bigint();
      await openMore(OPEN_CASES);
      const openStartsPerSecond = OPEN_CASES / (ms(tOpen) / 1000);
      // Starts are accepted faster than one worker runs the cases' first workflow tasks; a query on a
      // case whose first task has not run waits behind that backlog (and can time out). Measure how
      // long the backlog takes to drain — a case's first task sets its next deadline — then query.
      const backlog = `TaskQueue = '${taskQueue}' AND RefundStatus = 'open' AND RefundNextDeadline IS NULL`;
      let pending = Infinity;
      while (pending > 0) {
        await new Promise((r) => setTimeout(r, 2_000));
        pending = (await client.workflow.count(backlog)).count;
        log(`open cases whose first task has not run: ${pending}`);
      }
      const firstTasksPerSecond = OPEN_CASES / (ms(tOpen) / 1000);
      log(`${opened.length} open cases`);
      // Random cases: with more open cases than the worker caches (2,000), most were evicted, so the
      // query replays the case's history first. The last 1,000 opened are still cached.
      const queryLat: number[] = [];
      const cachedQueryLat: number[] = [];
      for (let i = 0; i < 300; i++) {
        let t = process.hrtime.bigint();
        await cases.read(opened[Math.floor(Math.random() * opened.length)]!);
        queryLat.push(ms(t));
        t = process.hrtime.bigint();
        await cases.read(
          opened[opened.length - 1 - Math.floor(Math.random() * Math.min(1_000, opened.length))]!,
        );
        cachedQueryLat.push(ms(t));
      }
      const listLat: number[] = [];
      const countLat: number[] = [];
      // One list and one set of counts a second, as support pages do. Back to back, the twelve counts
      // exceed the namespace's visibility rate limit and the client's retry backoff (1–2 s) is measured.
      for (let i = 0; i < 30; i++) {
        await new Promise((r) => setTimeout(r, 1_000));
        let t = process.hrtime.bigint();
        await cases.list({ status: 'open', limit: 100 });
        listLat.push(ms(t));
        t = process.hrtime.bigint();
        await cases.countByStatus();
        countLat.push(ms(t));
      }
      results.openCases = {
        openCases: opened.length,
        startsPerSecondWhileFilling: round(openStartsPerSecond),
        firstWorkflowTasksPerSecond: round(firstTasksPerSecond),
        caseStateQueryMs: {
          p50: round(pct(queryLat, 50)),
          p99: round(pct(queryLat, 99)),
          samples: queryLat.length,
        },
        caseStateQueryCachedMs: {
          p50: round(pct(cachedQueryLat, 50)),
          p99: round(pct(cachedQueryLat, 99)),
          samples: cachedQueryLat.length,
        },
        list100Ms: { p50: round(pct(listLat, 50)), p99: round(pct(listLat, 99)), samples: listLat.length },
        countByStatusMs: {
          p50: round(pct(countLat, 50)),
          p99: round(pct(countLat, 99)),
          samples: countLat.length,
        },
      };
      log('open cases done');
    }
    settling = false;
    await settler;
    await api.close();
    worker.shutdown();
    baselineWorker.shutdown();
    await Promise.all([running, baselineRunning]);
    await deps.close();
    await gateway.close();
    await teardownServers();
    rmSync(dataDir, { recursive: true, force: true });
  }

  if (want('memory')) {
    // ---- worker memory and CPU per cached workflow: refund case vs baseline vs a sleeping workflow ---
    // Each in a process of its own (scripts/bench/memory.ts), from its own bundle, so RSS and CPU hold
    // nothing but that kind. The refund case once more with the SDK's workflow-task defaults, to show
    // what the configured pollers and slots (config/index.ts) change.
    const runs: Array<{ name: string; kind: string; workerOptions: string }> = [
      { name: 'sleeper', kind: 'sleeper', workerOptions: 'configured' },
      { name: 'sleeperInCaseBundle', kind: 'sleeperInCaseBundle', workerOptions: 'configured' },
      { name: 'baseline', kind: 'baseline', workerOptions: 'configured' },
      { name: 'refund', kind: 'refund', workerOptions: 'configured' },
      { name: 'refundSdkDefaults', kind: 'refund', workerOptions: 'sdk-defaults' },
    ];
    const memory: Record<string, number> = {};
    const cpuPerTask: Record<string, number> = {};
    const firstTasks: Record<string, number> = {};
    for (const { name, kind, workerOptions } of runs) {
      const run = spawnSync('npx', ['tsx', path.join(__dirname, 'memory.ts')], {
        cwd: ROOT,
        encoding: 'utf8',
        env: {
          ...process.env,
          BENCH_MEMORY_KIND: kind,
          BENCH_MEMORY_CASES: String(MEMORY_CASES),
          BENCH_WORKER_OPTIONS: workerOptions,
        },
      });
      const line = run.stdout.trim().split('\n').pop() ?? '';
      if (run.status !== 0 || !line.startsWith('{'))
        throw new Error(`memory run for ${name} failed: ${run.stderr}`);
      const figures = JSON.parse(line) as {
        perCachedKiB: number;
        cpuMsPerFirstTask: number;
        firstTasksPerSecond: number;
      };
      memory[name] = round(figures.perCachedKiB, 1);
      cpuPerTask[name] = round(figures.cpuMsPerFirstTask);
      firstTasks[name] = round(figures.firstTasksPerSecond, 1);
      log(
        `${name}: ${memory[name]} KiB per cached workflow, ${cpuPerTask[name]} ms CPU per first task, ${firstTasks[name]} first tasks/s`,
      );
    }
    results.workerMemory = {
      note: `RSS growth per cached workflow while a backlog of ${MEMORY_CASES} first tasks ran and stayed cached, each kind in its own process and bundle`,
      perCachedKiB: memory,
      ratioRefundToSleeper: round(memory.refund! / memory.sleeper!),
      ratioRefundToBaseline: round(memory.refund! / memory.baseline!),
      ratioSleeperInCaseBundleToSleeper: round(memory.sleeperInCaseBundle! / memory.sleeper!),
    };
    results.firstWorkflowTasks = {
      note: `a backlog of ${MEMORY_CASES} workflows started before the worker ran; the worker process's CPU per first task and first tasks per second`,
      cpuMsPerFirstTask: cpuPerTask,
      ratioCpuRefundToSleeper: round(cpuPerTask.refund! / cpuPerTask.sleeper!),
      ratioCpuSleeperInCaseBundleToSleeper: round(cpuPerTask.sleeperInCaseBundle! / cpuPerTask.sleeper!),
      perSecond: firstTasks,
      ratioRefundToSleeper: round(firstTasks.refund! / firstTasks.sleeper!),
      ratioConfiguredToSdkDefaults: round(firstTasks.refund! / firstTasks.refundSdkDefaults!),
    };
  }
  // ---- the time-skipping lifecycle suite's wall time ---------------------------------------------
  if (want('suite') && !process.env.BENCH_SKIP_SUITE) {
    const t = process.hrtime.bigint();
    const run = spawnSync(
      'npx',
      [
        'mocha',
        '--no-config',
        '--require',
        'tsx/cjs',
        '--require',
        'test/support/hooks.ts',
        '--extension',
        'ts',
        '--timeout',
        '300000',
        '--exit',
        'test/workflows/*.test.ts',
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    const passing = /(\d+) passing/.exec(run.stdout)?.[1];
    results.timeSkippingSuite = {
      wallSeconds: round(ms(t) / 1000, 1),
      exitCode: run.status,
      passing: Number(passing ?? 0),
    };
  }

  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
