// The case's workflow id and its order id, one from the other: visibility lists workflow ids,
// and the client turns them back into the order ids its callers know.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { orderIdFromWorkflowId, workflowIdForOrder } from '../../workflows/case-state';

describe('workflows: case id ⇄ order id', () => {
  it('the order id comes back from its case id, whatever it holds (even a "refund-case-" of its own)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 200 }), (orderId) => {
        assert.equal(orderIdFromWorkflowId(workflowIdForOrder(orderId)), orderId);
      }),
    );
    assert.equal(orderIdFromWorkflowId(workflowIdForOrder('refund-case-7')), 'refund-case-7');
  });

  it('a workflow id that is not a case id is returned as it is', () => {
    assert.equal(orderIdFromWorkflowId('incident-fan-out-9'), 'incident-fan-out-9');
  });
});
