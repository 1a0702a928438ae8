/**
 * The child processes of the tests run `klachtflow` compiled ahead of time from the working tree
 * (test/support/cli-bundle.ts, #19), not bin/klachtflow.js through tsx as `npm start` and
 * `npx klachtflow` do. Here both run with the same arguments and must answer the same: the
 * command's texts and exit codes, and a started service's ready message, form, API document and
 * first complaint. bin/klachtflow.js itself is started here, so the entry a person runs stays tested.
 */
import { type ChildProcess, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI_ENTRY } from './support/cli-bundle.js';
import { klachtflowCli, type RuntimeProcess, startProcess } from './support/process.js';
import { SANNE } from './support/runtime.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function run(cli: string, args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('cli-bundle: the compiled command answers as bin/klachtflow.js does', { timeout: 300_000 }, () => {
  it('is built from bin/klachtflow.js into this run’s folder, not a committed or earlier copy', () => {
    const cli = klachtflowCli();
    expect(cli).not.toBe(CLI_ENTRY);
    expect(cli).toContain(join('node_modules', '.cache', 'klachtflow-test-cli', ''));
    // The entry's own lines are in it (the AWS SDK notice), tsx's register is not called for real.
    const entry = readFileSync(cli, 'utf8');
    expect(entry).toContain('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED');
    expect(entry).not.toMatch(/from ["']tsx/);
  });

  it('the same output and exit code for a regulation and the lint of a broken one', () => {
    for (const args of [
      ['regulation', 'show', 'oco-almere'],
      ['regulation', 'lint', 'test/fixtures/broken-regulation.yaml'],
    ]) {
      const source = run(CLI_ENTRY, args);
      const compiled = run(klachtflowCli(), args);
      expect(compiled, args.join(' ')).toEqual(source);
      expect(source.out.length + source.err.length, args.join(' ')).toBeGreaterThan(20);
    }
  });

  it('klachtflow start: the same ready message, form, API document and first complaint', async () => {
    const now = ['--regulation', 'ons-welzijn', '--clock', 'manual', '--now', '2026-09-03T09:00:00+02:00'];
    const started: RuntimeProcess[] = [];
    const dirs: string[] = [];
    for (const cli of [CLI_ENTRY, klachtflowCli()]) {
      const data = mkdtempSync(join(tmpdir(), 'kf-cli-bundle-'));
      dirs.push(data);
      started.push(await startProcess([...now, '--data', data], children, cli));
    }
    // What differs between two starts: the ports, the data folder, the officers' codes, the form's id.
    const same = (text: string, i: number) =>
      text
        .replaceAll(dirs[i] as string, '<data>')
        .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>')
        .replace(/Bearer \S+/g, 'Bearer <code>')
        .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>');
    const [source, compiled] = started as [RuntimeProcess, RuntimeProcess];
    expect(same(compiled.log(), 1)).toBe(same(source.log(), 0));
    expect(source.log()).toContain('klachtformulier');
    for (const path of ['/klacht-indienen', '/openapi.json']) {
      const [a, b] = [await source.call('GET', path), await compiled.call('GET', path)];
      expect(a.status, path).toBe(200);
      expect(same(b.text, 1), path).toBe(same(a.text, 0));
    }
    const [a, b] = [await source.call('POST', '/complaints', SANNE), await compiled.call('POST', '/complaints', SANNE)];
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.json.reference).toBe(a.json.reference);
  });
});
