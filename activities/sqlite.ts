// One way to open the embedded stores' SQLite files: WAL so the worker, the API and the
// stack process can share a file (readers never block the writer), and a busy timeout so a
// writer waits for another process's transaction instead of failing at once.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

/** The stores hold customer emails and message bodies: the owner alone may read them. */
export const STORE_FILE_MODE = 0o600;
export const STORE_DIR_MODE = 0o700;

export function openDatabase(file: string, options: { readonly?: boolean } = {}): Db {
  if (file !== ':memory:' && !options.readonly) {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: STORE_DIR_MODE });
    // Created (or narrowed) before SQLite opens it: SQLite gives its -wal and -shm files the
    // database file's mode when it creates them.
    fs.closeSync(fs.openSync(file, 'a', STORE_FILE_MODE));
    for (const f of [file, `${file}-wal`, `${file}-shm`])
      if (fs.existsSync(f)) fs.chmodSync(f, STORE_FILE_MODE);
  }
  const db = new Database(file, {
    readonly: options.readonly ?? false,
    fileMustExist: options.readonly ?? false,
  });
  db.pragma('busy_timeout = 5000');
  if (!options.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  }
  return db;
}

export const nowIso = (now: () => Date): string => now().toISOString();
