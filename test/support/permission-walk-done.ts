/**
 * Whether this run's permission walk (test/support/permission-walk.ts) is done: a mark in the
 * run's folder of recorded AWS calls (KLACHTFLOW_AWS_CALLS, one folder per vitest run).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const MARK = 'permission-walk.done';

export function markWalked(dir: string): void {
  if (dir) writeFileSync(join(dir, MARK), `${process.pid}\n`);
}

export function walked(dir: string): boolean {
  return !!dir && existsSync(join(dir, MARK));
}
