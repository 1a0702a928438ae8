/**
 * Work the runtime does after an answer is sent (the lost-link request: its answer must not take
 * longer when the details matched). Each piece starts once the answer is on its way, errors are
 * reported, never thrown; `idle()` waits for all of it (the local mailbox, the clock, stop).
 * `hold()` keeps new work waiting until `release()`: tests use it to see the answer come first.
 */
export class Background {
  private readonly running = new Set<Promise<void>>();
  private waiting: (() => void)[] | undefined;

  constructor(private readonly report: (e: unknown) => void = (e) => console.error('klachtflow background:', e)) {}

  /** Runs `work` after the current answer (setImmediate: the response is written first). */
  run(work: () => Promise<void>): void {
    const start = () => {
      const p: Promise<void> = work()
        .catch((e) => this.report(e))
        .finally(() => this.running.delete(p));
      this.running.add(p);
    };
    if (this.waiting) this.waiting.push(start);
    else {
      // Counted as running from now, so idle() waits for work not yet started too.
      const p: Promise<void> = new Promise<void>((r) => setImmediate(r)).then(start);
      this.running.add(p);
      void p.finally(() => this.running.delete(p));
    }
  }

  /** Keeps new work waiting (tests). */
  hold(): void {
    this.waiting ??= [];
  }

  /** Starts what waited, and runs new work at once again. */
  release(): void {
    const waiting = this.waiting ?? [];
    this.waiting = undefined;
    for (const start of waiting) start();
  }

  /** How many pieces wait (held) or run. */
  pending(): number {
    return (this.waiting?.length ?? 0) + this.running.size;
  }

  /** Resolves when nothing runs (work held back is not waited for). Bounded: 1 000 rounds. */
  async idle(): Promise<void> {
    for (let i = 0; i < 1000 && this.running.size > 0; i++) await Promise.allSettled([...this.running]);
  }
}
