// The codec server: the Temporal Web UI and CLI cannot read encrypted payloads, so they post them
// here (Temporal's codec server protocol) and show what comes back. It opens customer data, so
// it sits behind the same API keys as the rest of the API, for staff roles only.
//
// Protocol: POST {endpoint}/encode and {endpoint}/decode, header X-Namespace, body and answer
// { payloads: [{ metadata: { key: base64 }, data: base64 }] } (the proto3 JSON form of Payload).
// Register with no prefix; the endpoint is <API origin>/codec.
import { createHash, timingSafeEqual } from 'node:crypto';
import cors from '@fastify/cors';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ApiKey, ApiRole } from '../../worker/config';
import { PayloadDecryptionError } from '../codec';

export type AuthDecision = 'allowed' | 'unauthenticated' | 'forbidden';
/** Decides on the raw Authorization header; the API passes its own to share key handling. */
export type Authorize = (authorization: string | undefined) => AuthDecision | Promise<AuthDecision>;

export const CODEC_ROLES: readonly ApiRole[] = ['support', 'reviewer', 'admin'];

export interface CodecServerOptions {
  codec: PayloadCodec;
  authorize: Authorize;
  /** Browser origins allowed to call (the Web UI's), e.g. config.api.codecCorsOrigins. */
  corsOrigins: readonly string[];
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Bearer-key authorization against REFUNDFLOW_API_KEYS. Keys are compared as SHA-256 digests
 * with timingSafeEqual, over every key, so neither a key's length nor its position leaks.
 */
export function apiKeyAuthorizer(keys: readonly ApiKey[], roles: readonly ApiRole[] = CODEC_ROLES): Authorize {
  const known = keys.map((k) => ({ role: k.role, digest: digest(k.key) }));
  return (authorization) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) return 'unauthenticated';
    const presented = digest(match[1] as string);
    let role: ApiRole | undefined;
    for (const key of known) if (timingSafeEqual(key.digest, presented)) role = key.role;
    if (role === undefined) return 'unauthenticated';
    return roles.includes(role) ? 'allowed' : 'forbidden';
  };
}

// proto3 JSON accepts standard and URL-safe base64; Buffer.from(…, 'base64') reads both.
const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64');
const codecRequest = z.object({
  payloads: z.array(
    z.object({
      metadata: z.record(z.string(), base64).nullish(),
      data: base64.nullish(),
    }),
  ),
});
type JsonPayload = z.infer<typeof codecRequest>['payloads'][number];

function fromJson({ metadata, data }: JsonPayload): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: data ? Buffer.from(data, 'base64') : undefined,
  };
}

function toJson({ metadata, data }: Payload): { metadata: Record<string, string>; data?: string } {
  return {
    metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    ...(data ? { data: Buffer.from(data).toString('base64') } : {}),
  };
}

// History pages can carry many payloads of up to a few MiB each.
const BODY_LIMIT = 16 * 1024 * 1024;

const codecRoutes: FastifyPluginAsync<CodecServerOptions> = async (app: FastifyInstance, options) => {
  // Inside this prefixed scope, so its OPTIONS route covers /codec/* only and does not clash
  // with CORS settings the API may have for itself.
  await app.register(cors, {
    origin: [...options.corsOrigins],
    methods: ['POST'],
    allowedHeaders: ['authorization', 'content-type', 'x-namespace'],
    // The Web UI may send cookies (TEMPORAL_CODEC_INCLUDE_CREDENTIALS); origins are explicit.
    credentials: true,
    maxAge: 600,
  });

  const authenticate = async (request: FastifyRequest, reply: FastifyReply) => {
    const decision = await options.authorize(request.headers.authorization);
    if (decision === 'unauthenticated') return reply.code(401).send({ error: 'a Bearer API key is required' });
    if (decision === 'forbidden') return reply.code(403).send({ error: `the codec server is for roles ${CODEC_ROLES.join(', ')}` });
  };

  const route = (direction: 'encode' | 'decode') =>
    app.post('/' + direction, { bodyLimit: BODY_LIMIT, preHandler: authenticate }, async (request, reply) => {
      const parsed = codecRequest.safeParse(request.body);
      if (!parsed.success) return reply.code(400).send({ error: 'invalid codec request', issues: parsed.error.issues });
      const namespace = request.headers['x-namespace'];
      try {
        const payloads = parsed.data.payloads.map(fromJson);
        const result = direction === 'encode' ? await options.codec.encode(payloads) : await options.codec.decode(payloads);
        request.log.info({ namespace, direction, count: payloads.length }, 'codec request');
        return { payloads: result.map(toJson) };
      } catch (error) {
        if (error instanceof PayloadDecryptionError) return reply.code(422).send({ error: error.message });
        throw error;
      }
    });
  route('encode');
  route('decode');
};

/** Registers POST /codec/encode and POST /codec/decode, with CORS for the Web UI. */
export const codecServer: FastifyPluginAsync<CodecServerOptions> = async (app, options) => {
  await app.register(codecRoutes, { ...options, prefix: '/codec' });
};
