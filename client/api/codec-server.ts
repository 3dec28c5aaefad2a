// The codec server: the Temporal Web UI and CLI cannot read encrypted payloads, so they post them
// here (Temporal's codec server protocol) and show what comes back. It opens customer data, so
// it sits behind the same API keys as the rest of the API, for staff roles only.
//
// Protocol: POST {endpoint}/encode and {endpoint}/decode, header X-Namespace, body and answer
// { payloads: [{ metadata: { key: base64 }, data: base64 }] } (the proto3 JSON form of Payload).
// Register with no prefix; the endpoint is <API origin>/codec.
import cors from '@fastify/cors';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ApiKey, ApiRole } from '../../config';
import { PayloadDecryptionError } from '../../codec/codec';
import { keyResolver } from './auth';

export type AuthDecision = 'allowed' | 'unauthenticated' | 'forbidden';
/** What the codec server is asked to do, for the authorization decision. */
export interface CodecRequest {
  direction: 'encode' | 'decode';
  /** The X-Namespace header: the Web UI and the CLI send the namespace they read. */
  namespace: string | undefined;
}
/** A decision, with who the caller is for the audit log when it is known. */
export type AuthResult = AuthDecision | { decision: AuthDecision; caller?: string; reason?: string };
/** Decides on the raw Authorization header; the API passes its own to share key handling. */
export type Authorize = (
  authorization: string | undefined,
  request: CodecRequest,
) => AuthResult | Promise<AuthResult>;

/** Who may open payloads: staff. Sealing is admin's only: a sealed payload is a message the workflow trusts. */
export const CODEC_ROLES: readonly ApiRole[] = ['support', 'reviewer', 'admin'];
export const ENCODE_ROLES: readonly ApiRole[] = ['admin'];

export interface CodecServerOptions {
  codec: PayloadCodec;
  authorize: Authorize;
  /** Browser origins allowed to call (the Web UI's), e.g. config.api.codecCorsOrigins. */
  corsOrigins: readonly string[];
}

export interface ApiKeyAuthorizerOptions {
  /** The secret key ids are keyed with (client/api/auth.ts), so the log names keys as the API does. */
  keyIdSecret?: Uint8Array;
  /** The namespaces this codec serves; a request for another is refused. Unset: any. */
  namespaces?: readonly string[];
  decodeRoles?: readonly ApiRole[];
  encodeRoles?: readonly ApiRole[];
}

/**
 * Bearer-key authorization against REFUNDFLOW_API_KEYS (the API's own key resolver: SHA-256
 * digests compared with timingSafeEqual over every key), per direction and per namespace.
 */
export function apiKeyAuthorizer(keys: readonly ApiKey[], options: ApiKeyAuthorizerOptions = {}): Authorize {
  const resolve = keyResolver(keys, options.keyIdSecret);
  const decodeRoles = options.decodeRoles ?? CODEC_ROLES;
  const encodeRoles = options.encodeRoles ?? ENCODE_ROLES;
  return (authorization, request) => {
    const caller = resolve(authorization);
    if (!caller) return 'unauthenticated';
    const who = `${caller.role}:${caller.keyId}`;
    const roles = request.direction === 'encode' ? encodeRoles : decodeRoles;
    if (!roles.includes(caller.role))
      return {
        decision: 'forbidden',
        caller: who,
        reason: `/codec/${request.direction} is for roles ${roles.join(', ')}`,
      };
    if (options.namespaces && !(request.namespace && options.namespaces.includes(request.namespace)))
      return {
        decision: 'forbidden',
        caller: who,
        reason: 'this codec server does not serve that namespace (X-Namespace)',
      };
    return { decision: 'allowed', caller: who };
  };
}

/** The workflow a Web UI page shows, from its Referer (…/namespaces/<ns>/workflows/<id>/…), for the audit log. */
function workflowOf(request: FastifyRequest): string | undefined {
  const header = request.headers['x-workflow-id'];
  if (typeof header === 'string' && header) return header.slice(0, 300);
  const referer = request.headers.referer;
  if (!referer) return undefined;
  try {
    const match = /\/workflows\/([^/]+)/.exec(new URL(referer).pathname);
    return match ? decodeURIComponent(match[1] as string).slice(0, 300) : undefined;
  } catch {
    return undefined;
  }
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
    metadata: Object.fromEntries(
      Object.entries(metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]),
    ),
    data: data ? Buffer.from(data, 'base64') : undefined,
  };
}

function toJson({ metadata, data }: Payload): { metadata: Record<string, string>; data?: string } {
  return {
    metadata: Object.fromEntries(
      Object.entries(metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
    ),
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

  // onRequest runs before the body is read: a caller without a key cannot make the server parse
  // (or even receive) up to BODY_LIMIT bytes.
  const authenticate =
    (direction: 'encode' | 'decode') => async (request: FastifyRequest, reply: FastifyReply) => {
      const header = request.headers['x-namespace'];
      const namespace = typeof header === 'string' ? header : undefined;
      const result = await options.authorize(request.headers.authorization, { direction, namespace });
      const { decision, caller, reason } =
        typeof result === 'string' ? { decision: result, caller: undefined, reason: undefined } : result;
      request.codecCaller = caller;
      if (decision === 'unauthenticated')
        return reply.code(401).send({ error: 'a Bearer API key is required' });
      if (decision === 'forbidden') {
        request.log.warn({ caller, namespace, direction }, 'codec request refused');
        return reply.code(403).send({ error: reason ?? `/codec/${direction} is not for this caller` });
      }
    };

  const route = (direction: 'encode' | 'decode') =>
    app.post(
      '/' + direction,
      { bodyLimit: BODY_LIMIT, onRequest: authenticate(direction) },
      async (request, reply) => {
        const parsed = codecRequest.safeParse(request.body);
        if (!parsed.success)
          return reply.code(400).send({ error: 'invalid codec request', issues: parsed.error.issues });
        const namespace = request.headers['x-namespace'];
        // Every decode opens customer data: who, for which namespace and workflow, goes to the log.
        const audit = {
          caller: request.codecCaller,
          namespace,
          workflowId: workflowOf(request),
          direction,
          count: parsed.data.payloads.length,
        };
        try {
          const payloads = parsed.data.payloads.map(fromJson);
          const result =
            direction === 'encode'
              ? await options.codec.encode(payloads)
              : await options.codec.decode(payloads);
          request.log.info(audit, 'codec request');
          return { payloads: result.map(toJson) };
        } catch (error) {
          if (error instanceof PayloadDecryptionError) {
            request.log.warn({ ...audit, err: error.message }, 'codec request: a payload did not open');
            return reply.code(422).send({ error: error.message });
          }
          throw error;
        }
      },
    );
  route('encode');
  route('decode');
};

declare module 'fastify' {
  interface FastifyRequest {
    /** Who called the codec server (role:keyId), for its audit log. */
    codecCaller?: string;
  }
}

/** Registers POST /codec/encode and POST /codec/decode, with CORS for the Web UI. */
export const codecServer: FastifyPluginAsync<CodecServerOptions> = async (app, options) => {
  await app.register(codecRoutes, { ...options, prefix: '/codec' });
};
