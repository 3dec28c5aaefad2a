// The HTTP API: one Fastify instance with the /v1 routes, the codec server, the support UI's
// static files, /healthz, /metrics and /openapi.json. Everything it needs comes in as deps, so
// tests build it against a real Temporal dev server and listen on port 0.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { PayloadCodec } from '@temporalio/common';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import pino from 'pino';
import type { ApiKey } from '../../worker/config';
import type { RefundCases } from '../refund-client';
import { keyResolver } from './auth';
import { apiKeyAuthorizer, codecServer } from './codec-server';
import { installErrorHandling } from './errors';
import { installMetrics } from './metrics';
import { openApiDocument } from './openapi';
import { HealthReply, MetricsReply, OpenApiReply } from './responses';
import { RouteTable } from './route';
import { registerCaseRoutes, type OrderSink } from './routes/cases';
import { registerIncidentRoutes } from './routes/incidents';
import { registerPolicyRoutes } from './routes/policies';
import { registerSupportRoutes } from './routes/support';
import { registerUsageRoutes, type UsageSink } from './routes/usage';
import { registerWebhookRoute, webhookSpec } from './routes/webhooks';

export interface ApiDeps {
  cases: RefundCases;
  apiKeys: readonly ApiKey[];
  /** The gateway's webhook signing secret; without it the webhook answers 503. */
  webhookSecret?: string;
  webhookToleranceSeconds?: number;
  /** The embedded billing store, fed with each order checkout starts a case for and its usage. */
  billing?: OrderSink & UsageSink;
  /** The embedded email outbox file, listed by GET /v1/outbox. */
  outboxFile?: string;
  /** The payload codec, to serve /codec/* for the Temporal Web UI. */
  codec?: PayloadCodec;
  codecCorsOrigins?: readonly string[];
  /** Must redact `req.headers.authorization` if it logs headers at all (see apiLogger). */
  logger?: pino.Logger;
  /** The support UI's folder; false to serve none. */
  uiRoot?: string | false;
  bodyLimit?: number;
}

const VERSION: string = (require('../../package.json') as { version: string }).version;

/** The API's logger: keys and signatures never reach a log line, whatever a serializer adds. */
export function apiLogger(level: string = 'info', destination?: pino.DestinationStream): pino.Logger {
  const options: pino.LoggerOptions = {
    level,
    redact: {
      paths: ['req.headers.authorization', 'req.headers["refundflow-signature"]', 'headers.authorization'],
      censor: '[redacted]',
    },
    formatters: { level: (label) => ({ level: label }) },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** ui/static next to the sources, or two levels further up when running from dist/. */
export function defaultUiRoot(): string | undefined {
  return [
    path.resolve(__dirname, '..', '..', 'ui', 'static'),
    path.resolve(__dirname, '..', '..', '..', 'ui', 'static'),
  ].find((p) => existsSync(p));
}

export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; the cast only widens its generic level type.
    loggerInstance: (deps.logger ?? apiLogger()) as FastifyBaseLogger,
    // A caller's request id (a load balancer's, a test's) is kept; otherwise a fresh one.
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    bodyLimit: deps.bodyLimit ?? 256 * 1024,
    // Fastify closes idle keep-alive sockets on close(), so shutdown is not held up by browsers.
    forceCloseConnections: 'idle',
  });

  installErrorHandling(app);
  const metrics = installMetrics(app);
  app.addHook('onSend', async (request, reply, payload) => {
    void reply.header('x-request-id', request.id);
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header(
      'content-security-policy',
      "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    );
    return payload;
  });

  const routes = new RouteTable(app, keyResolver(deps.apiKeys));
  registerCaseRoutes(routes, deps.cases, deps.billing);
  registerIncidentRoutes(routes, deps.cases);
  registerUsageRoutes(routes, deps.billing);
  registerPolicyRoutes(routes);
  registerSupportRoutes(routes, deps.outboxFile);
  registerWebhookRoute(app, deps.cases, deps.webhookSecret, deps.webhookToleranceSeconds);

  routes.add(
    {
      method: 'GET',
      url: '/healthz',
      access: 'public',
      tag: 'operations',
      summary: 'Liveness',
      reply: HealthReply,
    },
    () => ({ status: 'ok' as const }),
  );
  routes.add(
    {
      method: 'GET',
      url: '/metrics',
      access: 'public',
      tag: 'operations',
      summary: 'Prometheus metrics',
      reply: MetricsReply,
      replyType: 'text/plain',
    },
    async ({ reply }) => {
      void reply.type(metrics.contentType);
      return metrics.metrics();
    },
  );
  let document: ReturnType<typeof openApiDocument> | undefined;
  routes.add(
    {
      method: 'GET',
      url: '/openapi.json',
      access: 'public',
      tag: 'operations',
      summary: 'This document',
      reply: OpenApiReply,
    },
    () => {
      document ??= openApiDocument([...routes.specs, webhookSpec], VERSION);
      return document;
    },
  );

  if (deps.codec) {
    await app.register(codecServer, {
      codec: deps.codec,
      authorize: apiKeyAuthorizer(deps.apiKeys),
      corsOrigins: deps.codecCorsOrigins ?? [],
    });
  }

  const uiRoot = deps.uiRoot === undefined ? defaultUiRoot() : deps.uiRoot;
  if (uiRoot) await app.register(fastifyStatic, { root: uiRoot, prefix: '/', index: 'index.html' });
  return app;
}
