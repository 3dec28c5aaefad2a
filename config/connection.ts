// Connection options for the Temporal frontend, built once from config for both connection
// kinds: the client's gRPC-js Connection (API, CLI) and the worker's Rust-core NativeConnection.
// The two option types differ, so each has its own builder; the TLS and auth decisions are shared.
// Types only: the API imports this module and must not load the worker's native bridge.
import { readFileSync } from 'node:fs';
import type { ConnectionOptions, TLSConfig } from '@temporalio/client';
import type { NativeConnectionOptions } from '@temporalio/worker';
import type { TemporalConfig } from './index';

/** What both connection kinds accept: address, TLS, API key and static gRPC metadata. */
interface SharedConnectionOptions {
  address: string;
  tls?: TLSConfig | boolean;
  apiKey?: string;
  metadata?: Record<string, string>;
}

function sharedOptions(temporal: TemporalConfig): SharedConnectionOptions {
  const options: SharedConnectionOptions = { address: temporal.address };
  if (temporal.tls) options.tls = tlsConfig(temporal.tls);
  if (temporal.apiKey) {
    // Temporal Cloud: the SDK sends the key as "authorization: Bearer …" and needs TLS. Regional
    // (API key) endpoints route by the temporal-namespace header, so it is sent on every call.
    options.apiKey = temporal.apiKey;
    options.tls ??= true;
    options.metadata = { 'temporal-namespace': temporal.namespace };
  }
  return options;
}

function tlsConfig(tls: NonNullable<TemporalConfig['tls']>): TLSConfig | true {
  const config: TLSConfig = {};
  if (tls.clientCertPath && tls.clientKeyPath) {
    config.clientCertPair = { crt: readFileSync(tls.clientCertPath), key: readFileSync(tls.clientKeyPath) };
  }
  if (tls.serverCaPath) config.serverRootCACertificate = readFileSync(tls.serverCaPath);
  if (tls.serverName) config.serverNameOverride = tls.serverName;
  // Plain `true` means "TLS with the system's trust store", which is what an empty object says too.
  return Object.keys(config).length > 0 ? config : true;
}

/** Options for `Connection.connect` from `@temporalio/client` (the API, the CLI, tests). */
export function clientConnectionOptions(temporal: TemporalConfig): ConnectionOptions {
  return sharedOptions(temporal);
}

/** Options for `NativeConnection.connect` from `@temporalio/worker` (the worker process). */
export function workerConnectionOptions(temporal: TemporalConfig): NativeConnectionOptions {
  return sharedOptions(temporal);
}
