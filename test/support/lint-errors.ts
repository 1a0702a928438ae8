/** Test support: a regulation the lint finds against the law, written to a file of its own. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';

/**
 * The example Wkkgz regulation (examples/thuiszorg-de-linde.yaml) with its klachtenfunctionaris
 * made a manager: the lint's Wkkgz art. 15 error. The file's path, in a fresh folder.
 */
export function regulationWithoutOfficer(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kf-lint-errors-'));
  const text = readFileSync('examples/thuiszorg-de-linde.yaml', 'utf8');
  const broken = text.replace(/(- id: officer\n\s+kind: )complaints-officer/, '$1manager');
  expect(broken).not.toBe(text);
  const file = join(dir, 'zonder-functionaris.yaml');
  writeFileSync(file, broken);
  return file;
}
