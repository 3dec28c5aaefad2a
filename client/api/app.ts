// The HTTP API: one Fastify instance with the /v1 routes, the codec server, the support UI's
// static files, /healthz, /metrics and /openapi.json. Everything it needs comes in as deps, so
// tests build it against a real Temporal dev server and listen on port 0.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import type { PayloadCodec } from '@temporalio/common';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import type pino from 'pino';
import type { ApiKey } from '../../config';
import type { Ledger } from '../../ledger/store';
import { createLogger } from '../../config/logger';
import type { RefundCases } from '../refund-client';
import { keyResolver, type Caller } from './auth';
import { apiKeyAuthorizer, codecServer } from './codec-server';
import { HttpError, installErrorHandling } from './errors';
import { installMetrics } from './metrics';
import { openApiDocument } from './openapi';
import { HealthReply, MetricsReply, OpenApiReply } from './responses';
import { RouteTable } from './route';
import { registerCaseRoutes, type OrderSink } from './routes/cases';
import { registerIncidentRoutes } from './routes/incidents';
import { registerLateEventRoutes } from './routes/late-events';
import { registerPayoutRoutes } from './routes/payouts';
import { registerPolicyRoutes } from './routes/policies';
import { registerReportRoutes } from './routes/reports';
import { registerSupportRoutes } from './routes/support';
import { registerUsageRoutes, type UsageSink } from './routes/usage';
import { registerWebhookRoute, webhookSpec, type WebhookGateway } from './routes/webhooks';

export interface ApiDeps {
  cases: RefundCases;
  apiKeys: readonly ApiKey[];
  /** The gateway's webhook signing secret; without it the webhook answers 503. */
  webhookSecret?: string;
  webhookToleranceSeconds?: number;
  /** Whose webhooks arrive: the sandbox's (Refundflow-Signature) or Stripe's (Stripe-Signature). */
  webhookGateway?: WebhookGateway;
  /** Keys key ids and customer-email digests (client/api/auth.ts keyIdSecret); random if unset. */
  keyIdSecret?: Uint8Array;
  /** The Temporal namespaces the codec server opens payloads of (X-Namespace); unset: any. */
  codecNamespaces?: readonly string[];
  /** Requests per minute per key (or per address without a valid key); 0 turns limiting off. */
  rateLimitPerMinute?: number;
  /** Requests with a wrong key per minute per address, before every request from it gets 429. */
  authFailuresPerMinute?: number;
  /** How long a request may take to arrive in full, headers and body (Node's requestTimeout). */
  requestTimeoutMs?: number;
  /** A bearer key for the Prometheus scraper on /metrics (admin keys may read it too). */
  metricsKey?: string;
  /** The embedded billing store, fed with each order checkout starts a case for and its usage. */
  billing?: OrderSink & UsageSink;
  /** The embedded email outbox file, listed by GET /v1/outbox. */
  outboxFile?: string;
  /** The case ledger the reports read (GET /v1/reports/*); without it they answer 503. */
  ledger?: Ledger;
  /** The payload codec, to serve /codec/* for the Temporal Web UI. */
  codec?: PayloadCodec;
  codecCorsOrigins?: readonly string[];
  /** Must redact `req.headers.authorization` if it logs headers at all (see config/logger.ts). */
  logger?: pino.Logger;
  /** The support UI's folder; false to serve none. */
  uiRoot?: string | false;
  bodyLimit?: number;
}

const VERSION: string = (require('../../package.json') as { version: string }).version;

/** ui/static next to the sources, or two levels further up when running from dist/. */
export function defaultUiRoot(): string | undefined {
  return [
    path.resolve(__dirname, '..', '..', 'ui', 'static'),
    path.resolve(__dirname, '..', '..', '..', 'ui', 'static'),
  ].find((p) => existsSync(p));
}

