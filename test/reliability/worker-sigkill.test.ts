// The worker process is SIGKILLed three times while 100 cases go from refund request to paid,
// and restarted each time. Every case must reach `paid` and the sandbox gateway must hold
// exactly one refund per case: the payout's idempotency key comes from the workflow id and the
// payout attempt, so a createRefund retried after a kill finds the refund it made before.
import assert from 'node:assert/strict';
import { Client } from '@temporalio/client';
import { buildDataConverter } from '../../codec/data-converter';
import { RefundCases } from '../../client/refund-client';
import { loadConfig } from '../../config';
import { devServerEnv, uniqueTaskQueue } from '../support/servers';
import {
  ADMIN_KEY,
  POLICY,
  bundleFile,
  cleanOrder,
  eventually,
  gatewayRefunds,
  inPool,
  requestRefundSurely,
  seedBilling,
  spawnWorker,
  startBackOffice,
  statuses,
  tally,
  tempDataDir,
  workerEnv,
  type WorkerChild,
} from './support';

// 100 cases, as the issue asks. Measured on a 2-core machine: about a minute and a half, most
// of it activities started before a kill waiting out their start-to-close or heartbeat timeout
// (20–30 s) before Temporal retries them on the restarted worker.
const CASES = Number(process.env.RELIABILITY_KILL_CASES ?? 100);
const KILLS = 3;

describe('reliability: SIGKILL the worker while cases are in flight', function () {
  this.timeout(280_000);
  const data = tempDataDir('sigkill');
  let worker: WorkerChild | undefined;
  let closeBackOffice: (() => Promise<void>) | undefined;
  after(async () => {
    await worker?.stop();
    await closeBackOffice?.();
    data.cleanup();
  });

  it(`${CASES} cases reach paid through ${KILLS} kills and restarts, with one gateway refund each`, async () => {
    const env = await devServerEnv();
    const taskQueue = uniqueTaskQueue('rel-sigkill');
    const vars = workerEnv(env.address, taskQueue, data.dir, {
      RELIABILITY_WORKFLOW_BUNDLE: await bundleFile(data.dir),
    });
    const config = loadConfig({ ...vars, REFUNDFLOW_API_KEYS: `admin:${ADMIN_KEY}` });
    const client = new Client({
      connection: env.client.connection,
      namespace: 'default',
      dataConverter: buildDataConverter(config.encryption),
    });
    const cases = new RefundCases(client, taskQueue);
    // Webhooks go through the real API, which signals the case; the settler runs in this process.
    const backOffice = await startBackOffice(config, client, data.dir);
    closeBackOffice = backOffice.close;

    const orders = Array.from({ length: CASES }, () => cleanOrder('kill'));
    seedBilling(data.dir, orders);
    worker = await spawnWorker(vars);
    await inPool(orders, 20, async (o) => void (await cases.start(POLICY, o)));

    const requests = inPool(orders, 50, (o) => requestRefundSurely(cases, o.orderId, 200_000));
    let requestsDone = false;
    void requests.then(
      () => (requestsDone = true),
      () => (requestsDone = true),
    );

    // Kill at random points of progress (measured by refunds created at the gateway), plus a
    // random few hundred milliseconds, so kills land in updates, activities and timers alike.
    const thresholds = [
      0.05 + Math.random() * 0.15,
      0.35 + Math.random() * 0.2,
      0.7 + Math.random() * 0.15,
    ].map((f) => Math.floor(f * CASES));
    const killLog: string[] = [];
    for (const threshold of thresholds.slice(0, KILLS)) {
      await eventually(
        () => gatewayRefunds(data.dir).length >= threshold || requestsDone,
        `${threshold} refunds created`,
        150_000,
      );
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 400)));
      const made = gatewayRefunds(data.dir).length;
      await worker.kill();
      killLog.push(`killed pid ${worker.pid} at ${made} refunds`);
      worker = await spawnWorker(vars);
    }

    await requests;
    const finalStatuses = await eventually(
      async () => {
        const now = await statuses(cases, orders);
        return [...now.values()].every((s) => s === 'paid') && now;
      },
      'every case to be paid',
      200_000,
      1_000,
    ).catch(async (err: unknown) => {
      throw new Error(
        `${String(err)}\nstatuses: ${JSON.stringify(tally((await statuses(cases, orders)).values()))}\n${killLog.join('\n')}\n${worker?.output()}`,
      );
    });
    assert.equal(finalStatuses.size, CASES);

    const refunds = gatewayRefunds(data.dir);
    const perOrder = tally(refunds.map((r) => r.orderId));
    const duplicated = Object.entries(perOrder).filter(([, n]) => n !== 1);
    assert.deepEqual(duplicated, [], 'exactly one gateway refund per case');
    assert.equal(refunds.length, CASES, killLog.join('; '));
    assert.ok(refunds.every((r) => r.status === 'succeeded' && r.amountMinor === 2_500));
    assert.equal(killLog.length, KILLS);
  });
});
