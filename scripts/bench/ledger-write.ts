// The ledger's write cost on the paid path (issue 20: at most 5 %): refund cases with the ledger's
// writes on (rows to the SQLite ledger in the data folder, one local activity per workflow task)
// against the same cases with them off (a bundle whose ledger module is a no-op stand-in,
// scripts/bench/ledger-off.ts), batches alternating on one server, each on a worker of its own
// with the same activities. Each case: start → requestRefund → settled → paid, as in throughput.ts.
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode } from '@temporalio/worker';
import { RefundCases } from '../../client/refund-client';
import { productionBundleOptions } from '../build-workflow-bundle';
import { statusKey } from '../../workflows/search-attributes';
import type { BenchStack } from './bench-stack';
import { POLICY, cleanOrder, inPool, log, mean, ms, round, seedBilling, uniqueTaskQueue } from './support';

const IN_FLIGHT = 50;
const POLL_MS = 100;

async function offBundle() {
  const real = require.resolve('../../workflows/case/ledger').replace(/\.ts$/, '');
  return bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    ...productionBundleOptions,
    logger: {
      log() {},
      trace() {},
      debug() {},
      info() {},
      warn() {},
      error: (m: string) => console.error(m),
    },
    webpackConfigHook: (base) => {
      const config = productionBundleOptions.webpackConfigHook(base);
      return {
        ...config,
        resolve: {
          ...config.resolve,
          alias: { ...(config.resolve?.alias as object), [real]: path.join(__dirname, 'ledger-off.ts') },
        },
      };
    },
  });
}

export async function measureLedgerWrite(
  stack: BenchStack,
  casesPerBatch: number,
): Promise<Record<string, unknown>> {
  const onQueue = uniqueTaskQueue('bench-ledger-on');
  const offQueue = uniqueTaskQueue('bench-ledger-off');
  const off = await offBundle();
  if (off.code.includes('appendLedger')) throw new Error('the ledger-off bundle still writes the ledger');
  await stack.addWorker(onQueue, 'refund');
  await stack.addWorker(offQueue, off);
  const paidIds: Record<'on' | 'off', string[]> = { on: [], off: [] };
  const batch = async (kind: 'on' | 'off', r: number): Promise<number> => {
    const cases = new RefundCases(stack.client, kind === 'on' ? onQueue : offQueue);
    const orders = Array.from({ length: casesPerBatch }, () => cleanOrder(`ledger-${kind}-r${r}`));
    seedBilling(stack.dataDir, orders);
    const start = process.hrtime.bigint();
    await inPool(orders, IN_FLIGHT, async (o) => {
      await cases.start(POLICY, o);
      await cases.requestRefund(o.orderId, { reason: 'changed_mind' });
      const handle = cases.handle(o.orderId);
      for (;;) {
        const d = await handle.describe();
        if (d.typedSearchAttributes.get(statusKey) === 'paid') return void paidIds[kind].push(o.orderId);
        if (d.status.name !== 'RUNNING') throw new Error(`${o.orderId} ended ${d.status.name}`);
        await new Promise((res) => setTimeout(res, POLL_MS));
      }
    });
    return casesPerBatch / (ms(start) / 1000);
  };
  const on: number[] = [];
  const offRates: number[] = [];
  for (let r = 0; r < 2; r++) {
    offRates.push(await batch('off', r));
    on.push(await batch('on', r));
    log(`ledger round ${r}: on ${on.map((x) => round(x))}, off ${offRates.map((x) => round(x))}`);
  }
  // Every paid case on the "on" queue owes opened, requested, decided and paid (closed comes when
  // its settle period ends): the writes that trail the last payment land within seconds.
  const expected = 4 * casesPerBatch * on.length;
  let rows = await stack.ledgerRows();
  for (let waited = 0; rows < expected && waited < 120_000; waited += 1_000) {
    await new Promise((res) => setTimeout(res, 1_000));
    rows = await stack.ledgerRows();
  }
  // History cost on the paid path (issue 15 measures it): events and encoded bytes, with and without.
  const sizes = async (kind: 'on' | 'off') => {
    const cases = new RefundCases(stack.client, kind === 'on' ? onQueue : offQueue);
    const sample = await Promise.all(
      paidIds[kind].slice(0, 5).map(async (id) => {
        const history = await cases.handle(id).fetchHistory();
        return {
          events: history.events?.length ?? 0,
          bytes: temporal.api.history.v1.History.encode(history).finish().length,
        };
      }),
    );
    return {
      events: round(mean(sample.map((x) => x.events))),
      bytes: round(mean(sample.map((x) => x.bytes))),
    };
  };
  const history = { on: await sizes('on'), off: await sizes('off') };
  const ratio = mean(on) / mean(offRates);
  return {
    casesPerBatch,
    concurrency: IN_FLIGHT,
    ledgerOnCasesPerSecond: on.map((x) => round(x)),
    ledgerOffCasesPerSecond: offRates.map((x) => round(x)),
    ratio: round(ratio),
    costPercent: round((1 - ratio) * 100),
    withinBudget: ratio >= 0.95,
    ledgerRows: { expected, written: rows },
    paidPathHistory: history,
  };
}
