/**
 * The Lambda bundles as NodejsFunction makes them, without CDK: the same esbuild settings
 * (lib/handlers.ts BUNDLING: platform, target, format, minify, source map, banner, main fields;
 * NodejsFunction's default external `@aws-sdk/*`; `index.mjs` for ES modules, `index.js`
 * otherwise), the same files beside the bundle (regulation.json, assets/), then loaded in a fresh
 * Node process that has the AWS SDK and nothing else from node_modules, as in Lambda.
 * Bundles are cached in a temp folder by the hash of the sources, so repeated runs are quick.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { build } from 'esbuild';
import { WEB_ASSETS } from '../../lambdas/web/asset-files.js';
import { BUNDLING, DEFAULT_RUNTIME, HANDLERS, type HandlerName, PROJECT_ROOT } from '../../lib/handlers.js';
import { loadRegulation } from '../../statemachines/load.js';

const require = createRequire(import.meta.url);

/** NodejsFunction's externals for a Node.js 18+ runtime (the SDK v3 is in the runtime). */
export const SDK_EXTERNALS = ['@aws-sdk/*'];

/** The esbuild target: the bundling's own, else the runtime's (`nodejs24.x` → `node24`). */
export function bundleTarget(): string {
  return BUNDLING.target ?? DEFAULT_RUNTIME.name.replace(/^nodejs(\d+).*$/, 'node$1');
}

export interface Bundle {
  name: HandlerName;
  dir: string;
  file: string;
  /** Size of the minified bundle (index.mjs), without its source map. */
  bytes: number;
  warnings: string[];
}

/** A hash of everything a bundle is made from: the sources, the lock file and the settings. */
function sourcesHash(): string {
  const h = createHash('sha256');
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ts|tsx|json|yaml|svg)$/.test(name)) h.update(p).update(readFileSync(p));
    }
  };
  for (const d of ['lambdas', 'statemachines']) walk(join(PROJECT_ROOT, d));
  h.update(readFileSync(join(PROJECT_ROOT, 'package-lock.json')));
  h.update(JSON.stringify({ BUNDLING, SDK_EXTERNALS, HANDLERS }));
  return h.digest('hex').slice(0, 16);
}

/** Where the bundles of the current sources live (with node_modules holding only @aws-sdk). */
export function bundleRoot(): string {
  const root = join(tmpdir(), `klachtflow-bundles-${sourcesHash()}`);
  const sdk = join(root, 'node_modules', '@aws-sdk');
  if (!existsSync(sdk)) {
    mkdirSync(join(root, 'node_modules'), { recursive: true });
    symlinkSync(join(PROJECT_ROOT, 'node_modules', '@aws-sdk'), sdk, 'dir');
  }
  return root;
}

/** Bundles one handler as NodejsFunction does, with regulation.json and assets/ beside it. */
export async function bundleHandler(name: HandlerName, root = bundleRoot()): Promise<Bundle> {
  const dir = join(root, name);
  const file = join(dir, BUNDLING.format === OutputFormat.ESM ? 'index.mjs' : 'index.js');
  const warningsFile = join(dir, 'warnings.json');
  if (!existsSync(file) || !existsSync(warningsFile)) {
    mkdirSync(dir, { recursive: true });
    const result = await build({
      absWorkingDir: PROJECT_ROOT,
      entryPoints: [join(PROJECT_ROOT, 'lambdas', HANDLERS[name].entry)],
      bundle: true,
      platform: 'node',
      target: bundleTarget(),
      format: BUNDLING.format === OutputFormat.ESM ? 'esm' : 'cjs',
      outfile: file,
      minify: BUNDLING.minify,
      sourcemap: BUNDLING.sourceMap,
      sourcesContent: BUNDLING.sourcesContent,
      external: SDK_EXTERNALS,
      mainFields: BUNDLING.mainFields,
      banner: { js: BUNDLING.banner },
      logLevel: 'silent',
    });
    writeFileSync(warningsFile, JSON.stringify(result.warnings.map((w) => w.text)));
    // What the stack's afterBundling hook puts beside the bundle.
    writeFileSync(join(dir, 'regulation.json'), JSON.stringify(loadRegulation('ons-welzijn')));
    mkdirSync(join(dir, 'assets'), { recursive: true });
    for (const a of WEB_ASSETS) copyFileSync(require.resolve(a.spec), join(dir, 'assets', a.file));
  }
  const warnings = JSON.parse(readFileSync(warningsFile, 'utf8')) as string[];
  return { name, dir, file, bytes: statSync(file).size, warnings };
}

export interface LoadResult {
  /** Milliseconds to import the bundle, in a fresh process. */
  loadMs: number;
  /** typeof the module's `handler` export. */
  handler: string;
  /** What the probe invocation answered, when there was one. */
  probe?: unknown;
}

/** The environment the stack gives a function, with dummy values: nothing is called. */
export function dummyEnvironment(dir: string): Record<string, string> {
  return {
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'dummy',
    AWS_SECRET_ACCESS_KEY: 'dummy',
    LAMBDA_TASK_ROOT: dir,
    KLACHTFLOW_REGULATION: join(dir, 'regulation.json'),
    TABLE_NAME: 'klachtflow-dossiers',
    STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:klachtflow-ladder',
    REMINDER_FUNCTION_ARN: 'arn:aws:lambda:eu-west-1:123456789012:function:klachtflow-reminder',
    SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/scheduler',
    SCHEDULE_GROUP: 'klachtflow',
    PUBLIC_URL: 'https://klachten.example.nl',
    SES_CONFIGURATION_SET: 'klachtflow',
    COGNITO_USER_POOL_ID: 'eu-west-1_Dummy123',
    COGNITO_CLIENT_ID: 'dummy-client',
    COGNITO_DOMAIN_URL: 'https://klachtflow-dummy.auth.eu-west-1.amazoncognito.com',
    POWERTOOLS_SERVICE_NAME: 'klachtflow',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/**
 * Imports a bundle in a fresh Node process (only PATH and the dummy environment) and, with
 * `probe`, invokes its handler once with that event.
 */
export function loadBundle(bundle: Bundle, probe?: unknown): Promise<LoadResult> {
  const code = `
    const t = performance.now();
    const m = await import(${JSON.stringify(`file://${bundle.file}`)});
    const loadMs = performance.now() - t;
    const out = { loadMs, handler: typeof m.handler };
    const event = ${JSON.stringify(probe ?? null)};
    if (event) {
      try { out.probe = await m.handler(event, { awsRequestId: 'probe', functionName: 'probe' }); }
      catch (e) { out.probe = { error: e.name, message: String(e.message).slice(0, 200) }; }
    }
    process.stdout.write('\\nKF_RESULT ' + JSON.stringify(out) + '\\n');`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
      cwd: bundle.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '', ...dummyEnvironment(bundle.dir) },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('KF_RESULT '));
      if (code === 0 && line) resolve(JSON.parse(line.slice('KF_RESULT '.length)) as LoadResult);
      else reject(new Error(`${bundle.name}: exit ${code}\n${err.slice(-2000)}`));
    });
  });
}
