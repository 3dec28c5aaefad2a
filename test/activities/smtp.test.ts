import assert from 'node:assert/strict';
import net from 'node:net';
import { SMTPServer } from 'smtp-server';
import { NonRetryableErrors } from '../../activities/contract';
import { SqliteSentLog } from '../../activities/email/sent-log';
import { SmtpEmailAdapter, type SmtpConfig } from '../../activities/email/smtp';
import type { OutgoingEmail } from '../../activities/email/port';
import { assertPermanent, assertRetryable, freePort, parseMail, tempDir, type ParsedMail } from './support';

interface Delivery {
  from: string;
  to: string[];
  mail: ParsedMail;
}

/** A real SMTP server (the smtp-server package) on a loopback port, recording what it accepts. */
async function startSmtp(): Promise<{ port: number; deliveries: Delivery[]; stop: () => Promise<void> }> {
  const deliveries: Delivery[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith('nobody@'))
        return callback(Object.assign(new Error('5.1.1 mailbox unavailable'), { responseCode: 550 }));
      if (address.address.startsWith('later@'))
        return callback(Object.assign(new Error('4.7.1 try again later'), { responseCode: 451 }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        if (raw.includes('Subject: spam'))
          return callback(Object.assign(new Error('5.7.1 message refused'), { responseCode: 554 }));
        deliveries.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          mail: parseMail(raw),
        });
        callback();
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { port, deliveries, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const message = (over: Partial<OutgoingEmail> = {}): OutgoingEmail => ({
  idempotencyKey: 'refund-case-ord-1:email:decision-3',
  to: 'ada@customer.example',
  subject: 'Your refund for order ord-1 is approved',
  text: 'Your refund of €12.50 is approved.\n',
  html: '<p>Your refund of €12.50 is approved.</p>',
  orderId: 'ord-1',
  kind: 'decision',
  ...over,
});

describe('activities: SMTP adapter against a real SMTP server', function () {
  this.timeout(30_000);
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let tmp: ReturnType<typeof tempDir>;
  const config = (port: number, over: Partial<SmtpConfig> = {}): SmtpConfig => ({
    host: '127.0.0.1',
    port,
    secure: false,
    requireTls: false,
    from: 'Refundflow <refunds@shop.example>',
    timeoutMs: 5_000,
    ...over,
  });

  beforeEach(async () => {
    smtp = await startSmtp();
    tmp = tempDir('smtp');
  });
  afterEach(async () => {
    await smtp.stop();
    tmp.cleanup();
  });

  it('delivers the message: envelope, headers, a Message-ID derived from the key, text and HTML parts', async () => {
    const adapter = new SmtpEmailAdapter(config(smtp.port), SqliteSentLog.open(tmp.file('sent.sqlite')));
    const sent = await adapter.send(message());
    await adapter.close();

    assert.equal(sent.duplicate, false);
    assert.match(sent.messageId, /^<[0-9a-f]{32}@shop\.example>$/);
    assert.equal(smtp.deliveries.length, 1);
    const [d] = smtp.deliveries;
    assert.equal(d!.from, 'refunds@shop.example');
    assert.deepEqual(d!.to, ['ada@customer.example']);
    assert.equal(d!.mail.headers.get('message-id'), sent.messageId);
    assert.equal(d!.mail.headers.get('subject'), 'Your refund for order ord-1 is approved');
    assert.equal(d!.mail.headers.get('x-refundflow-order'), 'ord-1');
    assert.match(d!.mail.text, /Your refund of €12\.50 is approved\./);
    assert.match(d!.mail.html, /<p>Your refund of €12\.50 is approved\.<\/p>/);
  });

  it('the same idempotency key sends once, also from a new adapter after a restart', async () => {
    const file = tmp.file('sent.sqlite');
    const first = new SmtpEmailAdapter(config(smtp.port), SqliteSentLog.open(file));
    const a = await first.send(message());
    const b = await first.send(message());
    await first.close();
    const restarted = new SmtpEmailAdapter(config(smtp.port), SqliteSentLog.open(file));
    const c = await restarted.send(message());
    const other = await restarted.send(message({ idempotencyKey: 'refund-case-ord-1:email:payout-sent-1' }));
    await restarted.close();

    assert.equal(smtp.deliveries.length, 2, 'one delivery for the repeated key, one for the other key');
    assert.equal(b.duplicate, true);
    assert.equal(c.duplicate, true);
    assert.equal(a.messageId, b.messageId);
    assert.equal(a.messageId, c.messageId);
    assert.notEqual(other.messageId, a.messageId);
  });

  it('a refused recipient (550) is a non-retryable InvalidRecipient, and nothing is recorded as sent', async () => {
    const adapter = new SmtpEmailAdapter(config(smtp.port), SqliteSentLog.open(tmp.file('sent.sqlite')));
    await assertPermanent(
      adapter.send(message({ to: 'nobody@customer.example' })),
      NonRetryableErrors.InvalidRecipient,
      /nobody@customer\.example/,
    );
    await adapter.close();
    assert.equal(smtp.deliveries.length, 0);
  });

  it('a refused message (554 after DATA) is a non-retryable EmailRejected', async () => {
    const adapter = new SmtpEmailAdapter(config(smtp.port), SqliteSentLog.open(tmp.file('sent.sqlite')));
    await assertPermanent(
      adapter.send(message({ subject: 'spam' })),
      NonRetryableErrors.EmailRejected,
      /refused/,
    );
    await adapter.close();
  });

  it('a temporary refusal (451) is retryable, and a later attempt with the same key delivers', async () => {
    const file = tmp.file('sent.sqlite');
    const adapter = new SmtpEmailAdapter(config(smtp.port), SqliteSentLog.open(file));
    await assertRetryable(adapter.send(message({ to: 'later@customer.example' })), /451/);
    assert.equal(smtp.deliveries.length, 0);
    const sent = await adapter.send(message());
    await adapter.close();
    assert.equal(sent.duplicate, false, 'the failed attempt was not recorded as sent');
    assert.equal(smtp.deliveries.length, 1);
  });

  it('a server that is down, or never greets, fails retryably within the timeout', async () => {
    const closedPort = await freePort();
    const down = new SmtpEmailAdapter(config(closedPort), SqliteSentLog.open(tmp.file('a.sqlite')));
    await assertRetryable(down.send(message()), /ECONNECTION|ECONNREFUSED/);
    await down.close();

    const silent = net.createServer(() => undefined); // accepts, then says nothing
    const silentPort = await freePort();
    await new Promise<void>((resolve) => silent.listen(silentPort, '127.0.0.1', resolve));
    const started = Date.now();
    const hung = new SmtpEmailAdapter(
      config(silentPort, { timeoutMs: 400 }),
      SqliteSentLog.open(tmp.file('b.sqlite')),
    );
    try {
      await assertRetryable(hung.send(message()), /ETIMEDOUT|timeout/i);
      assert.ok(Date.now() - started < 5_000, `gave up after ${Date.now() - started} ms`);
    } finally {
      await hung.close();
      silent.close();
    }
  });
});
