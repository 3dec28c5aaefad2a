// The payload codec that keeps customer data out of Temporal's history: every payload the client
// or the worker sends is sealed with AES-256-GCM before it leaves the process, and opened only
// by a process that holds the key. The key id travels in the payload's metadata so that keys can
// rotate: new payloads use the active key, old histories still open with the keys rotated out.
// Payloads are deflated inside the seal (COMPRESS_FROM_BYTES); every reader (worker, API,
// codec server, CLI) opens them with this class, so a deploy must update its readers first.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { constants as zlib, deflateRawSync, inflateRawSync } from 'node:zlib';
import { METADATA_ENCODING_KEY, ValueError, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { EncryptionConfig } from '../config';
import { REFUSED_PAYLOAD_KEY } from '../workflows/messages';
import { DICTIONARY_V1 } from './compression-dictionary';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const ENCRYPTION_KEY_ID_METADATA = 'encryption-key-id';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12; // the GCM standard nonce size; random per payload (freshIv)
const TAG_BYTES = 16;

/**
 * Payloads whose plaintext is at least this long are deflated before they are sealed, against a
 * dictionary of the project's own payload shapes (codec/compression-dictionary.ts), which makes even
 * an email activity's input of ~250 B shrink by half or more (issue 15); a payload that does not get
 * shorter is sealed as it is. Compressing before encrypting lets the sealed length tell how
 * compressible a payload was; that matters where an attacker can put chosen text next to a secret
 * in one payload and watch the length. Here no payload holds a secret or customer personal data
 * (emails are keyed digests, in the memo), and history lengths are visible only to who can read
 * Temporal's history.
 */
export const COMPRESS_FROM_BYTES = 64;
/**
 * The first byte of a compressed plaintext, inside the seal: deflated with DICTIONARY_V1. A
 * protobuf Payload never starts with 0x00–0x07 (field number 0 does not exist), so payloads sealed
 * before compression open as they did, and a later dictionary takes the next byte.
 */
const DEFLATED_V1 = 0x00;
const DICTIONARY = Buffer.from(DICTIONARY_V1, 'utf8');
/** Above Temporal's own payload limit (2 MB): inflating more than this is not one of ours. */
const MAX_INFLATED_BYTES = 4 * 1024 * 1024;

/**
 * IVs come from a pool of CSPRNG bytes refilled every 512 payloads, each slice used once: as random
 * as one randomBytes call per payload (what Node does for randomUUID), without a system call per
 * payload; that call was a third of the codec's encode time (issue 15, throughput bench profile).
 */
const IV_POOL_BYTES = IV_BYTES * 512;
let ivPool = Buffer.alloc(0);
let ivTaken = 0;
function freshIv(): Buffer {
  if (ivTaken + IV_BYTES > ivPool.length) {
    ivPool = randomBytes(IV_POOL_BYTES);
    ivTaken = 0;
  }
  const iv = ivPool.subarray(ivTaken, ivTaken + IV_BYTES);
  ivTaken += IV_BYTES;
  return iv;
}

/** A payload this process cannot open: unknown key, tampered bytes, or a wrong key. */
export class PayloadDecryptionError extends ValueError {
  override name = 'PayloadDecryptionError';
}

const utf8 = (bytes: Uint8Array | undefined | null) =>
  bytes ? Buffer.from(bytes).toString('utf8') : undefined;

/** True when a payload is sealed by this codec (what a history scan checks). */
export function isEncryptedPayload(payload: Payload): boolean {
  return utf8(payload.metadata?.[METADATA_ENCODING_KEY]) === ENCRYPTED_ENCODING;
}

/**
 * What decode gives in place of a payload that is not sealed: a JSON value the workflow and its
 * message schemas recognise and refuse. Throwing instead would fail the workflow task, and so
 * wedge the case on every retry, for any plain signal sent straight to Temporal's frontend.
 */
export const REFUSED_PAYLOAD: Payload = {
  metadata: { [METADATA_ENCODING_KEY]: Buffer.from('json/plain', 'utf8') },
  data: Buffer.from(JSON.stringify({ [REFUSED_PAYLOAD_KEY]: 'unsealed payload' }), 'utf8'),
};

export interface EncryptionCodecOptions {
  /**
   * Decode unsealed payloads as they are (REFUNDFLOW_CODEC_ACCEPT_PLAINTEXT): only to read
   * histories written before encryption was switched on. Off, anyone who can reach Temporal's
   * frontend could sign a message as the API; AES-GCM authenticates only what it sealed.
   */
  acceptPlaintext?: boolean;
}

export class EncryptionCodec implements PayloadCodec {
  private readonly acceptPlaintext: boolean;

  constructor(
    private readonly keyring: EncryptionConfig,
    options: EncryptionCodecOptions = {},
  ) {
    if (!keyring.keys.has(keyring.activeKeyId))
      throw new ValueError(`active encryption key ${keyring.activeKeyId} is not in the keyring`);
    this.acceptPlaintext = options.acceptPlaintext ?? keyring.acceptPlaintext ?? false;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const keyId = this.keyring.activeKeyId;
    const key = this.keyring.keys.get(keyId) as Uint8Array;
    return payloads.map((payload) => {
      // The whole payload is sealed, its metadata too: "encoding: json/plain" or a message type
      // name says something about the data, and the receiver needs it back exactly.
      const plaintext = compress(temporal.api.common.v1.Payload.encode(payload).finish());
      const iv = freshIv();
      const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
      // The key id is authenticated too, so a payload relabelled with another key id fails.
      cipher.setAAD(Buffer.from(keyId, 'utf8'));
      const sealed = Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: {
          [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING, 'utf8'),
          [ENCRYPTION_KEY_ID_METADATA]: Buffer.from(keyId, 'utf8'),
        },
        data: sealed,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (!isEncryptedPayload(payload)) return this.acceptPlaintext ? payload : REFUSED_PAYLOAD;
      const keyId = utf8(payload.metadata?.[ENCRYPTION_KEY_ID_METADATA]);
      if (!keyId)
        throw new PayloadDecryptionError(`encrypted payload has no ${ENCRYPTION_KEY_ID_METADATA} metadata`);
      const key = this.keyring.keys.get(keyId);
      if (!key) {
        throw new PayloadDecryptionError(
          // The keys this process holds are not listed: an error may reach a caller of the codec server.
          `payload is encrypted with key ${keyId}, which this process does not have; add it to REFUNDFLOW_ENCRYPTION_KEYS`,
        );
      }
      const data = payload.data ?? new Uint8Array();
      if (data.length < IV_BYTES + TAG_BYTES)
        throw new PayloadDecryptionError(`encrypted payload (key ${keyId}) is truncated`);
      const iv = data.subarray(0, IV_BYTES);
      const tag = data.subarray(data.length - TAG_BYTES);
      const ciphertext = data.subarray(IV_BYTES, data.length - TAG_BYTES);
      let plaintext: Buffer;
      try {
        const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.from(keyId, 'utf8'));
        decipher.setAuthTag(tag);
        plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
      } catch (cause) {
        throw new PayloadDecryptionError(
          `encrypted payload (key ${keyId}) failed authentication: tampered or sealed with another key`,
          cause,
        );
      }
      return temporal.api.common.v1.Payload.decode(decompress(plaintext, keyId));
    });
  }
}

