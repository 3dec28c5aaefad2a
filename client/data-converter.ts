// The one data converter of the project. The client, the worker and the codec server must all
// build it from the same keyring, or one side writes payloads the other cannot read.
import type { DataConverter } from '@temporalio/common';
import type { EncryptionConfig } from '../worker/config';
import { EncryptionCodec } from './codec';

/** For `new Client({ dataConverter })` and `Worker.create({ dataConverter })` alike. */
export function buildDataConverter(encryption: EncryptionConfig): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(encryption)] };
}
