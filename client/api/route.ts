// One table of routes drives authorization, validation and the OpenAPI document, so the three
// cannot drift apart: each route states its roles and its zod schemas once.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { IdSchema } from '../../policies';
import type { ApiRole } from '../../config';
import { roleAllows, type Caller } from './auth';
import { HttpError, issuesOf } from './errors';

/**
 * Who may call: listed roles (admin always may), any valid key, nobody needs a key, the route
 * checks a signature itself, or admin and the metrics scraper's key (REFUNDFLOW_METRICS_KEY).
 */
export type Access = readonly ApiRole[] | 'any-key' | 'public' | 'signed' | 'metrics';

/** Every path parameter is an id (an orderId, a policy id): bounded, no control characters. */
const PathParams = z.record(z.string(), IdSchema);

export interface RouteSpec {
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  access: Access;
  summary: string;
  tag: string;
  body?: z.core.$ZodType;
  /** The body as documented, when `body` preprocesses its input (OpenAPI cannot show a preprocess). */
  documentedBody?: z.core.$ZodType;
  query?: z.core.$ZodType;
  /** The success body (client/api/responses.ts); the handler must return it, and OpenAPI shows it. */
  reply?: z.core.$ZodType;
  /** The success body's media type, when it is not JSON. */
  replyType?: string;
  /**
   * Status codes besides the success one, with what they mean. The document adds the ones every
   * route of its kind can answer (401/403 by access, 400/413/415 for a body, 400 for a query).
   */
  responses?: Record<number, string>;
  /** The documented success status; the handler sets it (it may answer another 2xx). */
  successStatus?: number;
  /** The route takes an optional Idempotency-Key header (a write: a retry with the same key is answered once). */
  idempotencyKey?: boolean;
}

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
export const IDEMPOTENCY_KEY_DESCRIPTION =
  'Optional; up to 200 printable ASCII characters. A retried write with the same key and body gets the first ' +
  "write's effect once (the answer shows the case as it is now); the same key with another body answers 409.";
const IDEMPOTENCY_KEY = /^[\x21-\x7e](?:[\x20-\x7e]{0,198}[\x21-\x7e])?$/;

export interface RouteContext<B, Q> {
  request: FastifyRequest;
  reply: FastifyReply;
  caller: Caller | undefined;
  body: B;
  query: Q;
  params: Record<string, string>;
  /** When the API received the request (ISO 8601): the case judges windows at this time. */
  receivedAt: string;
  /** The Idempotency-Key header, on routes that take one. */
  idempotencyKey?: string;
}

type Infer<S> = S extends z.core.$ZodType ? z.output<S> : undefined;
/** What a handler returns: its documented reply, when the route documents one. */
type Reply<S> = S extends z.core.$ZodType ? z.output<S> : unknown;

export class RouteTable {
  readonly specs: RouteSpec[] = [];

  constructor(
    private readonly app: FastifyInstance,
    private readonly resolveCaller: (authorization: string | undefined) => Caller | undefined,
    private readonly isMetricsKey: (authorization: string | undefined) => boolean = () => false,
  ) {}

  /** The caller a request authenticated as (undefined on public routes and for the metrics key). */
  callerOf(request: FastifyRequest, access: Access): Caller | undefined {
    if (access === 'public' || access === 'signed') return undefined;
    if (access === 'metrics' && this.isMetricsKey(request.headers.authorization)) return undefined;
    const caller = this.resolveCaller(request.headers.authorization);
    if (!caller) throw new HttpError(401, 'a valid API key is required (Authorization: Bearer <key>)');
    if (access === 'metrics') {
      if (caller.role !== 'admin') throw new HttpError(403, 'metrics are for admin keys and the metrics key');
      return caller;
    }
    if (access !== 'any-key' && !roleAllows(caller.role, access)) {
      throw new HttpError(
        403,
        `role ${caller.role} may not ${request.method} ${request.routeOptions.url}; roles allowed: ${['admin', ...access].join(', ')}`,
      );
    }
    return caller;
  }

  add<S extends RouteSpec>(
    spec: S,
    handler: (
      ctx: RouteContext<Infer<S['body']>, Infer<S['query']>>,
    ) => Promise<Reply<S['reply']>> | Reply<S['reply']>,
  ): void {
    this.specs.push(spec);
    this.app.route({
      method: spec.method,
      url: spec.url,
      handler: async (request, reply) => {
        const receivedAt = new Date(Date.now() - reply.elapsedTime).toISOString();
        // Authorization before validation: an unauthenticated caller learns nothing about bodies.
        const caller = this.callerOf(request, spec.access);
        const idempotencyKey = spec.idempotencyKey ? idempotencyKeyOf(request) : undefined;
        const body = spec.body ? parse(spec.body, request.body ?? {}, 'invalid request body') : undefined;
        const query = spec.query ? parse(spec.query, request.query ?? {}, 'invalid query') : undefined;
        parse(PathParams, request.params ?? {}, 'invalid path parameter');
        const result = await handler({
          request,
          reply,
          caller,
          body: body as Infer<S['body']>,
          query: query as Infer<S['query']>,
          params: request.params as Record<string, string>,
          receivedAt,
          ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
        });
        return result;
      },
    });
  }
}

function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  const raw = request.headers[IDEMPOTENCY_KEY_HEADER.toLowerCase()];
  if (raw === undefined) return undefined;
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (Array.isArray(raw) && raw.length > 1)
    throw new HttpError(400, 'invalid Idempotency-Key', [
      { path: IDEMPOTENCY_KEY_HEADER, message: 'must be sent once' },
    ]);
  if (value === undefined || !IDEMPOTENCY_KEY.test(value))
    throw new HttpError(400, 'invalid Idempotency-Key', [
      {
        path: IDEMPOTENCY_KEY_HEADER,
        message: 'must be 1 to 200 printable ASCII characters, without leading or trailing spaces',
      },
    ]);
  return value;
}

function parse(schema: z.core.$ZodType, value: unknown, what: string): unknown {
  const result = z.safeParse(schema, value);
  if (!result.success) throw new HttpError(400, what, issuesOf(result.error));
  return result.data;
}
