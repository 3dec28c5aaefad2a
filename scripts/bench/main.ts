// npm run bench — Refundflow's figures against the engine's floor, in one run on one dev server
// and one worker. Not part of the tests. One file per measurement (scripts/bench/<measurement>.ts);
// this one picks the sections and prints their figures. Sizes come from the environment:
//   BENCH_CASES (200)          cases per throughput batch (refund cases and baseline cases)
//   BENCH_THROUGHPUT_ROUNDS (3) throughput rounds (a batch of each kind per round, after a warm-up)
//   BENCH_OPEN_CASES (10000)   open cases for query and list latency
//   BENCH_STARTS (200)         sequential starts per start-latency series
//   BENCH_MEMORY_CASES (1000)  cached workflows (a backlog of first tasks) per memory/CPU figure
//   BENCH_SKIP_SUITE=1         skip timing the time-skipping lifecycle suite
//   BENCH_SIM_SCENARIOS (50)   scenarios in the case simulator's batch (each 60 days of case time)
//   BENCH_LEDGER_ROWS (100000) ledger rows the reports section seeds; BENCH_REPORT_RUNS (30) summaries timed
//   BENCH_ONLY                 comma-separated sections to run: bundle, evaluate, simulator,
//                              throughput, history, latency, start, open, ledger, memory, suite,
//                              reports
// Prints JSON on stdout; docs/BENCHMARKS.md holds a run's figures.
import os from 'node:os';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { startBenchStack } from './bench-stack';
import { measureBundles } from './bundle';
import { measureEvaluations } from './evaluate';
import { measureHistories } from './history';
import { measureLedgerWrite } from './ledger-write';
import { measureMemory } from './memory-runs';
import { measureOpenCases } from './open-cases';
import { measureReports } from './reports';
import { measureRequestLatency } from './request-latency';
import { benchSimulation } from './simulate';
import { measureStartLatency } from './start-latency';
import { measureSuite } from './suite';
import { log, num } from './support';
import { measureThroughput } from './throughput';

const CASES = num('BENCH_CASES', 200);
const OPEN_CASES = num('BENCH_OPEN_CASES', 10_000);
const STARTS = num('BENCH_STARTS', 200);
const MEMORY_CASES = num('BENCH_MEMORY_CASES', 1_000);
const ONLY = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
// The history section reads cases the throughput section paid.
const want = (section: string): boolean =>
  !ONLY || ONLY.includes(section) || (section === 'throughput' && ONLY.includes('history'));
const DEV_SERVER_SECTIONS = ['throughput', 'history', 'latency', 'start', 'open', 'ledger'];

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const results: Record<string, unknown> = {
    machine: { cpus: os.cpus().length, node: process.version },
    sizes: {
      BENCH_CASES: CASES,
      BENCH_OPEN_CASES: OPEN_CASES,
      BENCH_STARTS: STARTS,
      BENCH_MEMORY_CASES: MEMORY_CASES,
    },
  };
  const section = async (name: string, key: string, run: () => unknown): Promise<void> => {
    if (!want(name)) return;
    results[key] = await run();
    log(`${name} done: ${JSON.stringify(results[key])}`);
  };

  await section('bundle', 'bundle', measureBundles);
  await section('evaluate', 'policyEvaluationsPerSecond', measureEvaluations);
  await section('simulator', 'caseSimulation', () => benchSimulation());
  await section('reports', 'reportSummary', measureReports);
  if (DEV_SERVER_SECTIONS.some(want)) {
    const stack = await startBenchStack();
    try {
      await section('throughput', 'throughput', () => measureThroughput(stack, CASES));
      await section('history', 'history', () => measureHistories(stack));
      await section('latency', 'refundRequestLatency', () => measureRequestLatency(stack, STARTS));
      await section('start', 'startLatency', () => measureStartLatency(stack, STARTS));
      await section('open', 'openCases', () => measureOpenCases(stack, OPEN_CASES));
      await section('ledger', 'ledgerWrite', () => measureLedgerWrite(stack, CASES));
    } finally {
      await stack.close();
    }
  }
  if (want('memory')) Object.assign(results, measureMemory(MEMORY_CASES));
  if (!process.env.BENCH_SKIP_SUITE) await section('suite', 'timeSkippingSuite', measureSuite);

  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
