// Faulty peers: the real sandbox gateway behind a wrapper that fails 30% of calls (half as a 5xx
// before the refund is made, half as a timeout after it was made, which is the case idempotency
// keys exist for), and the real SMTP adapter talking to a real SMTP server that refuses 30% of
// messages with a 4xx. Every case must still reach `paid`, with one gateway refund per case and
// one delivered message per idempotency key.
import assert from 'node:assert/strict';
import path from 'node:path';
import { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { SMTPServer } from 'smtp-server';
import {
  EmbeddedBillingStore,
  SandboxGateway,
  SmtpEmailAdapter,
  SqliteSentLog,
  TransientError,
  createActivities,
  embeddedFiles,
  type PaymentsPort,
} from '../../activities';
import { buildDataConverter } from '../../codec/data-converter';
import { RefundCases } from '../../client/refund-client';
import { loadConfig } from '../../config';
import { createRefundWorker } from '../../worker/main';
import { devServerEnv, uniqueTaskQueue, workflowBundle } from '../support/servers';
import {
  ADMIN_KEY,
  POLICY,
  cleanOrder,
  eventually,
  freePort,
  gatewayRefunds,
  inPool,
  requestRefundSurely,
  seedBilling,
  startBackOffice,
  statuses,
  tally,
  tempDataDir,
  workerEnv,
} from './support';

const CASES = 30;
const FAULT_RATE = 0.3;

/** Wraps a payments port: 30% of calls fail, half before the effect (5xx), half after it (timeout). */
function faultyPayments(inner: PaymentsPort, counts: Record<string, number>): PaymentsPort {
  const fault = async <T>(name: string, call: () => Promise<T>): Promise<T> => {
    await new Promise((r) => setTimeout(r, Math.random() * 50));
    const roll = Math.random();
    if (roll < FAULT_RATE / 2) {
      counts[`${name}:5xx`] = (counts[`${name}:5xx`] ?? 0) + 1;
      throw new TransientError('gateway answered 503 Service Unavailable');
    }
    const result = await call();
    if (roll < FAULT_RATE) {
      counts[`${name}:timeout`] = (counts[`${name}:timeout`] ?? 0) + 1;
      throw new TransientError('gateway request timed out after the gateway had acted');
    }
    return result;
  };
  return {
    createRefund: (request) => fault('createRefund', () => inner.createRefund(request)),
    getRefund: (refundId) => fault('getRefund', () => inner.getRefund(refundId)),
    findRefunds: (query) => fault('findRefunds', () => inner.findRefunds(query)),
    close: () => inner.close?.() ?? Promise.resolve(),
  };
}

/**
 * A real SMTP server that refuses 30% of transactions with a 4xx, at RCPT or after DATA — but never
 * a fourth time in a row for the same recipient (as a greylisting server lets a retry through).
 * Three refusals in a row still exhaust an email activity's three attempts, so the case's own
 * durable retry runs (about 2 % of emails, most runs have one); the bound keeps that to one round
 * per email. Without it, an email refused through two whole rounds (~5 % of runs at 120 emails)
 * waited for the third, 15 minutes later, past any wait a test can afford.
 */
async function flakySmtp(): Promise<{
  port: number;
  delivered: Map<string, number>;
  refused: () => number;
  stop: () => Promise<void>;
}> {
  const delivered = new Map<string, number>();
  const streaks = new Map<string, number>();
  let refused = 0;
  /** Refuse this transaction? 15 % at each of the two stages, at most three refusals in a row per recipient. */
  const refuse = (recipients: string[]): boolean => {
    if (recipients.some((r) => (streaks.get(r) ?? 0) >= 3) || Math.random() >= FAULT_RATE / 2) return false;
    refused += 1;
    for (const r of recipients) streaks.set(r, (streaks.get(r) ?? 0) + 1);
    return true;
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (refuse([address.address]))
        return callback(
          Object.assign(new Error('4.3.2 system not accepting messages'), { responseCode: 421 }),
        );
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const recipients = session.envelope.rcptTo.map((r) => r.address);
        if (refuse(recipients))
          return callback(Object.assign(new Error('4.7.1 try again later'), { responseCode: 451 }));
        for (const r of recipients) streaks.delete(r);
        const raw = Buffer.concat(chunks).toString('utf8');
        const messageId = /^message-id:\s*(\S+)/im.exec(raw)?.[1] ?? 'none';
        delivered.set(messageId, (delivered.get(messageId) ?? 0) + 1);
        callback();
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port,
    delivered,
    refused: () => refused,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('reliability: gateway and SMTP faults on 30% of calls', function () {
  this.timeout(900_000);
  const data = tempDataDir('faults');
  const cleanups: (() => Promise<unknown>)[] = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c();
    data.cleanup();
  });

  it(`${CASES} cases reach paid with one refund per case and one email per idempotency key`, async () => {
    const env = await devServerEnv();
    const taskQueue = uniqueTaskQueue('rel-faults');
    const config = loadConfig({
      ...workerEnv(env.address, taskQueue, data.dir),
      REFUNDFLOW_API_KEYS: `admin:${ADMIN_KEY}`,
    });
    const smtp = await flakySmtp();
    cleanups.push(smtp.stop);

    const counts: Record<string, number> = {};
    const billing = EmbeddedBillingStore.open(path.join(data.dir, embeddedFiles.billing));
    const email = new SmtpEmailAdapter(
      {
        host: '127.0.0.1',
        port: smtp.port,
        secure: false,
        requireTls: false,
        from: 'Refundflow <refunds@shop.example>',
        timeoutMs: 5_000,
      },
      SqliteSentLog.open(path.join(data.dir, embeddedFiles.smtpSentLog)),
    );
    const payments = faultyPayments(SandboxGateway.open(path.join(data.dir, embeddedFiles.gateway)), counts);
    const activities = createActivities({
      billing,
      email,
      payments,
      supportAddress: 'support@shop.example',
      heartbeatEveryMs: 1_000,
    });
    const { worker } = await createRefundWorker(config, {
      connection: env.nativeConnection,
      activities,
      overrides: { workflowBundle: await workflowBundle(), workflowsPath: undefined },
    });
    const running = worker.run();
    cleanups.push(async () => {
      await stopWorker(worker, running);
      await Promise.all([billing.close(), email.close?.(), payments.close?.()]);
    });
    const client = new Client({
      connection: env.client.connection,
      namespace: 'default',
      dataConverter: buildDataConverter(config.encryption),
    });
    const cases = new RefundCases(client, taskQueue);
    const backOffice = await startBackOffice(config, client, data.dir);
    cleanups.push(backOffice.close);

    const orders = Array.from({ length: CASES }, () => cleanOrder('fault'));
    seedBilling(data.dir, orders);
    await inPool(orders, 10, async (o) => void (await cases.start(POLICY, o)));
    await inPool(orders, 30, (o) => requestRefundSurely(cases, o.orderId, 150_000));
    await eventually(
      async () => [...(await statuses(cases, orders)).values()].every((s) => s === 'paid'),
      'every case to be paid',
      // A gateway call whose three attempts all fail (0.3³ ≈ 2.7 %: among 30 cases about every
      // other run has one) waits for the case's own retry, on the next whole minute after one
      // minute, and a second such round five minutes more (effect-queue's backoff). On a loaded
      // machine one round alone passed 150 s (29 paid, 1 approved), so this waits past the second.
      420_000,
      1_000,
    ).catch(async (err: unknown) => {
      throw new Error(
        `${String(err)}: ${JSON.stringify(tally((await statuses(cases, orders)).values()))} faults ${JSON.stringify(counts)}`,
      );
    });

    // `paid` is set before the last emails go out (the run then listens for the settle period).
    const missing = new Map<string, string[]>();
    await eventually(
      async () => {
        missing.clear();
        for (const o of orders) {
          const state = await cases.read(o.orderId);
          // All four: an email refused three times in a row waits for the case's own retry (a minute
          // later), so the settled email can go out before an earlier one.
          const kinds = new Set(
            state.timeline.filter((e) => e.type === 'customer_emailed').map((e) => e.data?.kind),
          );
          const lacking = ['request_received', 'decision', 'payout_sent', 'payout_settled'].filter(
            (k) => !kinds.has(k),
          );
          if (lacking.length > 0) missing.set(o.orderId, lacking);
        }
        return missing.size === 0;
      },
      'every customer email',
      // An email refused in all three attempts waits for the case's own retry, on the next whole
      // minute a minute later; the server lets the fourth try through (flakySmtp), so one such
      // round is the most any email needs.
      420_000,
      1_000,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}: still lacking ${JSON.stringify(Object.fromEntries(missing))}`);
    });

    // The faults really happened, on both peers.
    assert.ok(
      (counts['createRefund:5xx'] ?? 0) + (counts['createRefund:timeout'] ?? 0) > 0,
      JSON.stringify(counts),
    );
    assert.ok(smtp.refused() > 0, 'the SMTP server refused some messages');

    const refunds = gatewayRefunds(data.dir);
    assert.equal(
      refunds.length,
      CASES,
      'one gateway refund per case, however often createRefund was retried',
    );
    assert.deepEqual(
      Object.values(tally(refunds.map((r) => r.orderId))).filter((n) => n !== 1),
      [],
    );

    const duplicates = [...smtp.delivered.entries()].filter(([, n]) => n !== 1);
    assert.deepEqual(duplicates, [], 'no message delivered twice');
    for (const o of orders) {
      const state = await cases.read(o.orderId);
      const emailed = state.timeline.filter((e) => e.type === 'customer_emailed').length;
      assert.equal(
        state.timeline.filter((e) => e.type === 'email_failed').length,
        0,
        `${o.orderId}: no email given up`,
      );
      // request received, decision, payout sent, payout settled
      assert.equal(
        emailed,
        4,
        `${o.orderId}: four customer emails: ${JSON.stringify(state.timeline.map((e) => [e.type, e.data?.kind ?? null]))}`,
      );
    }
    assert.equal(smtp.delivered.size, CASES * 4, 'one delivered message per idempotency key');
  });
});

async function stopWorker(worker: Worker, running: Promise<void>): Promise<void> {
  if (worker.getState() === 'RUNNING') worker.shutdown();
  await running;
}
