// The case simulator's row of `npm run bench`: a batch of BENCH_SIM_SCENARIOS (50) scenarios, each
// spanning 60 days of case time, on one time-skipping test server; scenarios per second including
// the server's start, and where the time goes (bundle, server start, the run). Also runnable alone:
//   npx tsx scripts/bench/simulate.ts
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { parseScenarios, simulate, simulatorBundle, type Timings } from '../../client/simulate';

const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples', 'scenarios');
const round = (n: number, digits = 2): number => Number(n.toFixed(digits));

/** The example scenarios, over and over with their own order ids, each run to day 60. */
export function benchScenarios(count: number): unknown[] {
  const examples = readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.json') && !f.endsWith('.expected.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(path.join(EXAMPLES, f), 'utf8')) as { order: { orderId: string } });
  return Array.from({ length: count }, (_, i) => {
    const example = examples[i % examples.length]!;
    return {
      ...example,
      order: { ...example.order, orderId: `${example.order.orderId}-${i}` },
      until: 'P60D',
    };
  });
}

export async function benchSimulation(
  count = Number(process.env.BENCH_SIM_SCENARIOS ?? 50),
): Promise<Record<string, unknown>> {
  const { scenarios } = parseScenarios(benchScenarios(count));
  // A cold bundle is paid once per source change; measured apart, then the run uses the cache.
  const bundleStart = Date.now();
  const bundle = await simulatorBundle();
  const bundleMs = Date.now() - bundleStart;
  const timings: Timings = {};
  const start = Date.now();
  const results = await simulate(scenarios, { timings });
  const totalMs = Date.now() - start;
  const closed = results.filter((r) => r.closed).length;
  return {
    scenarios: count,
    caseDaysEach: 60,
    scenariosPerSecond: round(count / (totalMs / 1000)),
    note: 'including the test server start and the worker; the workflow bundle from its cache',
    wallSeconds: round(totalMs / 1000, 1),
    serverStartSeconds: round((timings.serverStartMs ?? 0) / 1000, 1),
    runSeconds: round((timings.runMs ?? 0) / 1000, 1),
    perScenarioMs: round((timings.runMs ?? 0) / count, 0),
    bundle: { seconds: round(bundleMs / 1000, 1), fromCache: bundle.cached },
    closedCases: closed,
  };
}

if (require.main === module) {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  benchSimulation()
    .then((row) => process.stdout.write(`${JSON.stringify({ caseSimulation: row }, null, 2)}\n`))
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
