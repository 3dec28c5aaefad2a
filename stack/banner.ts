// What the embedded stack prints once it runs: where the API, the Web UI and the data live, and
// the API keys to sign in with.
import path from 'node:path';
import type { Config } from '../config';
import { splitAddress } from './dev-server';
import type { StackSecrets } from './secrets';

export function banner(config: Config, apiUrl: string, secrets: StackSecrets, ms: number): string {
  const { host } = splitAddress(config.temporal.address);
  const uiHost = host === '127.0.0.1' || host === '0.0.0.0' ? 'localhost' : host;
  const lines = [
    '',
    `Refundflow is running (started in ${(ms / 1000).toFixed(1)} s). Ctrl-C stops it.`,
    '',
    `  API and support UI   ${apiUrl.replace('127.0.0.1', 'localhost')}`,
    `  Temporal Web UI      http://${uiHost}:${config.embedded.temporalUiPort}`,
    `  Temporal frontend    ${config.temporal.address}  (namespace ${config.temporal.namespace}, task queue ${config.temporal.taskQueue})`,
    `  Data folder          ${config.process.dataDir}`,
    '',
    `  API keys${secrets.fromDataDir.apiKeys ? ` (from ${secrets.fromDataDir.apiKeys})` : ' (from REFUNDFLOW_API_KEYS)'}:`,
    ...config.api.keys.map((k) => `    ${k.role.padEnd(9)} ${k.key}`),
    '',
  ];
  if (secrets.created.length > 0)
    lines.push(
      `  Created on this first run: ${secrets.created.map((f) => path.basename(f)).join(', ')} (mode 0600)`,
      '',
    );
  return `${lines.join('\n')}\n`;
}
