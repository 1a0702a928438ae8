/**
 * The `klachtflow` command for the test files' child processes, compiled ahead of time (#19).
 *
 * `bin/klachtflow.js` runs the TypeScript sources through tsx: every start of the runtime loaded
 * and transformed its modules through tsx's loader hooks again, 3.2 CPU seconds before it answered
 * (2.3 s compiled), and the suite starts it and the CLI about 80 times. So test/support/global-setup.ts
 * bundles that same entry with esbuild, from the working tree, at the start of every run (and
 * before every rerun in watch mode), into node_modules/.cache: never committed, never older than
 * the run. The child processes run that bundle with the arguments a person types (`start --port
 * 0 ...`). What differs from `npm start` is only who compiles the TypeScript:
 * - tsx's `register()` in bin/klachtflow.js is left out (nothing is left to compile);
 * - the packages in node_modules are bundled too, but for those that break bundled (KEEP_OUT:
 *   dynalite requires its actions by computed name, write-file-atomic reads __filename) and the
 *   development packages, which load from node_modules as they do under tsx;
 * - each source file keeps its own `import.meta` (url, dirname, filename, resolve), so what it
 *   reads beside itself (presets, ASL, assets) it reads from the working tree;
 * - names are kept (`keepNames`): bundling renames clashing identifiers, and code may read `.name`.
 * test/cli-bundle.test.ts holds the bundle to the sources.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

export const PROJECT_ROOT = join(import.meta.dirname, '..', '..');

/** The command's entry, as `npm start` and `npx klachtflow` run it. */
export const CLI_ENTRY = join(PROJECT_ROOT, 'bin', 'klachtflow.js');

/** Where each run's bundle goes: one folder per vitest process, under node_modules (bare imports resolve there). */
export const BUNDLES_ROOT = join(PROJECT_ROOT, 'node_modules', '.cache', 'klachtflow-test-cli');

declare module 'vitest' {
  export interface ProvidedContext {
    /** The compiled `bin/klachtflow.js` of this run (test/support/global-setup.ts). */
    klachtflowCli: string;
  }
}

/**
 * Packages that stay outside the bundle: dynalite requires its actions by a computed name,
 * write-file-atomic reads its own __filename, classic-level loads its native addon beside itself.
 */
const KEEP_OUT = ['dynalite', 'write-file-atomic', 'classic-level'];

/**
 * Whether an import stays outside the bundle: a package of KEEP_OUT, or a development package
 * imported by the project's own sources (it then resolves from the bundle as from the sources:
 * to the project's node_modules). A package imported by another package is bundled as that
 * package resolves it, a version of its own included (markdown-it's linkify-it is not the one the
 * project has).
 */
function external(): (path: string, importer: string) => boolean {
  const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
    devDependencies?: Record<string, string>;
  };
  const dev = new Set(Object.keys(pkg.devDependencies ?? {}));
  return (path, importer) => {
    const name = path.startsWith('@') ? path.split('/').slice(0, 2).join('/') : (path.split('/')[0] ?? path);
    return KEEP_OUT.includes(name) || (dev.has(name) && !/[\\/]node_modules[\\/]/.test(importer));
  };
}

/**
 * Bundles bin/klachtflow.js into `outdir` and returns the path of the bundled entry. Throws with
 * esbuild's messages when the sources do not compile.
 */
