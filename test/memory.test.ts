/**
 * What grows (#19): the local runtime is the embedded default an organisation may run for a year,
 * so what it keeps per request must not pile up. Measured as heap after forced garbage collection,
 * in a child process with --expose-gc.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function probe<T = Record<string, number>>(script: string, args: string[] = [], timeout = 120_000): T {
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', script, ...args], {
    encoding: 'utf8',
    timeout,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  if (r.status !== 0) throw new Error(`${script}: exit ${r.status}\n${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}');
}

describe('memory: heap after GC does not grow per request', () => {
  it('dynalite closes the LevelDB iterator of every Query (patches/dynalite: it kept ~4.5 KB per Query)', () => {
    const perOp = probe<{ Query: number; GetItem: number }>('test/probes/dynalite-ops.ts', ['1000']);
    console.log('heap per op after GC (bytes):', perOp);
    // Before the patch a Query kept 4.5 to 6 KB more than a GetItem (its iterator, the iterator's
    // snapshot and its cached entries stayed attached to the db); after it, both keep a few hundred
    // bytes of warm-up noise that does not grow with the count.
    expect(perOp.Query - perOp.GetItem).toBeLessThan(2000);
    expect(perOp.GetItem).toBeLessThan(1500);
  }, 120_000);

  it('the local SES endpoint keeps no letter: a letter key cut from the request body kept the whole body', () => {
    const r = probe<{ perMail: number; letterBytes: number }>('test/probes/ses-mails.ts', ['600']);
    console.log('heap per letter after GC (bytes):', r);
    // Before: the mailbox held every message, and its key, a slice of the request body, held the
    // body once more: 10 896 B per letter of 4 320 B. Now the key and the message id, and warm-up
    // noise: about 1 000 B.
    expect(r.perMail).toBeLessThan(3000);
  }, 120_000);

  it('the runtime keeps no more per closed complaint than its erasure schedule (30 against 180 to closure)', () => {
    // Each complaint goes through the runtime to closure (in, read by an officer, withdrawn, the
    // ladder ends, a day passes), on the in-memory table with Step Functions, Scheduler and SES
    // answered in process (the same services and adapters; the transport keeps nothing, and it is
    // three times faster); the table is then emptied, so the heap after GC is what the runtime
    // itself keeps. 2 000 complaints, and npm start's own path on dynalite, are in the bench
    // (npm run bench -- --only year).
    type Heap = {
      heapWithoutTable: number;
      objectBytes: number;
      running: number;
      pendingClock: number;
      rememberedLetters: number;
    };
    // One process measured after 30 complaints and again after 180 (the table emptied each time,
    // the runtime's own state kept): the same start-up and warm-up on both sides of the
    // difference. Two processes, one per size, differed by up to ~100 KB of what is no complaint's
    // (935 to 1 386 B per complaint over six pairs, so the test took the least of two runs of
    // each size: four runtimes and four heap snapshots, about 55 CPU seconds); in one process two
    // runs gave the same 1 530.88 B, in 20 CPU seconds.
    const [small, large] = probe<{ runs: [Heap, Heap] }>(
      'test/probes/runtime-heap.ts',
      ['30,180', 'memory', 'in-process'],
      600_000,
    ).runs;
    // Objects only: compiled code keeps growing for a while as functions get hot, and is no
    // complaint's (heapUsed counted 13 KB per complaint more at 200 than at 50, nearly all code).
    const perComplaint = (large.objectBytes - small.objectBytes) / 150;
    console.log('heap after GC without the table (bytes):', { small, large, perComplaint });
    expect(large.running).toBe(0);
    // What must stay: each closed dossier's erasure, due at the end of its two-year retention, on
    // the clock (its name and a small closure). Nothing of a finished ladder, no letter of its.
    expect(large.pendingClock).toBe(180);
    // The local SES endpoint kept the key of every letter ever sent (five a complaint, 1 359 B per
    // complaint in all, inside this bound's noise): it keeps the latest 256 (runtime/mailbox.ts).
    expect(large.rememberedLetters).toBeLessThanOrEqual(256);
    // Measured 1 531 B: the erasure schedule on the clock and in the scheduler's names, and the
    // 256 letter keys the smaller run does not fill. Every finished execution's record kept in
    // memory (planted in runtime/stepfunctions.ts, 2026-12-03) measured 2 032 B: this bound
    // catches it.
    expect(perComplaint).toBeLessThan(1800);
  }, 700_000);
});
