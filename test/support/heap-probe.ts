/**
 * Heap after garbage collection, per operation: runs `op` `n` times after a warm-up and returns
 * the growth of the heap after forced GC divided by `n`. Needs `--expose-gc` (run in a child:
 * see heapPerOp in test/memory.test.ts).
 */
export async function heapGrowthPerOp(n: number, op: (i: number) => Promise<void>, warmUp = 300): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  const settle = async () => {
    await new Promise((r) => setTimeout(r, 50));
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  };
  for (let i = 0; i < warmUp; i++) await op(i);
  const before = await settle();
  for (let i = 0; i < n; i++) await op(warmUp + i);
  const after = await settle();
  return (after - before) / n;
}
