/**
 * The templates of `npm run synth` plus one full deploy config, synthesised once and shared by
 * the checkers (cfn-lint, cfn-guard, the IAM simulation, the metric check). `cdk synth` is slow
 * on 2 cores, so the cloud assembly is cached in node_modules/.cache by the hash of everything
 * that shapes it; concurrent test files wait for one synth instead of each making their own.
 *
 * The app is the one bin/app.ts builds (lib/app.ts: the same stacks, region from the config,
 * cdk-nag on every stack), with bundling skipped: the templates are under test, and they differ
 * from a bundling synth only in the assets' hashes.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { App } from 'aws-cdk-lib';
import { addStacks, checkWithNag } from '../../lib/app.js';
import { PROJECT_ROOT } from '../../lib/handlers.js';

/** The full config: e-mail intake, officers, a sender domain, alarm addresses (examples/). */
export const FULL_CONFIG = join(PROJECT_ROOT, 'examples', 'klachtflow.config.yaml');
export const FULL_CONFIG_REGULATION = 'swt-dordrecht';
export const FULL_STACK = 'klachtflow-swt-dordrecht-full';
/** The account the tests synthesise for (no AWS account is used). */
export const TEST_ACCOUNT = '123456789012';

type Resources = Record<
  string,
  { Type: string; Properties?: any; DependsOn?: unknown; DeletionPolicy?: string; Condition?: string }
>;
export interface StackTemplate {
  readonly stackName: string;
  readonly file: string;
  readonly region: string;
  readonly template: { Resources: Resources; Outputs?: Record<string, any>; [k: string]: unknown };
}
export interface Synthesised {
  /** The cloud assembly directory (`*.template.json` in it). */
  readonly dir: string;
  readonly stacks: readonly StackTemplate[];
}

const INPUTS = ['bin', 'lib', 'lambdas', 'statemachines', 'examples', 'package-lock.json', 'cdk.json'];

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (statSync(path).isFile()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((f) => filesUnder(join(path, f)));
}

/** A hash of every file that shapes the templates. */
function inputsHash(): string {
  const h = createHash('sha256');
  for (const file of INPUTS.flatMap((i) => filesUnder(join(PROJECT_ROOT, i)))) {
    h.update(relative(PROJECT_ROOT, file));
    h.update(readFileSync(file));
  }
  return h.digest('hex').slice(0, 16);
}

function synthInto(outdir: string): void {
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  addStacks(app, { regulation: 'all', example: true, account: TEST_ACCOUNT });
  addStacks(app, { regulation: FULL_CONFIG_REGULATION, configFile: FULL_CONFIG, account: TEST_ACCOUNT });
  checkWithNag(app);
  app.synth();
}

function read(dir: string): Synthesised {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
    artifacts: Record<string, { type: string; environment?: string; properties?: { templateFile?: string } }>;
  };
  const stacks = Object.entries(manifest.artifacts)
    .filter(([, a]) => a.type === 'aws:cloudformation:stack')
    .map(([name, a]) => {
      const file = join(dir, a.properties?.templateFile ?? `${name}.template.json`);
      return {
        stackName: name,
        file,
        region: String(a.environment?.split('/').pop()),
        template: JSON.parse(readFileSync(file, 'utf8')),
      };
    });
  return { dir, stacks };
}

let cached: Synthesised | undefined;

/** The synthesised templates: from the cache when the sources did not change, else synthesised now. */
export function synthesised(): Synthesised {
  if (cached) return cached;
  const root = join(PROJECT_ROOT, 'node_modules', '.cache', 'klachtflow-synth');
  mkdirSync(root, { recursive: true });
  const dir = join(root, inputsHash());
  const lock = `${dir}.lock`;
  // One synth at a time: the first test file takes the lock, the others wait for its result.
  for (let i = 0; !existsSync(join(dir, 'manifest.json')); i++) {
    try {
      mkdirSync(lock);
    } catch {
      // A lock older than 10 minutes belongs to a process that died mid-synth.
      const since = statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (Date.now() - since > 600_000) rmSync(lock, { recursive: true, force: true });
      if (i > 1200) throw new Error(`Waited 10 minutes for the synth holding ${lock}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
      continue;
    }
    try {
      const tmp = `${dir}.tmp-${process.pid}`;
      rmSync(tmp, { recursive: true, force: true });
      synthInto(tmp);
      writeFileSync(join(tmp, 'inputs.txt'), INPUTS.join('\n'));
      rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  cached = read(dir);
  return cached;
}
