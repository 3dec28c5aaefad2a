// Query and list latency with many open cases. Starts are accepted faster than one worker runs the
// cases' first workflow tasks; a query on a case whose first task has not run waits behind that
// backlog (and can time out), so the backlog drains first — a case's first task sets its next
// deadline — and its drain rate is a figure. Random cases are mostly evicted from the worker's
// cache (2,000), so their query replays the case; the last 1,000 opened are still cached. Lists and
// counts run one a second, as support pages do (back to back, the twelve counts exceed the
// namespace's visibility rate limit and the client's retry backoff of 1–2 s would be measured).
import type { BenchStack } from './bench-stack';
import { POLICY, cleanOrder, inPool, log, ms, p50p99, round } from './support';

export async function measureOpenCases(
  stack: BenchStack,
  openCases: number,
): Promise<Record<string, unknown>> {
  const { cases, client, taskQueue } = stack;
  const opened: string[] = [];
  const tOpen = process.hrtime.bigint();
  await inPool(
    Array.from({ length: openCases }, () => cleanOrder('open')),
    50,
    async (o) => {
      await cases.start(POLICY, o);
      opened.push(o.orderId);
    },
  );
  const startsPerSecond = openCases / (ms(tOpen) / 1000);
  const backlog = `TaskQueue = '${taskQueue}' AND RefundStatus = 'open' AND RefundNextDeadline IS NULL`;
  for (let pending = Infinity; pending > 0;) {
    await new Promise((r) => setTimeout(r, 2_000));
    pending = (await client.workflow.count(backlog)).count;
    log(`open cases whose first task has not run: ${pending}`);
  }
  const firstTasksPerSecond = openCases / (ms(tOpen) / 1000);
  const queryLat: number[] = [];
  const cachedQueryLat: number[] = [];
  for (let i = 0; i < 300; i++) {
    let t = process.hrtime.bigint();
    await cases.read(opened[Math.floor(Math.random() * opened.length)]!);
    queryLat.push(ms(t));
    t = process.hrtime.bigint();
    await cases.read(opened[opened.length - 1 - Math.floor(Math.random() * Math.min(1_000, opened.length))]!);
    cachedQueryLat.push(ms(t));
  }
  const listLat: number[] = [];
  const countLat: number[] = [];
  for (let i = 0; i < 30; i++) {
    await new Promise((r) => setTimeout(r, 1_000));
    let t = process.hrtime.bigint();
    await cases.list({ status: 'open', limit: 100 });
    listLat.push(ms(t));
    t = process.hrtime.bigint();
    await cases.countByStatus();
    countLat.push(ms(t));
  }
  return {
    openCases: opened.length,
    startsPerSecondWhileFilling: round(startsPerSecond),
    firstWorkflowTasksPerSecond: round(firstTasksPerSecond),
    caseStateQueryMs: { ...p50p99(queryLat), samples: queryLat.length },
    caseStateQueryCachedMs: { ...p50p99(cachedQueryLat), samples: cachedQueryLat.length },
    list100Ms: { ...p50p99(listLat), samples: listLat.length },
    countByStatusMs: { ...p50p99(countLat), samples: countLat.length },
  };
}
