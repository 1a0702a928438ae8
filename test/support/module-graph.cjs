/**
 * `node -r ./test/support/module-graph.cjs ...` with KLACHTFLOW_MODULE_GRAPH=<file>: every module a
 * process loads, in every thread, is appended to <file> as it loads (`<thread>\t<cjs|esm>\t<path>`).
 * A `--require` preload runs in worker threads too (an `--import` one does not, on Node 20), so
 * the simulation's workers are seen as well as the main thread. CommonJS modules are seen where
 * they are compiled, ES modules through a load hook (module-graph-hooks.mjs). Used by
 * test/start-imports.test.ts (what an entry must not load) and bench/bench.ts (what it does).
 */
const { appendFileSync } = require('node:fs');
const Module = require('node:module');
const { pathToFileURL } = require('node:url');
const { threadId } = require('node:worker_threads');

const file = process.env.KLACHTFLOW_MODULE_GRAPH;
if (file) {
  const compile = Module.prototype._compile;
  Module.prototype._compile = function (content, filename, ...rest) {
    appendFileSync(file, `${threadId}\tcjs\t${filename}\n`);
    return compile.call(this, content, filename, ...rest);
  };
  Module.register(pathToFileURL(`${__dirname}/module-graph-hooks.mjs`), { data: { file, threadId } });
}
