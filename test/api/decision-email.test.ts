// A reviewer's decision reaches the customer in their words and never with the internal note
// (issue 19), end to end: the API, a real Temporal dev server, the worker with the real SMTP
// adapter, and a real SMTP server that refuses the decision email's first delivery (4xx), as mail
// servers do, so the message must survive the retry as well.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { SMTPServer } from 'smtp-server';
import {
  EmbeddedBillingStore,
  SandboxGateway,
  SmtpEmailAdapter,
  SqliteSentLog,
  createActivities,
  embeddedFiles,
} from '../../activities';
import { buildDataConverter } from '../../codec/data-converter';
import { loadConfig } from '../../config';
import { createRefundWorker } from '../../worker/main';
import { parseMail, type ParsedMail } from '../activities/support';
import { startBackOffice, workerEnv } from '../reliability/support';
import { devServerEnv, uniqueTaskQueue, workflowBundle } from '../support/servers';
import { eventually, freePort } from '../support/wait';
import { call, order, type Role } from './stack';

const KEYS: Record<Role, string> = {
  checkout: 'ck_mail_checkout_0001',
  support: 'sk_mail_support_0002',
  reviewer: 'rk_mail_reviewer_0003',
  admin: 'ak_mail_admin_0004',
};
const CUSTOMER = 'ada@customer.example';
const NOTE = 'Internal: goodwill exception, do not repeat for this customer';
const MESSAGE = 'We could not refund the order, but we have made an exception: the credit is yours to use.';

interface Delivery {
  to: string[];
  mail: ParsedMail;
}

/** A real SMTP server that refuses the first delivery of each subject matching `refuseOnce` (451). */
async function startSmtp(refuseOnce: RegExp) {
  const deliveries: Delivery[] = [];
  const refused = new Set<string>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const mail = parseMail(Buffer.concat(chunks).toString('utf8'));
        const subject = mail.headers.get('subject') ?? '';
        if (refuseOnce.test(subject) && !refused.has(subject)) {
          refused.add(subject);
          return callback(Object.assign(new Error('4.7.1 try again later'), { responseCode: 451 }));
        }
        deliveries.push({ to: session.envelope.rcptTo.map((r) => r.address), mail });
        callback();
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port,
    deliveries,
    refused,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('API: a reviewer’s decision emails the customer message, never the note (real Temporal and SMTP)', function () {
  this.timeout(180_000);
  const cleanups: (() => Promise<unknown>)[] = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('a disputed denial decided as credit: the customer reads the message, a person decided, no note', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'refundflow-decision-email-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const env = await devServerEnv();
    const taskQueue = uniqueTaskQueue('decision-email');
    const config = loadConfig(
      workerEnv(env.address, taskQueue, dataDir, {
        REFUNDFLOW_API_KEYS: Object.entries(KEYS)
          .map(([role, key]) => `${role}:${key}`)
          .join(','),
      }),
    );
    const smtp = await startSmtp(/^Account credit/);
    cleanups.push(smtp.stop);
    const email = new SmtpEmailAdapter(
      {
        host: '127.0.0.1',
        port: smtp.port,
        secure: false,
        requireTls: false,
        from: 'Refundflow <refunds@shop.example>',
        timeoutMs: 5_000,
      },
      SqliteSentLog.open(path.join(dataDir, embeddedFiles.smtpSentLog)),
    );
    const billing = EmbeddedBillingStore.open(path.join(dataDir, embeddedFiles.billing));
    const payments = SandboxGateway.open(path.join(dataDir, embeddedFiles.gateway));
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
    const backOffice = await startBackOffice(config, client, dataDir);
    cleanups.push(backOffice.close);
    const stack = { url: backOffice.api.url };
    const as = (role: Role) => ({ authorization: `Bearer ${KEYS[role]}` });

    // services-fix-first denies "changed my mind" once the service started; the customer disputes.
    const o = order({ serviceDate: new Date(Date.now() - 86_400_000).toISOString() });
    const orderId = String(o.orderId);
    const started = await call(stack, 'POST', '/v1/cases', {
      ...as('checkout'),
      body: { policyId: 'services-fix-first', order: o, customerEmail: CUSTOMER },
    });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    const requested = await call<{ decision?: { outcome: string } }>(
      stack,
      'POST',
      `/v1/cases/${orderId}/refund-requests`,
      { ...as('checkout'), body: { reason: 'changed_mind' } },
    );
    assert.equal(requested.body.decision?.outcome, 'denied', JSON.stringify(requested.body));
    const disputed = await call(stack, 'POST', `/v1/cases/${orderId}/disputes`, {
      ...as('checkout'),
      body: { description: 'The client cancelled the project' },
    });
    assert.equal(disputed.status, 200, JSON.stringify(disputed.body));

    // A message past its limit is refused, naming the field, and nothing is decided.
    const tooLong = await call<{ error?: string }>(stack, 'POST', `/v1/cases/${orderId}/decisions`, {
      ...as('reviewer'),
      body: { outcome: 'credit', amountMinor: 1999, note: NOTE, customerMessage: 'x'.repeat(2001) },
    });
    assert.equal(tooLong.status, 400);
    assert.match(JSON.stringify(tooLong.body), /customerMessage/, 'the 400 names the field');

    const decided = await call<{ status: string; decision?: { customerMessage?: string; note?: string } }>(
      stack,
      'POST',
      `/v1/cases/${orderId}/decisions`,
      {
        ...as('reviewer'),
        body: { outcome: 'credit', amountMinor: 1999, note: NOTE, customerMessage: MESSAGE },
      },
    );
    assert.equal(decided.status, 200, JSON.stringify(decided.body));
    assert.equal(decided.body.decision?.customerMessage, MESSAGE, 'support sees what the customer was told');
    assert.equal(decided.body.decision?.note, NOTE, 'and the note, which stays internal');

    const credit = await eventually(
      () => smtp.deliveries.find((d) => /^Account credit/.test(d.mail.headers.get('subject') ?? '')),
      'the credit decision email',
      120_000,
      250,
    );
    assert.ok(smtp.refused.size > 0, 'the first delivery was refused and retried');
    assert.deepEqual(credit.to, [CUSTOMER]);
    const text = credit.mail.text.replace(/\r\n/g, '\n');
    assert.match(text, /\$19\.99 of credit/);
    assert.match(text, /A member of our team reviewed your request/);
    assert.ok(text.includes(MESSAGE), `the customer message is in the email:\n${text}`);
    assert.ok(credit.mail.html.includes('we have made an exception'), 'and in its HTML part');
    assert.doesNotMatch(text, /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/, 'no raw ISO time');
    assert.doesNotMatch(
      text,
      /DISPUTE_REVIEW|looking at your request again/,
      'no reason that only kept it waiting',
    );
    for (const d of smtp.deliveries) {
      assert.ok(
        !d.mail.text.includes('goodwill exception'),
        `the note never leaves: ${d.mail.headers.get('subject')}`,
      );
      assert.ok(!d.mail.html.includes('goodwill exception'));
    }
    assert.equal(
      smtp.deliveries.filter((d) => /^Account credit/.test(d.mail.headers.get('subject') ?? '')).length,
      1,
      'delivered once after the refusal',
    );
  });
});

async function stopWorker(worker: Worker, running: Promise<void>): Promise<void> {
  if (worker.getState() === 'RUNNING') worker.shutdown();
  await running;
}
