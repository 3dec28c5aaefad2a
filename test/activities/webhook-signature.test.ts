import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { signWebhook, verifyWebhookSignature } from '../../activities/payments/webhook-signature';

describe('activities: webhook signatures (Stripe scheme, HMAC-SHA256 over "t.body")', () => {
  const secret = 'whsec_test_0123456789abcdef';
  const body = JSON.stringify({ id: 'evt_1', type: 'refund.updated', data: { refundId: 're_1' } });
  const t = 1_800_000_000;

  it('signs as t=<seconds>,v1=<hex hmac of "t.body"> and verifies its own signature', () => {
    const header = signWebhook(secret, body, t);
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    assert.equal(header, `t=${t},v1=${expected}`);
    assert.equal(verifyWebhookSignature(secret, header, body, 300, t + 10), true);
    assert.equal(verifyWebhookSignature(secret, header, Buffer.from(body), 300, t + 10), true);
  });

  it('rejects a changed body, another secret, a stale or future timestamp, and malformed headers', () => {
    const header = signWebhook(secret, body, t);
    assert.equal(verifyWebhookSignature(secret, header, body.replace('re_1', 're_2'), 300, t), false);
    assert.equal(verifyWebhookSignature('whsec_other_secret_value', header, body, 300, t), false);
    assert.equal(verifyWebhookSignature(secret, header, body, 300, t + 301), false);
    assert.equal(verifyWebhookSignature(secret, header, body, 300, t - 301), false);
    assert.equal(
      verifyWebhookSignature(secret, `t=${t + 5},${header.split(',')[1]}`, body, 300, t),
      false,
      'timestamp is part of the signed payload',
    );
    for (const bad of [undefined, '', 'v1=abc', `t=${t}`, `t=abc,v1=${'0'.repeat(64)}`, `t=${t},v1=zz`]) {
      assert.equal(verifyWebhookSignature(secret, bad, body, 300, t), false, `header ${String(bad)}`);
    }
    assert.equal(verifyWebhookSignature('', header, body, 300, t), false, 'an empty secret never verifies');
  });

  it('accepts any matching v1 entry, so a secret can be rotated', () => {
    const oldSig = signWebhook('whsec_old_secret_value_1', body, t).split(',')[1];
    const newSig = signWebhook(secret, body, t).split(',')[1];
    assert.equal(verifyWebhookSignature(secret, `t=${t},${oldSig},${newSig}`, body, 300, t), true);
    assert.equal(verifyWebhookSignature(secret, `t=${t},${oldSig}`, body, 300, t), false);
  });
});
