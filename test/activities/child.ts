// Runs the store-writing fixture in its own Node process (a real second process on the files).
import { execFile } from 'node:child_process';
import path from 'node:path';

export function writeStoresInChildProcess(dir: string, orderId: string): Promise<{ refundId: string }> {
  const script = path.join(__dirname, 'fixtures', 'write-stores.ts');
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--require', 'tsx/cjs', script, dir, orderId],
      { timeout: 30_000, cwd: path.resolve(__dirname, '..', '..') },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`child process failed: ${err.message}\n${stderr}`));
        else resolve(JSON.parse(stdout) as { refundId: string });
      },
    );
  });
}
