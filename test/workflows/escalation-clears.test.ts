// Issue 19 item 6: an escalation clears when a person acts on the case (patch `escalation-clears`),
// on the time-skipping server: the decision deadline passes, the case escalates; a refused decision
// leaves it escalated; an information request clears it (the flag, its search attribute, each
// escalation marked with when), and the history carries the patch marker. Cases recorded before
// the patch (test/replay/histories/decision-deadline-escalated.json) replay without clearing.
import assert from 'node:assert/strict';
import { getPreset, type Order } from '../../policies';
import { CaseRejectedError } from '../../client/refund-client';
import { openEscalation, ESCALATION_CLEARS } from '../../workflows/case/escalation';
import { ROLLED_UP, ROLLUP } from '../../workflows/case/patches';
import { escalatedKey } from '../../workflows/search-attributes';
import { orderId, recordHistory, stubActivities, waitForCase, withCaseWorker, testOrder } from './support';

const makeOrder = (id: string, at: Date, overrides: Partial<Order> = {}): Order =>
  testOrder(id, at, { quota: { unit: 'gb', included: 10 }, ...overrides });

describe('escalation clears when someone acts (time skipping)', function () {
  this.timeout(120_000);

  it('the decision deadline escalates; a refused decision leaves it; an information request clears it', async () => {
    const stubs = stubActivities();
    await withCaseWorker(stubs, async ({ env, cases, now }) => {
      const id = orderId('escalation-clears');
      await cases.start(getPreset('cloud-provider-fault')!, makeOrder(id, await now()));
      await cases.requestRefund(id, { reason: 'provider_fault' });
      const remediating = await cases.read(id);
      await env.sleep(
        Date.parse(remediating.deadlines.remediationDeadline!) - (await now()).getTime() + 60_000,
      );
      const review = await waitForCase(cases, id, (s) => s.status === 'under_review');
      await env.sleep(Date.parse(review.deadlines.decisionDeadline!) - (await now()).getTime() + 60_000);
      const escalated = await waitForCase(cases, id, (s) => s.escalated);
      const open = openEscalation(escalated);
      assert.deepEqual(open?.reasons, ['decision-deadline']);
      assert.equal(open?.since, escalated.escalations[0]!.at);
      assert.equal((await cases.handle(id).describe()).typedSearchAttributes.get(escalatedKey), true);

      // A decision the case refuses is no action: nothing changes.
      await assert.rejects(
        cases.decide(id, { outcome: 'partial_refund', amountMinor: 999_999, note: 'too much' }),
        CaseRejectedError,
      );
      assert.equal((await cases.read(id)).escalated, true);

      await cases.requestInformation(id, {
        items: ['logs'],
        actor: { role: 'reviewer', id: 'rev-1' },
      } as never);
      const cleared = await cases.read(id);
      assert.equal(cleared.escalated, false);
      assert.equal(openEscalation(cleared), undefined);
      assert.ok(
        cleared.escalations.every((e) => e.clearedAt),
        'the escalations stay, marked cleared',
      );
      const entry = cleared.timeline.find((t) => t.type === 'escalation_cleared');
      assert.match(entry?.summary ?? '', /information was requested/);
      assert.equal((await cases.handle(id).describe()).typedSearchAttributes.get(escalatedKey), false);

      const history = await cases.handle(id).fetchHistory();
      const patches = (history.events ?? []).flatMap((e) =>
        (e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads ?? []).map(
          (p) => (JSON.parse(Buffer.from(p.data!).toString('utf8')) as { id: string }).id,
        ),
      );
      // A new case records the rollup that implies the patch, not the patch's own marker (case/patches.ts).
      assert.ok(ROLLED_UP.includes(ESCALATION_CLEARS), 'the rollup implies escalation-clears');
      assert.deepEqual(patches, [ROLLUP], `one patch marker, the rollup (${patches.join(', ')})`);

      // The case goes on: the materials, the review, the decision; it stays cleared.
      await cases.provideInformation(id, { items: ['logs'] });
      const decided = await cases.submitTechnicalReview(id, { outcome: 'provider_fault' });
      assert.equal(decided.decision?.outcome, 'full_refund');
      assert.equal((await cases.read(id)).escalated, false);
      await recordHistory(cases, id, 'escalation-cleared');
    });
  });
});
