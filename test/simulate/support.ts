// Shared pieces of the simulator suites: orders and scenarios to build on, a runner on a
// time-skipping server of the simulator's own, and a partial matcher for expected results.
import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  parseScenarios,
  simulate,
  startTestServer,
  type ScenarioInput,
  type ScenarioResult,
} from '../../client/simulate';

export const PURCHASE = '2025-03-03T10:00:00Z';

export function order(id: string, overrides: Record<string, unknown> = {}): ScenarioInput['order'] {
  return {
    orderId: id,
    customerId: `cust-${id}`,
    channel: 'official',
    paymentMethod: 'card',
    amountMinor: 1000,
    currency: 'USD',
    purchasedAt: PURCHASE,
    invoicedAt: PURCHASE,
    serviceDate: PURCHASE,
    billing: { kind: 'one_time' },
    quota: { unit: 'requests', included: 10_000 },
    ...overrides,
  } as ScenarioInput['order'];
}

// The simulator moves its server's clock 400 years ahead (docs/SIMULATION.md), so its suites share
// a server of their own, not the one the workflow suites read real-time dates from.
let server: Promise<TestWorkflowEnvironment> | undefined;
after(async () => {
  const env = server;
  server = undefined;
  await (await env)?.teardown();
});

/** Runs scenarios (as the CLI reads them) on the simulator suites' test server. */
export async function run(inputs: unknown[]): Promise<ScenarioResult[]> {
  const { scenarios } = parseScenarios(inputs);
  server ??= startTestServer();
  return simulate(scenarios, { env: await server });
}

export const types = (result: ScenarioResult): string[] => result.timeline.map((e) => e.type);

export function entry(result: ScenarioResult, type: string): ScenarioResult['timeline'][number] {
  const found = result.timeline.find((e) => e.type === type);
  assert.ok(found, `no "${type}" in the timeline: ${types(result).join(', ')}`);
  return found;
}

/**
 * `actual` holds everything `expected` says: objects key by key, arrays of objects element by
 * element (same length), arrays of plain values as a set that must all be present.
 */
export function assertIncludes(actual: unknown, expected: unknown, path = 'result'): void {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path}: expected an array, got ${JSON.stringify(actual)}`);
    if (expected.every((e) => e === null || typeof e !== 'object')) {
      for (const value of expected)
        assert.ok(
          actual.includes(value),
          `${path}: ${JSON.stringify(actual)} lacks ${JSON.stringify(value)}`,
        );
      return;
    }
    assert.equal(
      actual.length,
      expected.length,
      `${path}: ${JSON.stringify(actual)} has not ${expected.length} elements`,
    );
    expected.forEach((e, i) => assertIncludes(actual[i], e, `${path}[${i}]`));
    return;
  }
  if (expected !== null && typeof expected === 'object') {
    assert.ok(
      actual !== null && typeof actual === 'object',
      `${path}: expected an object, got ${JSON.stringify(actual)}`,
    );
    for (const [key, value] of Object.entries(expected))
      assertIncludes((actual as Record<string, unknown>)[key], value, `${path}.${key}`);
    return;
  }
  assert.deepEqual(actual, expected, `${path}: ${JSON.stringify(actual)} is not ${JSON.stringify(expected)}`);
}
