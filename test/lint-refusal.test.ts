import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startRuntime } from '../runtime/runtime.js';
import { regulationWithoutOfficer } from './support/lint-errors.js';

// A regulation the lint finds against the law (a Wkkgz regulation without a klachtenfunctionaris,
// Wkkgz art. 15) runs no real complaints, however it is started: `klachtflow start` refused it,
// but `startRuntime` (the runtime as a library) and the CDK app (`cdk synth`/`cdk deploy`) took it
// (issue 16). Each says the same Dutch words, and each can be told to go on only explicitly.

/** The words every entry says when it refuses (bin/cli.ts says the same). */
const REFUSED =
  /De regeling thuiszorg-de-linde heeft 1 fout\(en\) volgens "klachtflow regulation lint"; de dienst start niet\./;

describe('startRuntime: a regulation with lint errors', () => {
  it('refuses, naming the article and the errors in Dutch', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kf-lint-refusal-data-'));
    const started = startRuntime({ regulation: regulationWithoutOfficer(), port: 0, dataDir, clock: 'manual' });
    await expect(started).rejects.toThrow(REFUSED);
    await expect(started).rejects.toThrow(/Wkkgz art\. 15 roles: De zorgaanbieder zorgt voor een klachtenfunctionaris/);
    await expect(started).rejects.toThrow(/ignoreLintErrors/);
  });

  it('starts with ignoreLintErrors, and says what is wrong in its log', { timeout: 120_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kf-lint-refusal-data-'));
    const lines: string[] = [];
    const rt = await startRuntime({
      regulation: regulationWithoutOfficer(),
      port: 0,
      dataDir,
      clock: 'manual',
      ignoreLintErrors: true,
      log: (l) => lines.push(l),
    });
    try {
      expect(lines.join('\n')).toContain('Wkkgz art. 15');
      expect((await fetch(`${rt.url}/health`)).status).toBe(200);
    } finally {
      await rt.stop();
    }
  });
});

describe('the CDK app: a regulation with lint errors', () => {
  it('cdk synth fails with the same message, exit code 1', { timeout: 180_000 }, () => {
    const out = mkdtempSync(join(tmpdir(), 'kf-lint-refusal-cdk-'));
    // What `npx cdk synth -c regulation=<file> -c example=true` runs (cdk.json: "npx tsx bin/app.ts").
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bin/app.ts'], {
      encoding: 'utf8',
      env: {
        ...process.env,
        CDK_OUTDIR: out,
        CDK_CONTEXT_JSON: JSON.stringify({ regulation: regulationWithoutOfficer(), example: 'true' }),
      },
    });
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toMatch(REFUSED);
    expect(r.stderr).toContain('Wkkgz art. 15');
    expect(r.stderr).toContain('-c ignoreLintErrors=true');
  });
});