/** The plaintext deflated behind the DEFLATED_V1 byte, when it is long enough and that is shorter. */
function compress(plaintext: Uint8Array): Uint8Array {
  if (plaintext.length < COMPRESS_FROM_BYTES) return plaintext;
  const deflated = deflateRawSync(plaintext, { level: zlib.Z_BEST_COMPRESSION, dictionary: DICTIONARY });
  return deflated.length + 1 < plaintext.length
    ? Buffer.concat([Buffer.of(DEFLATED_V1), deflated])
    : plaintext;
}

function decompress(plaintext: Buffer, keyId: string): Uint8Array {
  if (plaintext[0] !== DEFLATED_V1) return plaintext;
  try {
    return inflateRawSync(plaintext.subarray(1), {
      dictionary: DICTIONARY,
      maxOutputLength: MAX_INFLATED_BYTES,
    });
  } catch (cause) {
    throw new PayloadDecryptionError(`encrypted payload (key ${keyId}) does not inflate`, cause);
  }
}

/** A fresh `keyId:base64` entry for REFUNDFLOW_ENCRYPTION_KEYS (setup scripts, the embedded stack, tests). */
export function generateEncryptionKey(keyId: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(keyId))
    throw new ValueError(`key id ${keyId} may only hold letters, digits, . _ -`);
  return `${keyId}:${randomBytes(32).toString('base64')}`;
}
