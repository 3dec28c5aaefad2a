// A throwaway PostgreSQL for tests that must run the same queries on both ledger stores: Debian's
// binaries (scripts/setup-tools.sh installs them for the cluster), a fresh data folder, trust
// auth on 127.0.0.1 and a free port. As root it runs as the cluster's system user (PostgreSQL
// refuses root).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { postgresBin, postgresUser } from '../../cluster/postgres';
import { eventually, freePort } from './wait';

export interface TestPostgres {
  url: string;
  stop(): Promise<void>;
}

export async function startPostgres(): Promise<TestPostgres> {
  const dir = mkdtempSync(path.join(tmpdir(), 'refundflow-pg-'));
  const data = path.join(dir, 'data');
  const user = postgresUser();
  if (user.uid !== undefined) chownSync(dir, user.uid, user.gid!);
  const options = { ...user, cwd: '/', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C' } };
  execFileSync(
    path.join(postgresBin(), 'initdb'),
    ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-instructions'],
    { ...options, stdio: 'ignore' },
  );
  const port = await freePort();
  const server: ChildProcess = spawn(
    path.join(postgresBin(), 'postgres'),
    ['-D', data, '-p', String(port), '-h', '127.0.0.1', '-k', dir],
    { ...options, stdio: 'ignore' },
  );
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await eventually(
    async () => {
      if (server.exitCode !== null) throw new Error(`PostgreSQL exited with ${server.exitCode}`);
      const client = new Client({ connectionString: url });
      try {
        await client.connect();
        await client.query('SELECT 1');
        return true;
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    'PostgreSQL to accept connections',
    30_000,
  );
  return {
    url,
    async stop() {
      if (server.exitCode === null) {
        const exited = new Promise((resolve) => server.once('exit', resolve));
        server.kill('SIGINT'); // fast shutdown
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
