// Worker memory and CPU per cached workflow: the refund case against a true sleeper, the baseline
// and the old floor (a sleeper in the case's bundle), each in a process of its own
// (scripts/bench/memory.ts) and from its own bundle, so RSS and CPU hold nothing but that kind. The
// refund case once more with the SDK's workflow-task defaults, to show what worker/tuning.ts changes.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT, log, round } from './support';

const RUNS = [
  { name: 'sleeper', kind: 'sleeper', workerOptions: 'configured' },
  { name: 'sleeperInCaseBundle', kind: 'sleeperInCaseBundle', workerOptions: 'configured' },
  { name: 'baseline', kind: 'baseline', workerOptions: 'configured' },
  { name: 'refund', kind: 'refund', workerOptions: 'configured' },
  { name: 'refundSdkDefaults', kind: 'refund', workerOptions: 'sdk-defaults' },
] as const;

interface Figures {
  perCachedKiB: number;
  cpuMsPerFirstTask: number;
  firstTasksPerSecond: number;
}

export function measureMemory(cached: number): Record<string, unknown> {
  const memory: Record<string, number> = {};
  const cpuPerTask: Record<string, number> = {};
  const firstTasks: Record<string, number> = {};
  for (const { name, kind, workerOptions } of RUNS) {
    const run = spawnSync('npx', ['tsx', path.join(__dirname, 'memory.ts')], {
      cwd: ROOT,
      encoding: 'utf8',
      env: {
        ...process.env,
        BENCH_MEMORY_KIND: kind,
        BENCH_MEMORY_CASES: String(cached),
        BENCH_WORKER_OPTIONS: workerOptions,
      },
    });
    const line = run.stdout.trim().split('\n').pop() ?? '';
    if (run.status !== 0 || !line.startsWith('{'))
      throw new Error(`memory run for ${name} failed: ${run.stderr}`);
    const figures = JSON.parse(line) as Figures;
    memory[name] = round(figures.perCachedKiB, 1);
    cpuPerTask[name] = round(figures.cpuMsPerFirstTask);
    firstTasks[name] = round(figures.firstTasksPerSecond, 1);
    log(
      `${name}: ${memory[name]} KiB per cached workflow, ${cpuPerTask[name]} ms CPU per first task, ${firstTasks[name]} first tasks/s`,
    );
  }
  return {
    workerMemory: {
      note: `RSS growth per cached workflow while a backlog of ${cached} first tasks ran and stayed cached, each kind in its own process and bundle`,
      perCachedKiB: memory,
      ratioRefundToSleeper: round(memory.refund! / memory.sleeper!),
      ratioRefundToBaseline: round(memory.refund! / memory.baseline!),
      ratioSleeperInCaseBundleToSleeper: round(memory.sleeperInCaseBundle! / memory.sleeper!),
    },
    firstWorkflowTasks: {
      note: `a backlog of ${cached} workflows started before the worker ran; the worker process's CPU per first task and first tasks per second`,
      cpuMsPerFirstTask: cpuPerTask,
      ratioCpuRefundToSleeper: round(cpuPerTask.refund! / cpuPerTask.sleeper!),
      ratioCpuSleeperInCaseBundleToSleeper: round(cpuPerTask.sleeperInCaseBundle! / cpuPerTask.sleeper!),
      perSecond: firstTasks,
      ratioRefundToSleeper: round(firstTasks.refund! / firstTasks.sleeper!),
      ratioConfiguredToSdkDefaults: round(firstTasks.refund! / firstTasks.refundSdkDefaults!),
    },
  };
}
