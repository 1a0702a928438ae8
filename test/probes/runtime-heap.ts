/**
 * A probe run in its own process with --expose-gc (test/memory.test.ts): `n` complaints through
 * the local runtime to closure (in, read by an officer, withdrawn; the ladder ends), then the heap
 * after forced GC, once with the table and once without it (the in-memory table is emptied), so
 * what the runtime itself keeps per closed complaint shows apart from the dossiers it stores.
 * Prints one JSON line {n, heapWithTable, heapWithoutTable, objectBytes, items, running, pendingClock, rememberedLetters, seconds}.
 * Arguments: n, store (memory | dynalite), aws (http: the SDK clients on the local endpoint, as
 * npm start runs them; in-process: the same services answered in this process, faster).
 * n may be a rising list, `30,180`: one runtime measured after 30 complaints and again after 180
 * (the table emptied at each measurement, the runtime's own state kept); prints {runs: [...]}
 * with one such object per size. The difference between two sizes in one process is what the
 * runtime keeps per complaint without the start-up and warm-up of a second process (each of which
 * cost a runtime import and a heap snapshot: about 10 CPU seconds).
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { SANNE, testRuntime } from '../support/runtime.js';

const sizes = (process.argv[2] ?? '100').split(',').map(Number);
if (sizes.some((n, i) => !Number.isInteger(n) || n < 0 || (i > 0 && n <= (sizes[i - 1] as number))))
  throw new Error(`sizes must rise: ${process.argv[2]}`);
const store = (process.argv[3] ?? 'memory') as 'memory' | 'dynalite';
const aws = (process.argv[4] ?? 'http') as 'http' | 'in-process';
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const started = performance.now();
const rt = await testRuntime('ons-welzijn', undefined, undefined, { durable: false, store, aws });
const dir = rt.dataDir;
const call = async (method: string, path: string, body?: unknown, token?: string) => {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const r = await rt.fetch(
    new Request(`${rt.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }),
  );
  const text = await r.text();
  return { status: r.status, json: text ? JSON.parse(text) : undefined, text };
};
const officer = rt.officers.officer ?? '';
let done = 0;
/** Complaints from the `done`-th up to the `n`-th through to closure. */
async function complaintsUpTo(n: number): Promise<void> {
  for (let i = done; i < n; i++) {
    const r = await call('POST', '/complaints', { ...SANNE, description: `Klacht ${i + 1}.` });
    if (r.status !== 201) throw new Error(`intake ${r.status} ${r.text}`);
    await call('POST', '/local/clock', { advance: 'PT0S' });
    const d = await call('GET', `/dossiers/${r.json.id}`, undefined, officer);
    if (d.status !== 200) throw new Error(`dossier ${d.status}`);
    const w = await call('POST', `/complaints/${r.json.id}/withdraw`, { reason: 'Opgelost.' }, r.json.accessToken);
    if (w.status !== 200) throw new Error(`withdraw ${w.status} ${w.text}`);
    // A day passes between complaints, as in use: the clock's due work runs.
    await call('POST', '/local/clock', { advance: 'P1D' });
  }
  done = n;
}
/**
 * The bytes of the heap's objects, strings, closures and arrays, from a heap snapshot: without
 * compiled code and V8's hidden internals, which keep growing for a while as functions get hot
 * (30 against 130 complaints: 1.4 MB more code, 17 KB more objects).
 */
function heapObjectBytes(): number {
  const file = join(dir, 'heap.heapsnapshot');
  writeHeapSnapshot(file);
  const snapshot = JSON.parse(readFileSync(file, 'utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
  };
  rmSync(file);
  const fields = snapshot.snapshot.meta.node_fields;
  const typeNames = snapshot.snapshot.meta.node_types[0];
  const type = fields.indexOf('type');
  const size = fields.indexOf('self_size');
  let bytes = 0;
  for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
    const t = typeNames[snapshot.nodes[i + type] as number];
    if (t !== 'code' && t !== 'hidden') bytes += snapshot.nodes[i + size] as number;
  }
  return bytes;
}

const settle = async () => {
  await new Promise((r) => setTimeout(r, 50));
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
/** The heap after GC with and without the table, and what the runtime holds, after `n` complaints. */
async function measure(n: number) {
  await complaintsUpTo(n);
  const heapWithTable = await settle();
  const items = rt.memoryStore?.itemCount('klachtflow-dossiers') ?? 0;
  rt.memoryStore?.clear();
  const heapWithoutTable = await settle();
  const objectBytes = heapObjectBytes();
  return {
    n,
    store,
    heapWithTable,
    heapWithoutTable,
    objectBytes,
    items,
    running: rt.stepFunctions.running(),
    pendingClock: rt.clock.pending().length,
    rememberedLetters: rt.mailbox.remembered(),
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}
const runs = [];
for (const n of sizes) runs.push(await measure(n));
await rt.stop();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify(sizes.length === 1 ? runs[0] : { runs })}\n`);
