// A small HTTP server for an embedded store standing in for a network peer (the sandbox gateway,
// the billing system): optional bearer key, JSON in and out, port failures as problems.
import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { problemFor } from './problems';

export interface ServiceOptions {
  host?: string;
  port: number;
  /** When set, every request must carry `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
}

export interface RunningService {
  url: string;
  close(): Promise<void>;
}

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** Builds the server, lets `routes` register on it, and listens. */
export async function startService(
  options: ServiceOptions,
  routes: (app: FastifyInstance) => void,
): Promise<RunningService> {
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  if (options.apiKey) {
    const expected = `Bearer ${options.apiKey}`;
    app.addHook('onRequest', async (request, reply) => {
      if (request.url === '/healthz') return;
      if (!sameSecret(request.headers.authorization ?? '', expected))
        await reply.code(401).send({ code: 'Unauthorized', message: 'a valid bearer key is required' });
    });
  }
  app.setErrorHandler(async (err, _request, reply) => {
    // Fastify's own refusals (bad JSON, body too large) keep their 4xx.
    const status = (err as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500)
      return reply.code(status).send({ code: 'InvalidRequest', message: (err as Error).message });
    const problem = problemFor(err);
    return reply.code(problem.status).send(problem.body);
  });
  // Liveness for compose's health check; says nothing about the store.
  app.get('/healthz', async () => ({ ok: true }));
  routes(app);
  const address = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port });
  return { url: address.replace('0.0.0.0', '127.0.0.1'), close: () => app.close() };
}
