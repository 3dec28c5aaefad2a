// The OpenAPI 3.1 document, generated from the route table and its zod schemas (zod's own JSON
// Schema output), so the document always says what the code validates and what it answers:
// request bodies and queries from the routes' schemas, success bodies from their `reply`
// schemas, and every error from the one error body the API sends (client/api/responses.ts).
import { z } from 'zod';
import { ErrorReply, responseSchemas, type OpenApiReply } from './responses';
import { ID_MAX_LENGTH } from '../../policies';
import { IDEMPOTENCY_KEY_DESCRIPTION, IDEMPOTENCY_KEY_HEADER, type RouteSpec } from './route';

const ref = (id: string): string => `#/components/schemas/${id}`;
const options = { unrepresentable: 'any', target: 'draft-2020-12' } as const;

/** A zod schema as a Schema Object; the document's dialect is JSON Schema 2020-12 already. */
function schemaObject(schema: z.core.$ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { ...options, io });
  return rest;
}

/** The named response schemas, each once, referring to one another. */
function responseComponents(): Record<string, unknown> {
  const { schemas } = z.toJSONSchema(responseSchemas, { ...options, io: 'output', uri: ref });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $id: _id, $schema: _dialect, ...schema }]) => [id, schema]),
  );
}

function replySchema(schema: z.core.$ZodType): Record<string, unknown> {
  const id = responseSchemas.get(schema)?.id;
  return id ? { $ref: ref(id) } : schemaObject(schema, 'output');
}

const errorContent = { 'application/json': { schema: replySchema(ErrorReply) } };

/** The failures a route answers by its kind, then the ones it declares (which may reword these). */
function failures(spec: RouteSpec): Record<string, string> {
  const out: Record<string, string> = {};
  if (spec.method !== 'GET' && spec.body) {
    out[400] = 'invalid body: `issues` names each field (a body that is not JSON has none)';
    out[413] = 'body larger than the limit';
    out[415] = 'body not sent as application/json';
  }
  if (spec.query) out[400] = 'invalid query: `issues` names each parameter';
  if (spec.url.includes(':'))
    out[400] ??= 'invalid path parameter: `issues` names it (at most 128 characters, no control characters)';
  if (spec.access !== 'public' && spec.access !== 'signed') out[401] = 'missing or unknown key';
  if (Array.isArray(spec.access) || spec.access === 'metrics')
    out[403] = "the key's role may not call this route";
  return { ...out, ...spec.responses };
}

function operation(spec: RouteSpec): Record<string, unknown> {
  const parameters: unknown[] = [...spec.url.matchAll(/:(\w+)/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string', minLength: 1, maxLength: ID_MAX_LENGTH },
  }));
  if (spec.query) {
    const query = schemaObject(spec.query, 'input') as {
      properties?: Record<string, unknown>;
      required?: string[];
    };
    for (const [name, schema] of Object.entries(query.properties ?? {}))
      parameters.push({ name, in: 'query', required: query.required?.includes(name) ?? false, schema });
  }
  if (spec.idempotencyKey)
    parameters.push({
      name: IDEMPOTENCY_KEY_HEADER,
      in: 'header',
      required: false,
      description: IDEMPOTENCY_KEY_DESCRIPTION,
      schema: {
        type: 'string',
        minLength: 1,
        maxLength: 200,
        pattern: '^[\\x21-\\x7e]([\\x20-\\x7e]*[\\x21-\\x7e])?$',
      },
    });
  const body = spec.documentedBody ?? spec.body;
  const success = spec.reply
    ? { content: { [spec.replyType ?? 'application/json']: { schema: replySchema(spec.reply) } } }
    : {};
  const responses: Record<string, unknown> = {
    [String(spec.successStatus ?? 200)]: { description: 'success', ...success },
  };
  for (const [status, description] of Object.entries(failures(spec))) {
    // A 2xx besides the documented one (a repeated start's 200) has the same body.
    responses[status] =
      Number(status) < 400 ? { description, ...success } : { description, content: errorContent };
  }
  responses.default = {
    description:
      'what any route may answer: 429 over the rate limit (see Retry-After), 504 when the case did not answer an update in time, 500 an internal error',
    content: errorContent,
  };
  const roles = Array.isArray(spec.access)
    ? ['admin', ...spec.access]
    : spec.access === 'metrics'
      ? ['admin']
      : undefined;
  return {
    summary: spec.summary,
    tags: [spec.tag],
    ...(roles
      ? {
          description: `Roles: ${roles.join(', ')}.${spec.access === 'metrics' ? ' Or the metrics key (REFUNDFLOW_METRICS_KEY).' : ''}`,
          'x-roles': roles,
        }
      : {}),
    ...(spec.access === 'public' || spec.access === 'signed' ? { security: [] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(body && spec.method !== 'GET'
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: schemaObject(body, 'input') } },
          },
        }
      : {}),
    responses,
  };
}

export function openApiDocument(specs: readonly RouteSpec[], version: string): z.output<typeof OpenApiReply> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of specs) {
    const path = spec.url.replace(/:(\w+)/g, '{$1}');
    (paths[path] ??= {})[spec.method.toLowerCase()] = operation(spec);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Refundflow API',
      version,
      description:
        'Refund cases on Temporal: checkout, support and reviewers. Every failure answers with the ' +
        '`Error` body; the one exception is a URL that is not valid percent-encoding, which the ' +
        'HTTP framework answers 400 with { error, code, message, statusCode } before any route runs.',
    },
    components: {
      schemas: responseComponents(),
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'A key from REFUNDFLOW_API_KEYS' },
      },
    },
    security: [{ apiKey: [] }],
    paths,
  };
}
