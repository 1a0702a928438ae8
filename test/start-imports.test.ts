/**
 * What an entry loads at start, read from the module graph of a child process (every module each
 * of its threads compiled, test/support/module-graph.cjs), not from the sources: a module a
 * dependency drags in is seen as well as one imported by name. Each module kept out here is one a
 * simulation worker, the runtime or a Lambda's cold start would otherwise read and compile on
 * every start (#19: start-up was several seconds of CPU a simulation run, paid again by every test
 * file that starts a runtime and by `npm start`).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const PROBE = join(ROOT, 'test', 'support', 'module-graph.cjs');

/**
 * Loaded only where used: the CDK (the cost report's synth), the YAML parser (a regulation file),
 * Graphviz (the ladder's drawing), the MIME parser and the SMTP server and client (mail that comes
 * in), dynalite's server (the store of `npm start`; the memory store uses only its validations and
 * actions), the Powertools logger and metrics (the Lambda functions' own; the runtime logs its way),
 * the S3 client (attachments and raw mail: the runtime makes it with the first one).
 */
const NOT_AT_START: Record<string, RegExp> = {
  'aws-cdk-lib': /\/node_modules\/aws-cdk-lib\//,
  yaml: /\/node_modules\/yaml\//,
  '@viz-js/viz': /\/node_modules\/@viz-js\//,
  mailparser: /\/node_modules\/mailparser\//,
  'smtp-server': /\/node_modules\/smtp-server\//,
  nodemailer: /\/node_modules\/nodemailer\//,
  'dynalite (server)': /\/node_modules\/dynalite\/index\.js$/,
  '@aws-lambda-powertools': /\/node_modules\/@aws-lambda-powertools\//,
  '@aws-sdk/client-s3': /\/node_modules\/@aws-sdk\/client-s3\//,
};

/** Runs `node -r module-graph.cjs <args>` in the project and gives each thread's loaded files. */
async function moduleGraph(args: string[]): Promise<Map<number, Set<string>>> {
  const dir = mkdtempSync(join(tmpdir(), 'kf-graph-'));
  const file = join(dir, 'graph.tsv');
  try {
    const { code, err } = await new Promise<{ code: number | null; err: string }>((resolve) => {
      const child = spawn(process.execPath, ['-r', PROBE, ...args], {
        cwd: ROOT,
        env: { ...process.env, KLACHTFLOW_MODULE_GRAPH: file },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (d) => {
        err += d;
      });
      child.once('exit', (c) => resolve({ code: c, err }));
    });
    expect(code, err).toBe(0);
    const threads = new Map<number, Set<string>>();
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const [thread, , path] = line.split('\t');
      if (!path) continue;
      const t = Number(thread);
      if (!threads.has(t)) threads.set(t, new Set());
      threads.get(t)?.add(path);
    }
    return threads;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function loadedOf(files: Set<string>): string[] {
  return Object.entries(NOT_AT_START)
    .filter(([, pattern]) => [...files].some((f) => pattern.test(f)))
    .map(([name]) => name);
}

const has = (files: Set<string> | undefined, end: string) => [...(files ?? [])].some((f) => f.endsWith(end));

describe('what is loaded at start', () => {
  it('a split simulation: the workers load none of them, the main thread starts no runtime', async () => {
    const threads = await moduleGraph([
      '--import',
      'tsx',
      'bench/simulate.ts',
      '--regulation',
      'ons-welzijn',
      '--complaints',
      '4',
      '--days',
      '2',
      '--tail',
      '1',
      '--workers',
      '2',
      '--json',
    ]);
    // The workers: the threads besides the main one that ran the simulation's file.
    const workers = [...threads].filter(([t, files]) => t !== 0 && has(files, '/bench/simulate.ts'));
    expect(workers).toHaveLength(2);
    for (const [, files] of workers) {
      // The probe sees a worker's graph: its runtime and store are in it.
      expect(has(files, '/runtime/runtime.ts')).toBe(true);
      expect(has(files, '/runtime/memory-dynamodb.ts')).toBe(true);
      expect(loadedOf(files)).toEqual([]);
    }
    const main = threads.get(0);
    expect(has(main, '/bench/simulate.ts')).toBe(true);
    // Its share of the work is adding up: the runtime (and all it imports) is the workers'.
    expect(has(main, '/runtime/runtime.ts')).toBe(false);
  });

  it('importing the runtime loads none of them', async () => {
    const threads = await moduleGraph([
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      "await import('./runtime/runtime.ts');",
    ]);
    const main = threads.get(0) ?? new Set();
    expect(has(main, '/runtime/runtime.ts')).toBe(true);
    expect(loadedOf(main)).toEqual([]);
  });
});
