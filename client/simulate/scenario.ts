// The scenario language of `refundflow case simulate` (DESIGN.md "Case simulation"): a case's
// order and policy, what billing knows, how the gateway behaves, adapter faults over intervals,
// and scripted events at times given after the purchase ("P3D") or as ISO instants. Parsed once,
// at the edge: a bad scenario is refused with the field named before anything runs.
import { DateTime, Duration } from 'luxon';
import { z } from 'zod';
import { refundFailureReasons } from '../../activities/payments/failure-reasons';
import { ChargebackSchema } from '../../workflows/messages';
import {
  OrderSchema,
  PRESET_IDS,
  formatZodIssues,
  getPreset,
  isPresetId,
  type Order,
  type Policy,
} from '../../policies';
import {
  CancellationBody,
  DecisionBody,
  IncidentBody,
  InformationBody,
  InformationRequestBody,
  IssueBody,
  RefundRequestBody,
  TechnicalReviewBody,
  WithdrawalBody,
} from '../api/requests';

const DAY_MS = 86_400_000;
/** How long a scenario runs when it gives no `until` and its case never closes. */
export const DEFAULT_SPAN_DAYS = 400;

/** The body of the route each event type stands for (the HTTP API's body, without the actor). */
export const EVENT_BODIES = {
  'refund-request': RefundRequestBody,
  issue: IssueBody,
  'technical-review': TechnicalReviewBody,
  decision: DecisionBody,
  withdrawal: WithdrawalBody,
  'information-request': InformationRequestBody,
  information: InformationBody,
  incident: IncidentBody,
  'cancel-subscription': CancellationBody,
  // POST /v1/cases/:orderId/disputes; the workflow has no dispute message yet (see events.ts).
  dispute: z.object({ description: z.string().trim().min(1).max(4000) }).strict(),
  chargeback: ChargebackSchema,
  // PUT /v1/orders/:orderId/usage; reportedAt defaults to the event's time.
  usage: z
    .object({
      used: z.number().nonnegative().finite(),
      reportedAt: z.iso.datetime({ offset: true }).optional(),
    })
    .strict(),
} as const;
export type EventType = keyof typeof EVENT_BODIES;
export const EVENT_TYPES = Object.keys(EVENT_BODIES) as [EventType, ...EventType[]];

/** The methods of each port that a fault can name. */
export const PORT_OPERATIONS = {
  billing: [
    'getAccountSnapshot',
    'getCustomerContact',
    'withdrawAccess',
    'issueCredit',
    'grantServiceExtension',
    'cancelSubscriptionAtPeriodEnd',
  ],
  email: ['send'],
  payments: ['createRefund', 'getRefund'],
} as const;
export type PortName = keyof typeof PORT_OPERATIONS;

const AT_MESSAGE = 'not an ISO 8601 duration or time';
const isoDuration = (value: string): boolean => /^P/.test(value) && Duration.fromISO(value).isValid;
const isoInstant = (value: string): boolean => z.iso.datetime({ offset: true }).safeParse(value).success;
/** `<at>`: an ISO 8601 duration after order.purchasedAt ("P3D", "PT36H") or an ISO instant with offset. */
const AtSchema = z.string().refine((v) => isoDuration(v) || isoInstant(v), { message: AT_MESSAGE });

const EventSchema = z
  .object({ at: AtSchema, type: z.enum(EVENT_TYPES), body: z.unknown().optional() })
  .strict()
  .superRefine((event, ctx) => {
    const parsed = EVENT_BODIES[event.type].safeParse(event.body ?? {});
    if (parsed.success) return;
    for (const issue of parsed.error.issues)
      ctx.addIssue({ code: 'custom', path: ['body', ...issue.path], message: issue.message });
  });

const FaultSchema = z
  .object({
    port: z.enum(['billing', 'email', 'payments']),
    operation: z.string().min(1).optional(),
    kind: z.enum(['unavailable', 'rejects']),
    from: AtSchema,
    to: AtSchema.optional(),
  })
  .strict()
  .superRefine((fault, ctx) => {
    const known: readonly string[] = PORT_OPERATIONS[fault.port];
    if (fault.operation !== undefined && !known.includes(fault.operation))
      ctx.addIssue({
        code: 'custom',
        path: ['operation'],
        message: `${fault.port} has no operation "${fault.operation}" (known: ${known.join(', ')})`,
      });
  });

export const ScenarioSchema = z
  .object({
    /** A label carried into the result; not part of the contract's required fields. */
    name: z.string().max(200).optional(),
    policyId: z.string().refine(isPresetId, { message: `unknown policy (known: ${PRESET_IDS.join(', ')})` }),
    order: OrderSchema,
    customerEmail: z.email().optional(),
    billing: z
      .object({
        usage: z.object({ used: z.number().nonnegative().finite() }).strict().optional(),
        chargebackActive: z.boolean().optional(),
        termsViolation: z.boolean().optional(),
        abuseSuspected: z.boolean().optional(),
        refundsInLast90Days: z.number().int().nonnegative().max(1000).optional(),
      })
      .strict()
      .default({}),
    gateway: z
      .object({
        settle: z.enum(['succeeded', 'failed', 'never']).default('succeeded'),
        afterSeconds: z
          .number()
          .nonnegative()
          .max(30 * 86_400)
          .default(3),
        /** Why a `failed` settlement failed, as the gateway names it. */
        failureReason: z.enum(refundFailureReasons).default('expired_or_canceled_card'),
      })
      .strict()
      .default({ settle: 'succeeded', afterSeconds: 3, failureReason: 'expired_or_canceled_card' }),
    faults: z.array(FaultSchema).max(100).default([]),
    events: z.array(EventSchema).max(1000),
    until: AtSchema.optional(),
  })
  .strict();

