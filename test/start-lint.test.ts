import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { regulationWithoutOfficer } from './support/lint-errors.js';
import { klachtflowCli } from './support/process.js';

// `klachtflow start` with a regulation the lint finds errors in: a Wkkgz regulation without a
// klachtenfunctionaris (Wkkgz art. 15). The service does not run real complaints on it; it says
// why and stops, unless it is started explicitly to try it out (issue 16: it started anyway).

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
});

/** Runs `klachtflow start` until it exits or says it runs; its output and exit code. */
function start(args: string[]): Promise<{ code: number | null; out: string; running: boolean }> {
  const data = mkdtempSync(join(tmpdir(), 'kf-lint-data-'));
  const child = spawn(
    process.execPath,
    [klachtflowCli(), 'start', '--port', '0', '--smtp-port', '0', '--clock', 'manual', '--data', data, ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let out = '';
  return new Promise((resolve) => {
    const seen = (d: Buffer) => {
      out += d;
      if (out.includes('klachtformulier')) resolve({ code: null, out, running: true });
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    child.once('exit', (code) => resolve({ code, out, running: false }));
  });
}

describe('klachtflow start: a regulation with lint errors', () => {
  it('refuses to start, printing the errors in Dutch, and exits 1', { timeout: 120_000 }, async () => {
    const r = await start(['--regulation', regulationWithoutOfficer()]);
    expect(r.running, r.out).toBe(false);
    expect(r.code).toBe(1);
    expect(r.out).toContain('de dienst start niet');
    expect(r.out).toContain('Wkkgz art. 15');
    expect(r.out).toContain('klachtenfunctionaris');
    expect(r.out).toContain('--ignore-lint-errors');
  });

  it('starts with --ignore-lint-errors, and still says what is wrong', { timeout: 120_000 }, async () => {
    const r = await start(['--regulation', regulationWithoutOfficer(), '--ignore-lint-errors']);
    expect(r.running, r.out).toBe(true);
    expect(r.out).toContain('Wkkgz art. 15');
  });

  it('starts a preset without a flag (the presets have no lint errors)', { timeout: 120_000 }, async () => {
    const r = await start(['--regulation', 'swt-dordrecht']);
    expect(r.running, r.out).toBe(true);
  });
});
