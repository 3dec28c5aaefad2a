// The order's late-event record (workflows/late-events.ts): a gateway event or chargeback for a
// case whose run has ended goes there instead (recorded and support told, never dropped), and
// support acknowledges what it has handled.
import {
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type WorkflowHandle,
} from '@temporalio/client';
import type { AcknowledgeLateEventsInput } from '../workflows/messages';
import type { refundCase } from '../workflows/refund-case';
import { customerKey, statusKey } from '../workflows/search-attributes';
import {
  acknowledgeLateEventsUpdate,
  lateEventSignal,
  lateEventsQuery,
  lateEventsWorkflowId,
  type LateEvent,
  type LateEventsState,
  type lateCaseEvents,
} from '../workflows/late-events';
import { CaseNotFoundError, CaseRejectedError, CaseTimeoutError } from './case-errors';
import type { RefundCases, SignalDelivery, WriteOptions } from './refund-client';

/** The order's late-event record (events after its case ended), if it has one. */
export async function lateEvents(cases: RefundCases, orderId: string): Promise<LateEventsState | undefined> {
  try {
    return await cases.client.workflow.getHandle(lateEventsWorkflowId(orderId)).query(lateEventsQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/**
 * Support acknowledges late events it has handled (every open one unless `keys` names some).
 * The record completes once all are told and acknowledged (workflows/late-events.ts).
 */
export async function acknowledgeLateEvents(
  cases: RefundCases,
  orderId: string,
  body: AcknowledgeLateEventsInput,
  opts: WriteOptions = {},
): Promise<LateEventsState> {
  const handle = cases.client.workflow.getHandle<typeof lateCaseEvents>(lateEventsWorkflowId(orderId));
  try {
    return await cases.client.withDeadline(Date.now() + cases.updateTimeoutMs, () =>
      handle.executeUpdate(acknowledgeLateEventsUpdate, {
        args: [body],
        ...(opts.updateId ? { updateId: opts.updateId } : {}),
      }),
    );
  } catch (err) {
    if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError)
      throw new CaseTimeoutError(orderId, cases.updateTimeoutMs);
    if (err instanceof WorkflowUpdateFailedError) {
      const cause = err.cause;
      throw new CaseRejectedError(
        cause instanceof Error ? cause.message : 'acknowledgement refused',
        orderId,
      );
    }
    const closed = err instanceof Error && /workflow execution already completed/i.test(err.message);
    if (closed || err instanceof WorkflowNotFoundError) {
      // A completed record has nothing open; no record at all means no late event (or no case).
      const exists = await handle
        .describe()
        .then(() => true)
        .catch(() => false);
      if (exists) throw new CaseRejectedError('every late event is already acknowledged', orderId);
      await cases.read(orderId);
      throw new CaseRejectedError('no event arrived after this case ended', orderId);
    }
    throw err;
  }
}

export async function signalOrRecordLate(
  cases: RefundCases,
  orderId: string,
  send: (h: WorkflowHandle<typeof refundCase>) => Promise<void>,
  late: () => LateEvent,
): Promise<SignalDelivery> {
  try {
    await send(cases.handle(orderId));
    return 'case';
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
  // Not found: no case at all, or one whose run has ended (a case that describes).
  const description = await cases
    .handle(orderId)
    .describe()
    .catch((err: unknown) => {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    });
  if (!description) throw new CaseNotFoundError(orderId);
  const attrs = description.typedSearchAttributes;
  const status = attrs.get(statusKey);
  // A record that completed (everything acknowledged) seeds the next run, so its events stay visible.
  const lateHandle = cases.client.workflow.getHandle<typeof lateCaseEvents>(lateEventsWorkflowId(orderId));
  const previous = await lateHandle
    .describe()
    .then((d) => (d.status.name === 'COMPLETED' ? lateHandle.result() : undefined))
    .catch((err: unknown) => {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    });
  await cases.client.workflow.signalWithStart<typeof lateCaseEvents, [LateEvent]>('lateCaseEvents', {
    workflowId: lateEventsWorkflowId(orderId),
    taskQueue: cases.taskQueue,
    args: [{ orderId, customerId: attrs.get(customerKey) ?? '', ...(previous ? { carried: previous } : {}) }],
    signal: lateEventSignal,
    signalArgs: [{ ...late(), ...(status ? { caseStatus: status } : {}) }],
  });
  return 'late_record';
}