export type ScenarioInput = z.input<typeof ScenarioSchema>;
type ParsedScenario = z.output<typeof ScenarioSchema>;

export interface ScriptedEvent {
  /** Position in the scenario's `events`, which the result keeps. */
  index: number;
  atMs: number;
  type: EventType;
  body: Record<string, unknown>;
}

export interface Fault {
  port: PortName;
  operation?: string;
  kind: 'unavailable' | 'rejects';
  fromMs: number;
  /** Open-ended when absent. */
  toMs: number;
}

/** A validated scenario with every `<at>` resolved to an instant (epoch ms, in the scenario's frame). */
export interface Scenario {
  name?: string;
  policy: Policy;
  order: Order;
  customerEmail?: string;
  billing: ParsedScenario['billing'];
  gateway: ParsedScenario['gateway'];
  faults: Fault[];
  events: ScriptedEvent[];
  startMs: number;
  untilMs: number;
  /** True when `until` was given: the case runs to it even if it closes earlier. */
  untilGiven: boolean;
}

export class ScenarioInputError extends Error {
  override name = 'ScenarioInputError';
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

/** Resolves `<at>` against the purchase, in the policy's time zone (so "P3D" keeps the local time). */
function resolveAt(at: string, startMs: number, timeZone: string): number {
  if (!isoDuration(at)) return Date.parse(at);
  return DateTime.fromMillis(startMs, { zone: timeZone }).plus(Duration.fromISO(at)).toMillis();
}

function resolve(parsed: ParsedScenario, prefix: string, problems: string[]): Scenario | undefined {
  const policy = getPreset(parsed.policyId)!;
  const startMs = Date.parse(parsed.order.purchasedAt);
  const before = (path: string, ms: number): boolean => {
    if (ms >= startMs) return false;
    problems.push(`${prefix}${path}: before order.purchasedAt (${parsed.order.purchasedAt})`);
    return true;
  };
  const at = (value: string) => resolveAt(value, startMs, policy.timeZone);

  const untilMs = parsed.until !== undefined ? at(parsed.until) : startMs + DEFAULT_SPAN_DAYS * DAY_MS;
  if (parsed.until !== undefined && untilMs <= startMs)
    problems.push(`${prefix}until: must be after order.purchasedAt`);

  const events: ScriptedEvent[] = [];
  parsed.events.forEach((event, index) => {
    const atMs = at(event.at);
    if (before(`events[${index}].at`, atMs)) return;
    if (atMs > untilMs) problems.push(`${prefix}events[${index}].at: after until`);
    events.push({
      index,
      atMs,
      type: event.type,
      body: EVENT_BODIES[event.type].parse(event.body ?? {}) as Record<string, unknown>,
    });
  });

  const faults: Fault[] = [];
  parsed.faults.forEach((fault, index) => {
    const fromMs = at(fault.from);
    const toMs = fault.to !== undefined ? at(fault.to) : Number.POSITIVE_INFINITY;
    if (fault.to !== undefined && toMs <= fromMs)
      problems.push(`${prefix}faults[${index}].to: must be after from`);
    faults.push({
      port: fault.port,
      kind: fault.kind,
      fromMs,
      toMs,
      ...(fault.operation ? { operation: fault.operation } : {}),
    });
  });

  if (problems.length > 0) return undefined;
  return {
    ...(parsed.name ? { name: parsed.name } : {}),
    policy,
    order: parsed.order,
    ...(parsed.customerEmail ? { customerEmail: parsed.customerEmail } : {}),
    billing: parsed.billing,
    gateway: parsed.gateway,
    faults,
    // Same-instant events keep their written order.
    events: events.sort((a, b) => a.atMs - b.atMs || a.index - b.index),
    startMs,
    untilMs,
    untilGiven: parsed.until !== undefined,
  };
}

/**
 * One scenario or an array of them. Throws ScenarioInputError with one "field: problem" line per
 * problem; an array's fields are prefixed with the scenario's position ("[2].events[3].at").
 */
export function parseScenarios(raw: unknown): { scenarios: Scenario[]; batch: boolean } {
  const batch = Array.isArray(raw);
  const items: unknown[] = batch ? (raw as unknown[]) : [raw];
  if (batch && items.length === 0)
    throw new ScenarioInputError(['(input): an empty array has no scenario to run']);
  const problems: string[] = [];
  const scenarios: Scenario[] = [];
  items.forEach((item, i) => {
    const prefix = batch ? `[${i}]` : '';
    const parsed = ScenarioSchema.safeParse(item);
    if (!parsed.success) {
      for (const line of formatZodIssues(parsed.error, item)) problems.push(withPrefix(prefix, line));
      return;
    }
    const scenario = resolve(parsed.data, prefix ? `${prefix}.` : '', problems);
    if (scenario) scenarios.push(scenario);
  });
  if (problems.length > 0) throw new ScenarioInputError(problems);
  return { scenarios, batch };
}

function withPrefix(prefix: string, line: string): string {
  if (!prefix) return line;
  if (line.startsWith('(input)')) return `${prefix}${line.slice('(input)'.length)}`;
  return line.startsWith('[') ? `${prefix}${line}` : `${prefix}.${line}`;
}
