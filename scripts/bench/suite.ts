// The time-skipping lifecycle suite's wall time (test/workflows, in a mocha process of its own).
import { spawnSync } from 'node:child_process';
import { ROOT, ms, round } from './support';

export function measureSuite(): Record<string, unknown> {
  const t = process.hrtime.bigint();
  const run = spawnSync(
    'npx',
    [
      'mocha',
      '--no-config',
      '--require',
      'tsx/cjs',
      '--require',
      'test/support/hooks.ts',
      '--extension',
      'ts',
      '--timeout',
      '300000',
      '--exit',
      'test/workflows/*.test.ts',
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  return {
    wallSeconds: round(ms(t) / 1000, 1),
    exitCode: run.status,
    passing: Number(/(\d+) passing/.exec(run.stdout)?.[1] ?? 0),
  };
}