/** A caller's request id is kept only when it looks like one: it goes into every log line and header. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest();

export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  const requestTimeout = deps.requestTimeoutMs ?? 30_000;
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; the cast only widens its generic level type.
    loggerInstance: (deps.logger ?? createLogger()) as FastifyBaseLogger,
    // A caller's request id (a load balancer's, a test's) is kept if well-formed; otherwise a fresh one.
    requestIdHeader: false,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    bodyLimit: deps.bodyLimit ?? 256 * 1024,
    // Long enough for any id the schemas allow, so an over-long one gets a 400 naming it, not a 404.
    routerOptions: { maxParamLength: 1024 },
    // Fastify closes idle keep-alive sockets on close(), so shutdown is not held up by browsers.
    forceCloseConnections: 'idle',
    // A slow body (or slow headers) cannot hold a socket open: Node answers 408 and closes it.
    // Node checks these every connectionsCheckingInterval, so that follows the timeout. With a
    // serverFactory Fastify applies none of its own socket settings, so they are all set here.
    serverFactory: (handler) => {
      const server = http.createServer(
        {
          requestTimeout,
          headersTimeout: Math.min(requestTimeout, 20_000),
          connectionsCheckingInterval: Math.max(100, Math.min(30_000, Math.floor(requestTimeout / 4))),
          // Fastify's default: longer than common load balancers' idle timeout.
          keepAliveTimeout: 72_000,
        },
        handler,
      );
      // An idle socket is closed after two minutes (Fastify's connectionTimeout).
      server.setTimeout(120_000);
      return server;
    },
  });

  installErrorHandling(app);
  const keyIdSecret = deps.keyIdSecret ?? randomBytes(32);
  const resolveCaller = keyResolver(deps.apiKeys, keyIdSecret);
  await installRateLimits(app, resolveCaller, deps);
  const metrics = installMetrics(app);
  app.addHook('onSend', async (request, reply, payload) => {
    void reply.header('x-request-id', request.id);
    // Cases, keys and metrics must not sit in a shared or browser cache; static files set their own.
    if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header(
      'content-security-policy',
      "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    );
    return payload;
  });

  const metricsKey = deps.metricsKey ? sha256(deps.metricsKey) : undefined;
  const isMetricsKey = (authorization: string | undefined): boolean => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    return !!metricsKey && !!match && timingSafeEqual(metricsKey, sha256(match[1] as string));
  };
  const routes = new RouteTable(app, resolveCaller, isMetricsKey);
  registerCaseRoutes(routes, deps.cases, deps.billing, keyIdSecret);
  registerPayoutRoutes(routes, deps.cases);
  registerLateEventRoutes(routes, deps.cases);
  registerIncidentRoutes(routes, deps.cases);
  registerUsageRoutes(routes, deps.billing, deps.cases);
  registerPolicyRoutes(routes);
  registerSupportRoutes(routes, deps.outboxFile);
  registerReportRoutes(routes, deps.ledger);
  registerWebhookRoute(
    app,
    deps.cases,
    deps.webhookSecret,
    deps.webhookToleranceSeconds,
    deps.webhookGateway,
  );

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
      access: 'metrics',
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
      authorize: apiKeyAuthorizer(deps.apiKeys, {
        keyIdSecret,
        ...(deps.codecNamespaces ? { namespaces: deps.codecNamespaces } : {}),
      }),
      corsOrigins: deps.codecCorsOrigins ?? [],
    });
  }

  const uiRoot = deps.uiRoot === undefined ? defaultUiRoot() : deps.uiRoot;
  if (uiRoot) {
    await app.register(fastifyStatic, { root: uiRoot, prefix: '/', index: 'index.html' });
    // The dashboard's charts: chart.js from the project's own dependencies (no CDN).
    await app.register(fastifyStatic, {
      root: path.dirname(require.resolve('chart.js')), // its dist/ folder
      prefix: '/vendor/chart.js/',
      allowedPath: (pathName) => pathName === '/chart.umd.min.js',
      decorateReply: false,
    });
  }
  return app;
}

/**
 * Two limits (@fastify/rate-limit, in memory per process): every request counts against its key,
 * or its address when it has no valid key; and a wrong key counts against its address on a much
 * smaller budget, so guessing keys stops long before the general limit would stop it.
 */
async function installRateLimits(
  app: FastifyInstance,
  resolveCaller: (authorization: string | undefined) => Caller | undefined,
  deps: ApiDeps,
): Promise<void> {
  const perMinute = deps.rateLimitPerMinute ?? 600;
  if (perMinute === 0) return;
  // The gateway's signed webhooks come from a few addresses in bursts (one per refund event):
  // they get a budget of their own, ten times a key's, rather than sharing the address's.
  const isWebhook = (request: FastifyRequest) => request.url.startsWith('/v1/webhooks/');
  const callerKey = (request: FastifyRequest): string => {
    if (isWebhook(request)) return `webhook:${request.ip}`;
    const caller = resolveCaller(request.headers.authorization);
    return caller ? `key:${caller.keyId}` : `ip:${request.ip}`;
  };
  await app.register(rateLimit, {
    global: true,
    hook: 'onRequest',
    max: (request) => (isWebhook(request) ? perMinute * 10 : perMinute),
    timeWindow: 60_000,
    keyGenerator: callerKey,
    // Orchestrators probe liveness; a limited probe would restart a healthy process.
    allowList: (request) => request.url === '/healthz',
    // Thrown by the plugin, so the API's error handler sends it in the one Error body.
    errorResponseBuilder: (_request, context) =>
      new HttpError(
        429,
        `rate limit exceeded: at most ${context.max} requests a minute; retry after ${context.after}`,
      ),
  });
  const authFailure = app.createRateLimit({
    max: deps.authFailuresPerMinute ?? 30,
    timeWindow: 60_000,
    keyGenerator: (request) => `auth-failure:${request.ip}`,
  });
  app.addHook('onRequest', async (request, reply) => {
    const authorization = request.headers.authorization;
    // Only a presented key that is wrong counts (no key at all is a 401 the general limit covers).
    if (!authorization || resolveCaller(authorization)) return;
    if (request.url.startsWith('/metrics')) return; // the metrics key is not an API key
    const result = await authFailure(request);
    if (!result.isAllowed && result.isExceeded) {
      request.log.warn({ ip: request.ip }, 'too many requests with a wrong key');
      return reply
        .code(429)
        .header('retry-after', String(result.ttlInSeconds))
        .send({ error: `too many requests with a wrong key; retry after ${result.ttlInSeconds} s` });
    }
  });
}
