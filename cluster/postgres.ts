// The PostgreSQL installation the cluster runs: its binaries and the system user it runs as.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

// ---- PostgreSQL ----------------------------------------------------------------------------------

export function postgresBin(): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base).filter((v) => existsSync(path.join(base, v, 'bin', 'postgres')))
    : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest)
    throw new Error(
      'PostgreSQL is not installed: run bash scripts/setup-tools.sh postgresql (make cluster does)',
    );
  return path.join(base, newest, 'bin');
}

/** PostgreSQL refuses to run as root: as root, run it as a system user of its own. */
export function postgresUser(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (name: string) => {
    try {
      return {
        uid: Number(execFileSync('id', ['-u', name], { stdio: ['ignore', 'pipe', 'ignore'] }).toString()),
        gid: Number(execFileSync('id', ['-g', name], { stdio: ['ignore', 'pipe', 'ignore'] }).toString()),
      };
    } catch {
      return undefined;
    }
  };
  const existing = id('refundflow-pg');
  if (existing) return existing;
  try {
    execFileSync(
      'useradd',
      ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'refundflow-pg'],
      { stdio: 'ignore' },
    );
  } catch {
    // No useradd (or not allowed): nobody has no files of its own, which suits a database server.
    return id('nobody') ?? {};
  }
  return id('refundflow-pg') ?? {};
}
