/**
 * Part of `npm run bench` (issue 19): how the simulated year grows with the number of complaints,
 * side by side, and how the local runtime's heap grows with closed complaints on `npm start`'s own
 * path (dynalite on disk). Each run in a fresh process; wall and CPU time and the machine's load
 * are printed with it (the machine is shared: wall time counts other processes' work too).
 *
 *   npm run bench -- --only year --sim 300,1000        # complaints per simulated year (default)
 *   npm run bench -- --only year --threads 1,2         # in one thread and over two (default)
 *   npm run bench -- --only year --sim 1000,3000,10000 # the sizes (long)
 *   npm run bench -- --only year --heap 200,2000       # complaints to closure per heap probe (default)
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';

/** Runs a script in a fresh Node process (through tsx) and returns its last stdout line as JSON. */
function run(args: string[], nodeFlags: string[] = []): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', ...args], {
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${args.join(' ')}: exit ${code}\n${err.slice(-2000)}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '{}'));
    });
  });
}

const load = () => loadavg().map((x) => Math.round(x * 10) / 10);

export interface SimulationRun {
  complaints: number;
  /** Worker threads the complaints were split over (1: all in one thread). */
  workers: number;
  wallSeconds: number;
  cpuSeconds: number;
  complaintsPerSecond: number;
  cpuMsPerComplaint: number;
  peakRssMb: number;
  loadAverage: number[];
}

/**
 * `klachtflow simulate --regulation ons-welzijn --days 365` at each size, one process each, in one
 * thread and split over worker threads (`--workers`: each a share of the complaints through a
 * runtime of its own), side by side.
 */
export async function simulationScaling(sizes: number[], workerCounts: number[] = [1, 2]): Promise<SimulationRun[]> {
  const runs: SimulationRun[] = [];
  for (const n of sizes)
    for (const workers of workerCounts) {
      const r = (await run([
        'bench/simulate.ts',
        '--regulation',
        'ons-welzijn',
        '--complaints',
        String(n),
        '--days',
        '365',
        '--workers',
        String(workers),
        '--json',
      ])) as {
        complaints: number;
        wallSeconds: number;
        cpuSeconds: number;
        complaintsPerSecond: number;
        peakRssMb: number;
      };
      runs.push({
        complaints: r.complaints,
        workers,
        wallSeconds: r.wallSeconds,
        cpuSeconds: r.cpuSeconds,
        complaintsPerSecond: r.complaintsPerSecond,
        cpuMsPerComplaint: Math.round((1000 * r.cpuSeconds) / Math.max(1, r.complaints)),
        peakRssMb: r.peakRssMb,
        loadAverage: load(),
      });
    }
  return runs;
}

export interface HeapRun {
  n: number;
  store: string;
  aws: string;
  heapMb: number;
  heapWithoutTableMb: number;
  /** Bytes of objects in a heap snapshot after GC, without the table (test/probes/runtime-heap.ts). */
  objectBytes: number;
  pendingClock: number;
  seconds: number;
}

/**
 * Heap after forced GC of the local runtime after n complaints went to closure
 * (test/probes/runtime-heap.ts): on dynalite with the SDK clients on the local endpoint (what
 * `npm start` runs), or on the in-memory table with the services answered in process (faster, so
 * 2 000 complaints fit in a bench run).
 */
export async function heapScaling(
  sizes: number[],
  setups: { store: 'dynalite' | 'memory'; aws: 'http' | 'in-process' }[],
): Promise<HeapRun[]> {
  const runs: HeapRun[] = [];
  for (const { store, aws } of setups)
    for (const n of sizes) {
      const r = (await run(['test/probes/runtime-heap.ts', String(n), store, aws], ['--expose-gc'])) as {
        heapWithTable: number;
        heapWithoutTable: number;
        objectBytes: number;
        pendingClock: number;
        seconds: number;
      };
      runs.push({
        n,
        store,
        aws,
        heapMb: Math.round(r.heapWithTable / 2 ** 17) / 8,
        heapWithoutTableMb: Math.round(r.heapWithoutTable / 2 ** 17) / 8,
        objectBytes: r.objectBytes,
        pendingClock: r.pendingClock,
        seconds: r.seconds,
      });
    }
  return runs;
}
