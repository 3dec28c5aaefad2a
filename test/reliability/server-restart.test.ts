// The Temporal dev server, persisted to a SQLite file, is stopped and started again while cases
// wait on timers. No webhook is delivered in this run, so the only way a case reaches `paid` is
// its own settlement-check timer (30 s after the payout): the timers were written before the
// restart and must fire after it. Cases started after the restart must work too, and visibility
// must still list every case.
import assert from 'node:assert/strict';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { buildDataConverter } from '../../codec/data-converter';
import { RefundCases } from '../../client/refund-client';
import { loadConfig } from '../../config';
import { uniqueTaskQueue } from '../support/servers';
import {
  POLICY,
  SandboxSettler,
  bundleFile,
  cleanOrder,
  eventually,
  gatewayRefunds,
  inPool,
  persistedDevServer,
  requestRefundSurely,
  seedBilling,
  spawnWorker,
  statuses,
  tally,
  tempDataDir,
  workerEnv,
  type PersistedDevServer,
  type WorkerChild,
} from './support';

const BEFORE = 20;
const AFTER = 10;

describe('reliability: the persisted dev server restarts mid-run', function () {
  this.timeout(240_000);
  const data = tempDataDir('server-restart');
  let server: PersistedDevServer | undefined;
  let worker: WorkerChild | undefined;
  let settler: SandboxSettler | undefined;
  let connection: Connection | undefined;
  after(async () => {
    await worker?.stop();
    await settler?.stop();
    await connection?.close();
    await server?.stop();
    data.cleanup();
  });

  it('loses no case, and timers written before the restart fire after it', async () => {
    server = await persistedDevServer(path.join(data.dir, 't.db'));
    await server.start();
    const taskQueue = uniqueTaskQueue('rel-restart');
    const vars = workerEnv(server.address, taskQueue, data.dir, {
      RELIABILITY_WORKFLOW_BUNDLE: await bundleFile(data.dir),
    });
    const config = loadConfig(vars);
    connection = await Connection.connect({ address: server.address });
    const client = new Client({
      connection,
      namespace: 'default',
      dataConverter: buildDataConverter(config.encryption),
    });
    const cases = new RefundCases(client, taskQueue);
    // Settles refunds at the gateway but sends no webhook: only the case's timer finds out.
    settler = new SandboxSettler(data.dir);

    const before = Array.from({ length: BEFORE }, () => cleanOrder('restart-a'));
    const later = Array.from({ length: AFTER }, () => cleanOrder('restart-b'));
    seedBilling(data.dir, [...before, ...later]);
    worker = await spawnWorker(vars);

    await inPool(before, 10, async (o) => void (await cases.start(POLICY, o)));
    await inPool(before, 10, (o) => requestRefundSurely(cases, o.orderId, 60_000));
    // The payout is an effect the case runs after answering the request: wait until every one is out.
    const pending = await eventually(
      async () => {
        const now = await statuses(cases, before);
        return [...now.values()].every((s) => s === 'payout_pending') ? now : undefined;
      },
      'every payout to be sent',
      60_000,
    );
    assert.deepEqual(
      tally(pending.values()),
      { payout_pending: BEFORE },
      'every case waits on its settlement timer',
    );
    const firstTimerAt = Math.min(
      ...(await Promise.all(
        before.map(async (o) => Date.parse((await cases.read(o.orderId)).timeline.at(-1)!.at)),
      )),
    );

    await server.stop();
    const downAt = Date.now();
    await server.start();
    const outageMs = Date.now() - downAt;
    assert.ok(
      Date.now() < firstTimerAt + 30_000,
      'the server came back before the first settlement check was due',
    );

    // Every case is still there, and new cases run on the restarted server.
    await eventually(
      async () =>
        (await statuses(cases, before)).size === BEFORE &&
        [...(await statuses(cases, before)).values()].every((s) => s !== 'unreadable'),
      'every case to answer again',
      60_000,
    );
    await inPool(later, 10, async (o) => void (await cases.start(POLICY, o)));
    await inPool(later, 10, (o) => requestRefundSurely(cases, o.orderId, 60_000));

    const all = [...before, ...later];
    await eventually(
      async () => [...(await statuses(cases, all)).values()].every((s) => s === 'paid'),
      'every case to be paid by its settlement timer',
      120_000,
      1_000,
    ).catch(async (err: unknown) => {
      throw new Error(
        `${String(err)} (outage ${outageMs} ms): ${JSON.stringify(tally((await statuses(cases, all)).values()))}\n${worker?.output()}`,
      );
    });
    for (const o of before) {
      const state = await cases.read(o.orderId);
      assert.ok(
        state.timeline.some((e) => e.type === 'settlement_checked'),
        `${o.orderId} was paid by its timer, not by a webhook`,
      );
    }
    const refunds = gatewayRefunds(data.dir);
    assert.equal(refunds.length, all.length);
    assert.deepEqual(
      Object.values(tally(refunds.map((r) => r.orderId))).filter((n) => n !== 1),
      [],
      'one gateway refund per case',
    );
    const listed = await eventually(
      async () => {
        const found = await cases.list({ limit: 1_000 });
        return found.filter((c) => c.status === 'paid').length === all.length && found;
      },
      'visibility to list every case as paid',
      30_000,
    );
    assert.equal(listed.length, all.length);
  });
});
