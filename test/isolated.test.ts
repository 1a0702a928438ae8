import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ISOLATED, PROCESS_STATE } from './support/isolated.js';

// The suite shares each worker between files (vitest.config.ts, `isolate: false`): a file that
// changes what the process shares, and is not listed to run alone, leaks that change into the
// files after it in its worker, and which files those are depends on the order of the run.
describe('test isolation', () => {
  it('every test file that changes process-wide state runs in a process of its own', () => {
    const dir = join(import.meta.dirname);
    const missing = readdirSync(dir)
      .filter((f) => f.endsWith('.test.ts') && f !== 'isolated.test.ts')
      .flatMap((f) => {
        const source = readFileSync(join(dir, f), 'utf8');
        return PROCESS_STATE.filter((p) => p.pattern.test(source)).map((p) => `test/${f}: ${p.what}`);
      })
      .filter((line) => !ISOLATED.includes(line.slice(0, line.indexOf(':'))));
    expect(missing, 'add these files to ISOLATED in test/support/isolated.ts').toEqual([]);
  });

  it('lists only files that exist', () => {
    for (const f of ISOLATED) expect(readdirSync(join(import.meta.dirname)), f).toContain(f.slice('test/'.length));
  });
});