export async function buildCli(outdir: string): Promise<string> {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  await esbuild.build({
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [CLI_ENTRY],
    outdir,
    bundle: true,
    // Lazy imports stay lazy (the diagram's Graphviz, the simulation): chunks loaded when asked for.
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // The runtime's packages bundled too: node loaded about 1 200 files of them at every start
    // (resolving, reading, detecting each CommonJS file's exports), half a CPU second of the 1.6 a
    // start took to its first answer (2026-12-03: 1.54-1.76 s before, 1.16-1.21 s after, three
    // pairs). Left outside, loaded from node_modules as before: what breaks bundled (KEEP_OUT) and
    // the development packages (CDK, esbuild: only commands the child processes do not run).
    // CommonJS packages inside an ES module bundle call require: node's, from here.
    banner: {
      js: "import { createRequire as __kfRequire } from 'node:module'; const require = __kfRequire(import.meta.url);",
    },
    keepNames: true,
    // For a stack trace in a child's log: `NODE_OPTIONS=--enable-source-maps`.
    sourcemap: 'linked',
    sourcesContent: false,
    tsconfig: join(PROJECT_ROOT, 'tsconfig.json'),
    logLevel: 'silent',
    plugins: [
      {
        name: 'klachtflow-sources',
        setup(build) {
          // bin/klachtflow.js registers tsx to compile the sources; in the bundle they are compiled.
          build.onResolve({ filter: /^tsx\/esm\/api$/ }, () => ({ path: 'tsx/esm/api', namespace: 'compiled' }));
          const outside = external();
          build.onResolve({ filter: /^[@a-z]/ }, (args) =>
            !args.path.startsWith('node:') && outside(args.path, args.importer)
              ? { path: args.path, external: true }
              : undefined,
          );
          build.onLoad({ filter: /.*/, namespace: 'compiled' }, () => ({
            contents: '/** Nothing left to compile. */ export function register() {}',
            loader: 'js',
          }));
          build.onLoad({ filter: /\.(ts|tsx|js|mjs)$/ }, async (args) => {
            if (/[\\/]node_modules[\\/]/.test(args.path)) return undefined;
            const loader = args.path.endsWith('.tsx') ? 'tsx' : args.path.endsWith('.ts') ? 'ts' : 'js';
            const source = readFileSync(args.path, 'utf8');
            if (!source.includes('import.meta')) return { contents: source, loader };
            return { contents: await ownImportMeta(source, args.path, loader), loader: 'js' };
          });
        },
      },
    ],
  });
  const entry = join(outdir, 'klachtflow.js');
  if (!existsSync(entry)) throw new Error(`esbuild wrote no ${entry}`);
  return entry;
}

/**
 * The file compiled on its own with `import.meta` as the source file's (esbuild, told import.meta
 * is unsupported, rewrites each use to one `import_meta` object per file, parsed, not matched as
 * text; that object is filled in here).
 */
async function ownImportMeta(source: string, path: string, loader: 'ts' | 'tsx' | 'js'): Promise<string> {
  const out = await esbuild.transform(source, {
    loader,
    format: 'esm',
    target: 'node20',
    supported: { 'import-meta': false },
    tsconfigRaw: readFileSync(join(PROJECT_ROOT, 'tsconfig.json'), 'utf8'),
    sourcefile: path,
    logLevel: 'silent',
  });
  const empty = 'const import_meta = {};';
  if (!out.code.includes(empty)) throw new Error(`${path}: esbuild wrote no ${empty}`);
  const url = pathToFileURL(path).href;
  // import.meta.resolve as in the source file: relative to it; a package name from the project's
  // node_modules, which the bundle (under node_modules/.cache) resolves the same way.
  const meta = `const import_meta = { url: ${JSON.stringify(url)}, dirname: ${JSON.stringify(dirname(path))}, filename: ${JSON.stringify(path)}, resolve: (s) => /^(\\.{0,2}\\/|file:)/.test(s) ? new URL(s, ${JSON.stringify(url)}).href : import.meta.resolve(s) };`;
  return out.code.replace(empty, meta);
}

/** Removes the bundles of runs whose vitest process has ended. */
export function removeStaleBundles(): void {
  if (!existsSync(BUNDLES_ROOT)) return;
  for (const d of readdirSync(BUNDLES_ROOT)) {
    const pid = Number(d);
    let alive = false;
    try {
      alive = Number.isInteger(pid) && pid > 0 && process.kill(pid, 0);
    } catch {}
    if (!alive) rmSync(join(BUNDLES_ROOT, d), { recursive: true, force: true });
  }
}
