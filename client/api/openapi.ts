// The OpenAPI 3.1 document, generated from the route table and its zod schemas (zod's own JSON
// Schema output), so the document always says what the code validates.
import { z } from 'zod';
import type { RouteSpec } from './route';

const jsonSchema = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });

const errorBody = {
  type: 'object',
  properties: {
    error: { type: 'string' },
    issues: {
      type: 'array',
      items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
    },
  },
  required: ['error'],
};

function operation(spec: RouteSpec): Record<string, unknown> {
  const parameters: unknown[] = [...spec.url.matchAll(/:(\w+)/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  if (spec.query) {
    const query = jsonSchema(spec.query) as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, schema] of Object.entries(query.properties ?? {}))
      parameters.push({ name, in: 'query', required: query.required?.includes(name) ?? false, schema });
  }
  const body = spec.documentedBody ?? spec.body;
  const responses: Record<string, unknown> = {
    [String(spec.successStatus ?? 200)]: { description: 'success' },
  };
  for (const [status, description] of Object.entries(spec.responses ?? {})) {
    responses[status] = { description, content: { 'application/json': { schema: errorBody } } };
  }
  const roles = Array.isArray(spec.access) ? ['admin', ...spec.access] : undefined;
  return {
    summary: spec.summary,
    tags: [spec.tag],
    ...(roles ? { description: `Roles: ${roles.join(', ')}.`, 'x-roles': roles } : {}),
    ...(spec.access === 'public' || spec.access === 'signed' ? { security: [] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(body && spec.method === 'POST'
      ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(body) } } } }
      : {}),
    responses,
  };
}

export function openApiDocument(specs: readonly RouteSpec[], version: string): Record<string, unknown> {
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
      description: 'Refund cases on Temporal: checkout, support and reviewers.',
    },
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'A key from REFUNDFLOW_API_KEYS' },
      },
    },
    security: [{ apiKey: [] }],
    paths,
  };
}
