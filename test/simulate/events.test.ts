// Every scripted event type reaches the real case through the typed client, with its route's body,
// and the result says whether the case took it. One batch, one time-skipping server.
import assert from 'node:assert/strict';
import type { ScenarioResult } from '../../client/simulate';
import { entry, order, run, types } from './support';

describe('case simulate: scripted events', function () {
  this.timeout(300_000);
  let results: ScenarioResult[];

  before(async () => {
    results = await run([
      {
        name: 'usage, incident, chargeback, refund request',
        policyId: 'proxy-strict',
        order: order('ev-signals', {
          amountMinor: 3000,
          quota: { unit: 'gb', included: 10 },
          productId: 'proxy-res',
        }),
        events: [
          { at: 'P1D', type: 'usage', body: { used: 5 } },
          {
            at: 'P2D',
            type: 'incident',
            body: {
              incidentId: 'inc-1',
              productId: 'proxy-res',
              from: '2025-03-04T00:00:00Z',
              to: '2025-03-05T00:00:00Z',
              description: 'Residential pool down',
            },
          },
          { at: 'P3D', type: 'chargeback', body: { active: true, reference: 'cb-77' } },
          { at: 'P3DT1H', type: 'refund-request', body: { reason: 'service_unusable' } },
        ],
        until: 'P20D',
      },
      {
        name: 'information request, information, technical review; a withdrawal after payment',
        policyId: 'cloud-provider-fault',
        order: order('ev-information', { amountMinor: 8900 }),
        events: [
          { at: 'P1D', type: 'refund-request', body: { reason: 'provider_fault' } },
          { at: 'P2D', type: 'information-request', body: { items: ['logs', 'timestamps'] } },
          { at: 'P3D', type: 'information', body: { items: ['logs', 'timestamps'] } },
          { at: 'P4D', type: 'technical-review', body: { outcome: 'provider_fault' } },
          { at: 'P5D', type: 'withdrawal', body: {} },
        ],
      },
      {
        name: 'issue, request, withdrawal; a decision after it',
        policyId: 'services-fix-first',
        order: order('ev-withdrawal', { currency: 'EUR', amountMinor: 5000 }),
        events: [
          { at: 'P1D', type: 'issue', body: { description: 'Broken' } },
          { at: 'P2D', type: 'refund-request', body: { reason: 'dissatisfied' } },
          { at: 'P3D', type: 'withdrawal', body: { note: 'It works now' } },
          { at: 'P4D', type: 'decision', body: { outcome: 'credit', amountMinor: 100, note: 'late' } },
        ],
      },
      {
        name: 'subscription cancelled; a dispute',
        policyId: 'services-fix-first',
        order: order('ev-subscription', {
          currency: 'EUR',
          amountMinor: 5000,
          billing: {
            kind: 'subscription',
            periodStart: '2025-03-03T10:00:00Z',
            periodEnd: '2025-04-03T10:00:00Z',
          },
        }),
        events: [
          { at: 'P1D', type: 'cancel-subscription' },
          { at: 'P2D', type: 'dispute', body: { description: 'I want my money' } },
        ],
        until: 'P40D',
      },
    ]);
  });

  it('usage reaches billing, an incident and a chargeback reach the case as signals', () => {
    const [r] = results;
    assert.deepEqual(
      r!.events.map((e) => [e.type, e.accepted]),
      [
        ['usage', true],
        ['incident', true],
        ['chargeback', true],
        ['refund-request', true],
      ],
    );
    assert.equal(entry(r!, 'incident_confirmed').at, '2025-03-05T10:00:00.000Z');
    assert.equal(entry(r!, 'chargeback_opened').summary, 'Chargeback opened (cb-77)');
    // 5 GB of a 10 GB plan is past the light-testing cap: billing reported the scripted usage.
    assert.equal(r!.decision?.outcome, 'denied');
    assert.ok(r!.decision?.reasons.includes('USAGE_CAP_EXCEEDED'), r!.decision?.reasons.join());
    assert.ok(r!.decision?.reasons.includes('ACTIVE_CHARGEBACK'), r!.decision?.reasons.join());
  });

  it('information requested and provided, then a technical review decides; a later withdrawal is refused', () => {
    const [, r] = results;
    assert.deepEqual(
      types(r!).filter((t) => /information|technical_review/.test(t)),
      ['information_requested', 'information_provided', 'technical_review'],
    );
    assert.equal(entry(r!, 'information_provided').at, '2025-03-06T10:00:00.000Z');
    assert.equal(r!.status, 'paid');
    assert.deepEqual(r!.events.at(-1), {
      at: '2025-03-08T10:00:00.000Z',
      type: 'withdrawal',
      accepted: false,
      // The paid case still runs (it listens for its settle period), so the case itself refuses.
      error: 'the case is closed (paid); cannot withdraw',
    });
  });

  it('a withdrawal closes the case; a decision after it is refused', () => {
    const [, , r] = results;
    assert.equal(r!.status, 'withdrawn');
    assert.equal(entry(r!, 'withdrawn').at, '2025-03-06T10:00:00.000Z');
    assert.deepEqual(
      r!.events.map((e) => e.accepted),
      [true, true, true, false],
    );
    assert.equal(r!.events[3]!.error, 'the case is closed');
  });

  it('a cancellation is taken; a dispute of a case that was never denied is refused, naming why', () => {
    const [, , , r] = results;
    assert.equal(r!.events[0]!.accepted, true);
    assert.match(
      entry(r!, 'subscription_cancel_requested').summary,
      /access continues until 2025-04-03T10:00:00.000Z/,
    );
    assert.equal(entry(r!, 'subscription_ended').at, '2025-04-03T10:00:00.000Z');
    assert.equal(r!.events[1]!.accepted, false);
    assert.match(r!.events[1]!.error!, /only a denial can be disputed/);
  });

  it('every update answers with its outcome and the history is counted', () => {
    for (const r of results) {
      for (const e of r.events.filter(
        (e) => e.accepted && !['usage', 'incident', 'chargeback'].includes(e.type),
      ))
        assert.equal(e.outcome, 'completed', `${r.name}: ${e.type}`);
      assert.equal(r.history.runs, 1);
      assert.ok(
        r.history.events > 10 && r.history.maxRunEvents === r.history.events,
        JSON.stringify(r.history),
      );
    }
  });
});
