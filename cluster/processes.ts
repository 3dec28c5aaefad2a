// Child processes of the cluster: each in its own process group (Ctrl-C reaches only the cluster,
// which stops them in order), its output appended to a log file, its pid in a file so that the
// next run stops one a killed cluster left behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';

export interface ChildSpec {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  logFile: string;
  pidFile: string;
  /** Run as this user (root only): PostgreSQL refuses to run as root. */
  uid?: number;
  gid?: number;
  /** PostgreSQL's fast shutdown is SIGINT; everything else stops on SIGTERM. */
  stopSignal?: NodeJS.Signals;
  stopTimeoutMs?: number;
}

/** A marker in every child's environment, so a stale pid is only ever signalled if it is ours. */
export const CLUSTER_MARKER = 'REFUNDFLOW_CLUSTER_DIR';

export class ManagedChild {
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> = Promise.resolve(null);

  constructor(readonly spec: ChildSpec) {}

  get name(): string {
    return this.spec.name;
  }

  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the exit code when the current process exits. */
  whenExited(): Promise<number | null> {
    return this.exited;
  }

  start(): void {
    if (this.running) throw new Error(`${this.name} is already running`);
    const log = openSync(this.spec.logFile, 'a');
    const child = spawn(this.spec.command, this.spec.args, {
      env: this.spec.env,
      cwd: this.spec.cwd,
      detached: true,
      stdio: ['ignore', log, log],
      ...(this.spec.uid !== undefined ? { uid: this.spec.uid, gid: this.spec.gid } : {}),
    });
    closeSync(log);
    this.child = child;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code) => resolve(code));
      child.once('error', () => resolve(-1));
    });
    if (child.pid) writeFileSync(this.spec.pidFile, `${child.pid}\n`);
  }

  /** The stop signal, then SIGKILL after the timeout; resolves once the process is gone. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    child.kill(this.spec.stopSignal ?? 'SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), this.spec.stopTimeoutMs ?? 20_000);
    await this.exited;
    clearTimeout(killer);
    rmSync(this.spec.pidFile, { force: true });
  }

  /** SIGKILL, as a crash or an OOM kill would. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    child.kill('SIGKILL');
    await this.exited;
    rmSync(this.spec.pidFile, { force: true });
  }

  /** The last lines of the log, for error messages. */
  tail(lines = 20): string {
    if (!existsSync(this.spec.logFile)) return '';
    return readFileSync(this.spec.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops a process a killed cluster left behind (pid file), if and only if its environment carries
 * this cluster's marker: a recycled pid belonging to someone else is left alone.
 */
export async function stopStale(
  pidFile: string,
  marker: string,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<boolean> {
  if (!existsSync(pidFile)) return false;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]!.trim());
  let environ: string;
  try {
    environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
  } catch {
    rmSync(pidFile, { force: true });
    return false;
  }
  if (!pid || !environ.split('\0').includes(`${CLUSTER_MARKER}=${marker}`)) {
    rmSync(pidFile, { force: true });
    return false;
  }
  process.kill(pid, signal);
  const deadline = Date.now() + 20_000;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  while (alive(pid)) await new Promise((r) => setTimeout(r, 50));
  rmSync(pidFile, { force: true });
  return true;
}

export function portInUse(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(1_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A free port below 32768: Temporal stores membership ports as a PostgreSQL smallint, and the
 * kernel's ephemeral range (where port 0 lands) starts above it.
 */
export async function freeLowPort(taken: ReadonlySet<number> = new Set()): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (!taken.has(port) && (await canListen(port))) return port;
  }
}

/** Thrown from a probe when waiting longer cannot help (the process it waits for has exited). */
export class GaveUp extends Error {
  override name = 'GaveUp';
}

/** Polls until `probe` returns a truthy value; throws with the last error after the timeout. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs: number,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      if (err instanceof GaveUp) throw err;
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? `: ${String(last)}` : ''}`,
      );
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Runs a command to completion with its output appended to a log; rejects on a non-zero exit. */
export function run(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; logFile: string; uid?: number; gid?: number; cwd?: string },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const log = openSync(options.logFile, 'a');
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['ignore', log, log],
      ...(options.uid !== undefined ? { uid: options.uid, gid: options.gid } : {}),
    });
    closeSync(log);
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) return resolve();
      const tail = readFileSync(options.logFile, 'utf8').trimEnd().split('\n').slice(-15).join('\n');
      reject(
        new Error(`${command} ${args.join(' ')} exited with ${String(code)}; ${options.logFile}:\n${tail}`),
      );
    });
  });
}
