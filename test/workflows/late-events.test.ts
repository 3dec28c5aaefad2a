// The late-event record (workflows/late-events.ts) on the time-skipping server, with support's
// notices failing: an acknowledgement that comes before support could be told does not close the
// record — it completes only once every event is both told and acknowledged — and a refused
// acknowledgement never reaches history.
import assert from 'node:assert/strict';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import {
  acknowledgeLateEventsUpdate,
  lateEventSignal,
  lateEventsQuery,
  lateEventsWorkflowId,
  type LateEvent,
  type lateCaseEvents,
} from '../../workflows/late-events';
import { orderId, stubActivities, withCaseWorker } from './support';

describe('late-event record (time skipping)', function () {
  this.timeout(180_000);

  it('waits for the notice even when acknowledged first, then completes with every event told and acknowledged', async () => {
    const stubs = stubActivities();
    await withCaseWorker(stubs, async ({ env, taskQueue, now }) => {
      const id = orderId('late');
      const event = (key: string): LateEvent => ({
        key,
        kind: 'chargeback',
        receivedAt: new Date().toISOString(),
        summary: `a chargeback was opened (${key})`,
        caseStatus: 'withdrawn',
      });
      // Support's notice channel is down from the start.
      stubs.faults.set('notifySupport', { kind: 'outage' });
      const handle = await env.client.workflow.signalWithStart<typeof lateCaseEvents, [LateEvent]>(
        'lateCaseEvents',
        {
          workflowId: lateEventsWorkflowId(id),
          taskQueue,
          args: [{ orderId: id, customerId: `cust-${id}` }],
          signal: lateEventSignal,
          signalArgs: [event('chargeback:cb-1')],
        },
      );
      try {
        // A refused acknowledgement (an unknown key) is rejected by the validator: nothing in history.
        await assert.rejects(
          handle.executeUpdate(acknowledgeLateEventsUpdate, { args: [{ keys: ['chargeback:nope'] }] }),
          (err: unknown) =>
            err instanceof WorkflowUpdateFailedError &&
            /no late event chargeback:nope/.test(String(err.cause?.message)),
        );
        const acknowledged = await handle.executeUpdate(acknowledgeLateEventsUpdate, {
          args: [{ note: 'handled by phone', actor: { role: 'support', id: 'agent-7' } }],
        });
        assert.equal(acknowledged.events[0]?.acknowledgedBy?.id, 'agent-7');
        assert.equal(acknowledged.events[0]?.notifiedAt, undefined, 'support has not been told yet');

        // Hours of outage: the record stays open, retrying the notice.
        const before = await now();
        await env.sleep('3 hours');
        assert.ok((await now()).getTime() - before.getTime() >= 3 * 3_600_000);
        assert.equal((await handle.describe()).status.name, 'RUNNING');
        const waiting = await handle.query(lateEventsQuery);
        assert.equal(waiting.events[0]?.notifiedAt, undefined);
        assert.ok(stubs.calls.filter((c) => c.name === 'notifySupport').length > 1, 'the notice is retried');

        // The channel recovers: the notice goes out and the record completes, returning its state.
        stubs.faults.delete('notifySupport');
        await env.sleep('2 hours');
        const result = await handle.result();
        assert.equal(result.total, 1);
        assert.ok(result.events[0]?.notifiedAt && result.events[0]?.acknowledgedAt);
        assert.equal(result.events[0]?.acknowledgeNote, 'handled by phone');

        const history = await handle.fetchHistory();
        const updates = (history.events ?? []).filter(
          (e) => e.workflowExecutionUpdateAcceptedEventAttributes,
        );
        assert.equal(updates.length, 1, 'only the accepted acknowledgement is in history');
      } finally {
        await handle.terminate('test finished').catch(() => undefined);
      }
    });
  });
});
