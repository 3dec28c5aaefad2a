// Issue 18: no source file outside test/ is over 400 lines — a longer one holds more than one idea
// and is split by idea. This walks the tree as it is on disk (new files count before they are
// committed) and names every file over the limit.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const MAX_LINES = 400;
const SOURCE = /\.(ts|tsx|js|mjs|cjs)$/;
/** Not source, or not ours: the tests, dependencies, build output, local state, tools. */
const SKIPPED = new Set(['test', 'node_modules', 'dist', 'data', '.tools', '.test-output', '.git']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return SKIPPED.has(entry.name) ? [] : sourceFiles(full);
    return entry.isFile() && SOURCE.test(entry.name) ? [full] : [];
  });
}

function lineCount(file: string): number {
  const text = readFileSync(file, 'utf8');
  if (text.length === 0) return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

describe('house rules: file length', () => {
  it('finds the source files it checks (the walk reaches every source folder)', () => {
    const files = sourceFiles(ROOT).map((f) => path.relative(ROOT, f));
    for (const expected of ['workflows/refund-case.ts', 'client/refund-client.ts', 'ui/static/js/main.js'])
      assert.ok(files.includes(expected), `${expected} is not among the checked files`);
    assert.ok(!files.some((f) => f.startsWith(`test${path.sep}`)), 'test/ is not checked');
  });

  it(`no source file outside test/ is over ${MAX_LINES} lines`, () => {
    const tooLong = sourceFiles(ROOT)
      .map((file) => ({ file: path.relative(ROOT, file), lines: lineCount(file) }))
      .filter(({ lines }) => lines > MAX_LINES)
      .sort((a, b) => b.lines - a.lines);
    assert.deepEqual(
      tooLong.map(({ file, lines }) => `${file}: ${lines} lines`),
      [],
      `split these by idea (at most ${MAX_LINES} lines each)`,
    );
  });
});
