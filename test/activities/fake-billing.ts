// A company's billing system for the tests, played by a local HTTP server held to the
// published contract (activities/billing/openapi.json).
import http from 'node:http';
import openapi from '../../activities/billing/openapi.json';
import { freePort } from './support';

interface JsonSchema {
  type?: string | string[];
  required?: string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean;
  $ref?: string;
  oneOf?: JsonSchema[];
}
type Operation = {
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: { content: { 'application/json': { schema: JsonSchema } } };
};

const schemaAt = (s: JsonSchema): JsonSchema =>
  s.$ref ? (openapi.components.schemas as Record<string, JsonSchema>)[s.$ref.split('/').pop()!]! : s;

/** Enough JSON Schema to hold the fake billing server to the published contract. */
function conforms(value: unknown, schema: JsonSchema, where: string): string[] {
  const s = schemaAt(schema);
  if (s.oneOf)
    return s.oneOf.some((alt) => conforms(value, alt, where).length === 0)
      ? []
      : [`${where} matches no alternative`];
  const types = s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type];
  const actual = value === null ? 'null' : Number.isInteger(value) ? 'integer' : typeof value;
  if (types.length && !types.includes(actual) && !(actual === 'integer' && types.includes('number')))
    return [`${where} is ${actual}, not ${types.join('|')}`];
  if (actual !== 'object' || !s.properties) return [];
  const obj = value as Record<string, unknown>;
  const problems = (s.required ?? []).filter((k) => !(k in obj)).map((k) => `${where}.${k} is missing`);
  for (const [k, v] of Object.entries(obj)) {
    const prop = s.properties[k];
    if (!prop) {
      if (s.additionalProperties === false) problems.push(`${where}.${k} is not in the contract`);
    } else problems.push(...conforms(v, prop, `${where}.${k}`));
  }
  return problems;
}

export interface Seen {
  method: string;
  path: string;
  idempotencyKey?: string;
  authorization?: string;
  body?: unknown;
}

/**
 * A company's billing system, played by a local HTTP server that speaks the contract in
 * activities/billing/openapi.json: it refuses requests the contract does not describe and
 * applies each Idempotency-Key once. `faults` scripts answers for the next requests.
 */
export async function startBilling() {
  const seen: Seen[] = [];
  const faults: { status: number; body?: unknown; hang?: boolean }[] = [];
  const credits = new Map<string, { creditId: string; body: string }>();
  const effects: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url!, 'http://billing');
      const raw = Buffer.concat(chunks).toString('utf8');
      const body = raw ? (JSON.parse(raw) as unknown) : undefined;
      const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
      seen.push({
        method: req.method!,
        path: url.pathname,
        ...(idempotencyKey ? { idempotencyKey } : {}),
        ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
        body,
      });
      const send = (status: number, payload?: unknown) => {
        res
          .writeHead(status, payload === undefined ? {} : { 'content-type': 'application/json' })
          .end(payload === undefined ? undefined : JSON.stringify(payload));
      };
      const fault = faults.shift();
      if (fault?.hang) return; // never answers
      if (fault) return send(fault.status, fault.body);

      // Route by the contract's path templates.
      const match = Object.entries(openapi.paths).find(([template]) =>
        new RegExp(`^/v1${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(url.pathname),
      );
      const operation =
        match &&
        ((match[1] as Record<string, Operation>)[req.method!.toLowerCase()] as Operation | undefined);
      if (!operation)
        return send(404, {
          code: 'no_route',
          message: `${req.method} ${url.pathname} is not in the contract`,
        });
      const problems = [
        ...(operation.parameters ?? [])
          .filter((p) => p.required && p.in === 'header' && !req.headers[p.name.toLowerCase()])
          .map((p) => `header ${p.name} is missing`),
        ...(operation.parameters ?? [])
          .filter((p) => p.required && p.in === 'query' && !url.searchParams.has(p.name))
          .map((p) => `query ${p.name} is missing`),
        ...(operation.requestBody
          ? conforms(body, operation.requestBody.content['application/json'].schema, 'body')
          : []),
      ];
      if (problems.length) return send(400, { code: 'contract_violation', message: problems.join('; ') });

      const orderId = decodeURIComponent(url.pathname.split('/')[3] ?? '');
      if (orderId === 'missing') return send(404, { code: 'unknown_order', message: 'no such order' });
      if (url.pathname.endsWith('/account-snapshot')) {
        return send(200, {
          usage: { used: 40_000 },
          chargebackActive: false,
          refundsInLast90Days: 2,
          termsViolation: false,
          abuseSuspected: true,
        });
      }
      if (url.pathname.endsWith('/contact')) return send(200, { email: 'ada@customer.example', name: 'Ada' });
      if (url.pathname.endsWith('/credits')) {
        const earlier = credits.get(idempotencyKey!);
        if (earlier && earlier.body !== raw)
          return send(409, { code: 'idempotency_conflict', message: 'key reused with another body' });
        if (earlier) return send(200, { creditId: earlier.creditId });
        const creditId = `cr_${credits.size + 1}`;
        credits.set(idempotencyKey!, { creditId, body: raw });
        effects.push(`credit ${(body as { amountMinor: number }).amountMinor}`);
        return send(200, { creditId });
      }
      if (url.pathname.endsWith('/service-extensions')) return send(200, { extensionId: 'ext_1' });
      effects.push(url.pathname.split('/').pop()!);
      return send(204);
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    seen,
    faults,
    effects,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
