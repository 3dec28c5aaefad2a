// How every failure becomes an HTTP answer. Anything a client can send maps to a 4xx with a body
// naming the problem; only the service's own faults (Temporal down, a bug) are 5xx.
import { ServiceError } from '@temporalio/client';
import type { FastifyError, FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  CaseConflictError,
  CaseNotFoundError,
  CaseRejectedError,
  CaseTimeoutError,
  IdempotencyConflictError,
} from '../refund-client';

export interface IssueBody {
  path: string;
  message: string;
}

/** A 4xx the route decided on, with an optional list of field issues. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly issues?: IssueBody[],
  ) {
    super(message);
  }
}

function pathOf(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out ? `.${String(key)}` : String(key);
  return out || '(body)';
}

/** zod issues as { path, message }, with `prefix` for the part of the request (body, query). */
export function issuesOf(error: z.core.$ZodError, prefix: readonly PropertyKey[] = []): IssueBody[] {
  return error.issues.flatMap((issue) =>
    // An unknown field is named itself (a strict query's ?limit=), not the object that holds it.
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          path: pathOf([...prefix, ...issue.path, key]),
          message: 'is not a known field',
        }))
      : [{ path: pathOf([...prefix, ...issue.path]), message: issue.message }],
  );
}

/** Parses `value` or throws a 400 naming each offending field. */
export function parseOr400<S extends z.core.$ZodType>(
  schema: S,
  value: unknown,
  what = 'invalid request body',
): z.output<S> {
  const result = z.safeParse(schema, value);
  if (!result.success) throw new HttpError(400, what, issuesOf(result.error));
  return result.data;
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error: `no route ${request.method} ${request.url.split('?')[0]}` });
  });

  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    if (error instanceof HttpError) {
      return reply
        .code(error.statusCode)
        .send({ error: error.message, ...(error.issues ? { issues: error.issues } : {}) });
    }
    if (error instanceof z.ZodError)
      return reply.code(400).send({ error: 'invalid request', issues: issuesOf(error) });
    if (error instanceof CaseNotFoundError)
      return reply.code(404).send({ error: error.message, orderId: error.orderId });
    if (error instanceof CaseConflictError)
      return reply.code(409).send({ error: error.message, orderId: error.orderId });
    if (error instanceof IdempotencyConflictError)
      return reply.code(409).send({ error: error.message, orderId: error.orderId });
    if (error instanceof CaseRejectedError)
      return reply.code(409).send({ error: error.message, orderId: error.orderId });
    if (error instanceof CaseTimeoutError) {
      request.log.warn({ orderId: error.orderId }, 'update deadline passed');
      return reply.code(504).send({ error: error.message, orderId: error.orderId });
    }
    // Fastify's own client errors: malformed JSON (400), body too large (413), wrong media type (415).
    const status = (error as FastifyError).statusCode;
    if (status !== undefined && status >= 400 && status < 500)
      return reply.code(status).send({ error: error.message });
    if (error instanceof ServiceError) {
      request.log.error({ err: error }, 'Temporal call failed');
      return reply.code(503).send({ error: 'the case store is unavailable; try again' });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send({ error: 'internal error' });
  });
}
