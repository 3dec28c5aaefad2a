import assert from 'node:assert/strict';
import { EmailOutbox, listOutbox } from '../../activities/email/outbox';
import type { OutgoingEmail } from '../../activities/email/port';
import { writeStoresInChildProcess } from './child';
import { tempDir } from './support';

const message = (key: string, orderId: string, subject = `subject ${key}`): OutgoingEmail => ({
  idempotencyKey: key,
  to: 'ada@customer.example',
  subject,
  text: `text ${key}`,
  html: `<p>html ${key}</p>`,
  orderId,
  kind: 'decision',
});

describe('activities: embedded email outbox (SQLite)', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir('outbox')));
  afterEach(() => tmp.cleanup());

  it('writes each message once per idempotency key and lists them newest first, per order', async () => {
    const outbox = EmailOutbox.open(tmp.file('outbox.sqlite'), { from: 'Refundflow <refunds@shop.example>' });
    const first = await outbox.send(message('k1', 'ord-1'));
    const again = await outbox.send(message('k1', 'ord-1', 'a retry renders the same message'));
    await outbox.send(message('k2', 'ord-1'));
    await outbox.send(message('k3', 'ord-2'));

    assert.equal(first.duplicate, false);
    assert.equal(again.duplicate, true);
    assert.equal(again.messageId, first.messageId);
    assert.deepEqual(
      outbox.list().map((m) => m.idempotencyKey),
      ['k3', 'k2', 'k1'],
    );
    const forOrder = outbox.list({ orderId: 'ord-1' });
    assert.deepEqual(
      forOrder.map((m) => m.idempotencyKey),
      ['k2', 'k1'],
    );
    assert.equal(forOrder[1]!.subject, 'subject k1', 'the first write wins');
    assert.equal(forOrder[1]!.from, 'Refundflow <refunds@shop.example>');
    assert.equal(forOrder[1]!.html, '<p>html k1</p>');
    assert.equal(outbox.list({ limit: 1 }).length, 1);
    await outbox.close();
  });

  it('keeps every message across a restart and across processes', async () => {
    const file = tmp.file('outbox.sqlite');
    const outbox = EmailOutbox.open(file, { from: 'Refundflow <refunds@shop.example>' });
    await outbox.send(message('before-restart', 'ord-9'));
    await outbox.close();

    await writeStoresInChildProcess(tmp.dir, 'ord-child');
    const reopened = EmailOutbox.open(file, { from: 'Refundflow <refunds@shop.example>' });
    await reopened.send(message('before-restart', 'ord-9'));
    await reopened.close();

    const all = listOutbox(file);
    assert.deepEqual(all.map((m) => m.idempotencyKey).sort(), [
      'before-restart',
      'refund-case-ord-child:email:x',
    ]);
    assert.equal(listOutbox(file, { orderId: 'ord-child' })[0]!.subject, 'from the child');
  });
});
