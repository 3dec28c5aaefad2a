// The `refundflow case` commands as a real process against the running API.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../support/servers';
import { KEYS, order, startStack, type TestStack } from './stack';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('CLI: refundflow case', function () {
  this.timeout(120_000);
  let stack: TestStack;
  before(async () => {
    stack = await startStack('cli');
  });
  after(async () => stack?.close());

  const cli = (args: string[], key: string = KEYS.admin, input?: string): Promise<Run> =>
    new Promise((resolve) => {
      const child = execFile(
        process.execPath,
        [path.join(ROOT, 'bin', 'refundflow.js'), ...args],
        {
          env: {
            ...process.env,
            REFUNDFLOW_API_URL: stack.url,
            REFUNDFLOW_API_KEY: key,
            REFUNDFLOW_FROM_SOURCE: '1',
          },
        },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
      if (input !== undefined) child.stdin?.end(input);
    });

  it('starts a case from an order file, then reports it as already started', async () => {
    const o = order();
    const file = path.join(stack.dataDir, 'order.json');
    writeFileSync(file, JSON.stringify(o));
    const first = await cli(
      ['case', 'start', '--policy', 'cloud-provider-fault', '--order', file, '--email', 'cli@example.com'],
      KEYS.checkout,
    );
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^started/);
    assert.match(first.stdout, new RegExp(`order\\s+${o.orderId}`));
    assert.match(first.stdout, /status\s+open/);
    const again = await cli(
      ['case', 'start', '--policy', 'cloud-provider-fault', '--order', '-', '--json'],
      KEYS.checkout,
      JSON.stringify(o),
    );
    assert.equal(again.code, 0, again.stderr);
    assert.equal(JSON.parse(again.stdout).created, false);
  });

  it('runs request, report-issue, review and show with readable tables and --json', async () => {
    const o = order();
    const file = path.join(stack.dataDir, 'order2.json');
    writeFileSync(file, JSON.stringify(o));
    const id = String(o.orderId);
    assert.equal(
      (await cli(['case', 'start', '--policy', 'cloud-provider-fault', '--order', file], KEYS.checkout)).code,
      0,
    );
    const issue = await cli(['case', 'report-issue', id, '--description', 'cannot boot'], KEYS.support);
    assert.equal(issue.code, 0, issue.stderr);
    assert.match(issue.stdout, /status\s+remediation/);
    const request = await cli(
      ['case', 'request', id, '--reason', 'service_unusable', '--json'],
      KEYS.checkout,
    );
    assert.equal(request.code, 0, request.stderr);
    assert.equal(JSON.parse(request.stdout).outcome, 'needs_review');
    const review = await cli(
      ['case', 'review', id, '--outcome', 'third_party', '--notes', 'ISP outage'],
      KEYS.reviewer,
    );
    assert.equal(review.code, 0, review.stderr);
    assert.match(review.stdout, /status\s+denied/);
    assert.match(review.stdout, /THIRD_PARTY_CAUSE: /);
    const show = await cli(['case', 'show', id], KEYS.support);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /at\s+event\s+by\s+summary/);
    assert.match(show.stdout, /technical_review\s+reviewer/);
  });

  it('lists cases with counts, and withdraws and decides through the API', async () => {
    const o = order({ customerId: `cus-cli-${Date.now()}` });
    const file = path.join(stack.dataDir, 'order3.json');
    writeFileSync(file, JSON.stringify(o));
    const id = String(o.orderId);
    await cli(['case', 'start', '--policy', 'proxy-strict', '--order', file], KEYS.checkout);
    await cli(['case', 'request', id, '--reason', 'billing_error'], KEYS.checkout);
    let listed: Run | undefined;
    for (let i = 0; i < 50 && !listed?.stdout.includes(id); i++)
      listed = await cli(
        ['case', 'list', '--customer', String(o.customerId), '--status', 'under_review'],
        KEYS.support,
      );
    assert.match(listed!.stdout, new RegExp(`${id}\\s+under_review\\s+proxy-strict`));
    assert.match(listed!.stdout, /under_review: 1/);
    assert.match(listed!.stdout, /^1 of 1 cases$/m);
    const searched = await cli(['case', 'list', '--q', id, '--sort', 'deadline'], KEYS.support);
    assert.match(searched.stdout, new RegExp(`^${id}\\s`, 'm'));
    assert.match(searched.stdout, /^1 of 1 cases$/m);
    const blank = await cli(
      ['case', 'decide', id, '--outcome', 'denied', '--note', 'x', '--customer-message', '  '],
      KEYS.reviewer,
    );
    assert.equal(blank.code, 2, 'a blank message to the customer is refused before anything is sent');
    assert.match(blank.stderr, /customerMessage/);
    const decided = await cli(
      [
        'case',
        'decide',
        id,
        '--outcome',
        'denied',
        '--note',
        'billed correctly',
        '--customer-message',
        'We checked the invoice: the charge was correct.',
      ],
      KEYS.reviewer,
    );
    assert.equal(decided.code, 0, decided.stderr);
    assert.match(decided.stdout, /status\s+denied/);
    const { decision } = await stack.cases.read(id);
    assert.equal(decision?.customerMessage, 'We checked the invoice: the charge was correct.');
    assert.equal(decision?.note, 'billed correctly');
    const late = await cli(['case', 'withdraw', id], KEYS.checkout);
    assert.equal(late.code, 1);
    assert.match(late.stderr, /^409: .*closed/);
    // The denial can be disputed once: a person looks at it again.
    const noReason = await cli(['case', 'dispute', id], KEYS.checkout);
    assert.notEqual(noReason.code, 0, 'the description is required');
    const disputed = await cli(
      ['case', 'dispute', id, '--description', 'I was charged twice'],
      KEYS.checkout,
    );
    assert.equal(disputed.code, 0, disputed.stderr);
    assert.match(disputed.stdout, /status\s+under_review/);
    const again = await cli(['case', 'dispute', id, '--description', 'again'], KEYS.checkout);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^409: .*already disputed/);
  });

  it('reports usage with `refundflow usage report`, which the case then decides on', async () => {
    const o = order({ amountMinor: 1000, quota: { unit: 'requests', included: 10_000 } });
    o.invoicedAt = o.purchasedAt;
    const file = path.join(stack.dataDir, 'usage-order.json');
    writeFileSync(file, JSON.stringify(o));
    const started = await cli(['case', 'start', '--policy', 'usage-prorata', '--order', file], KEYS.checkout);
    assert.equal(started.code, 0, started.stderr);
    const reported = await cli(['usage', 'report', String(o.orderId), '--used', '2500'], KEYS.checkout);
    assert.equal(reported.code, 0, reported.stderr);
    assert.match(reported.stdout, new RegExp(`usage of ${o.orderId}: 2500 as of `));
    const requested = await cli(
      ['case', 'request', String(o.orderId), '--reason', 'changed_mind', '--json'],
      KEYS.checkout,
    );
    assert.equal(requested.code, 0, requested.stderr);
    const decision = (JSON.parse(requested.stdout) as { decision: { outcome: string; amountMinor: number } })
      .decision;
    assert.deepEqual([decision.outcome, decision.amountMinor], ['partial_refund', 750]);
    const badUsed = await cli(['usage', 'report', String(o.orderId), '--used', 'lots'], KEYS.checkout);
    assert.equal(badUsed.code, 2);
    assert.match(badUsed.stderr, /^used: /);
    const wrongRole = await cli(['usage', 'report', String(o.orderId), '--used', '1'], KEYS.support);
    assert.equal(wrongRole.code, 1);
    assert.match(wrongRole.stderr, /^403/);
  });

  it('exits 1 with the API message for a refusal and 2 for bad local input', async () => {
    const forbidden = await cli(
      ['case', 'review', 'any-order', '--outcome', 'provider_fault'],
      KEYS.checkout,
    );
    assert.equal(forbidden.code, 1);
    assert.match(forbidden.stderr, /^403: role checkout/);
    const unknown = await cli(['case', 'show', 'no-such-order'], KEYS.support);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^404: no refund case/);
    const badReason = await cli(['case', 'request', 'any-order', '--reason', 'because'], KEYS.checkout);
    assert.equal(badReason.code, 2);
    assert.match(badReason.stderr, /^reason: /);
    const badAmount = await cli(
      ['case', 'decide', 'any-order', '--outcome', 'partial_refund', '--amount', '12.5', '--note', 'x'],
      KEYS.reviewer,
    );
    assert.equal(badAmount.code, 2);
    assert.match(badAmount.stderr, /amountMinor/);
    const badOrder = await cli(
      ['case', 'start', '--policy', 'proxy-strict', '--order', '-'],
      KEYS.checkout,
      '{not json',
    );
    assert.equal(badOrder.code, 2);
    assert.match(badOrder.stderr, /order: not valid JSON/);
    const badKey = await cli(['case', 'list'], 'wrong-key');
    assert.equal(badKey.code, 1);
    assert.match(badKey.stderr, /^401/);
  });
});
