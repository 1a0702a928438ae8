/**
 * One clock for the whole local runtime: real time, real time sped up, or a manual clock that
 * moves only when told. Every Wait, task timeout and schedule is an entry on its timeline and
 * fires in order of its time.
 *
 * Why not plain timers: Node's setTimeout overflows past 2^31-1 ms (24.8 days) and then fires at
 * once; a six-week deadline would fire immediately. The timeline arms at most one timer, never
 * longer than that limit, and re-checks when it wakes.
 */
import { Heap } from 'heap-js';

const MAX_TIMER_MS = 2 ** 31 - 1;

export type ClockMode = 'real' | 'manual';

interface Entry {
  id: string;
  at: number;
  fire: () => Promise<void>;
  /** Order of arrival: entries due at the same instant fire in the order they were put. */
  seq: number;
}

export class RuntimeClock {
  private readonly realStart = Date.now();
  private readonly start: number;
  private manualNow: number;
  private readonly entries = new Map<string, Entry>();
  /**
   * The entries by time, soonest first. Moved or cancelled entries stay in the heap until they
   * reach its top and are found stale (lazy deletion): finding what is due costs log n, not a scan
   * of every pending entry (a runtime that ran for a year holds an erasure schedule for every
   * dossier closed in the last two years).
   */
  private readonly byTime = new Heap<Entry>((a, b) => a.at - b.at || a.seq - b.seq);
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    readonly mode: ClockMode = 'real',
    readonly speed = 1,
    startAt?: Date,
  ) {
    if (!(speed > 0)) throw new Error('speed must be a positive number');
    this.start = startAt ? startAt.getTime() : Date.now();
    this.manualNow = this.start;
  }

  now(): Date {
    if (this.mode === 'manual') return new Date(this.manualNow);
    return new Date(this.start + (Date.now() - this.realStart) * this.speed);
  }

  /** Puts (or moves) an entry on the timeline. */
  at(id: string, when: Date, fire: () => Promise<void>): void {
    const entry = { id, at: when.getTime(), fire, seq: this.seq++ };
    this.entries.set(id, entry);
    this.byTime.push(entry);
    // Stale heap items pile up only while entries are moved often; rebuild when they outnumber the live ones.
    if (this.byTime.size() > 64 && this.byTime.size() > 2 * this.entries.size) this.rebuild();
    // A manual clock fires what is already due without waiting to be moved.
    if (this.mode === 'manual' && when.getTime() <= this.manualNow) void this.advanceTo(new Date(this.manualNow));
    this.arm();
  }

  cancel(id: string): void {
    this.entries.delete(id);
  }

  private rebuild() {
    this.byTime.clear();
    for (const e of this.entries.values()) this.byTime.push(e);
  }

  /** The soonest live entry, dropping stale heap items (cancelled, fired or moved since). */
  private soonest(): Entry | undefined {
    for (;;) {
      const top = this.byTime.peek();
      if (!top) return undefined;
      if (this.entries.get(top.id) === top) return top;
      this.byTime.pop();
    }
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  /** Entries not yet fired, soonest first (for the runtime's status page and tests). */
  pending(): { id: string; at: string }[] {
    return [...this.entries.values()]
      .sort((a, b) => a.at - b.at)
      .map((e) => ({ id: e.id, at: new Date(e.at).toISOString() }));
  }

  /** Manual clock: moves to `to`, firing everything due on the way in order, each awaited. */
  async advanceTo(to: Date): Promise<void> {
    if (this.mode !== 'manual') throw new Error('Only a manual clock can be moved by hand.');
    const target = to.getTime();
    if (target < this.manualNow) throw new Error('The clock does not go back.');
    await this.serial(async () => {
      for (;;) {
        const next = this.nextDue(target);
        if (!next) break;
        this.manualNow = Math.max(this.manualNow, next.at);
        this.entries.delete(next.id);
        await this.safely(next);
      }
      this.manualNow = target;
    });
  }

  /** Fires what is due now (real clock), in order. */
  private async fireDue(): Promise<void> {
    await this.serial(async () => {
      for (;;) {
        const next = this.nextDue(this.now().getTime());
        if (!next) break;
        this.entries.delete(next.id);
        await this.safely(next);
      }
    });
    this.arm();
  }

  private nextDue(limit: number): Entry | undefined {
    const next = this.soonest();
    return next && next.at <= limit ? next : undefined;
  }

  private async safely(e: Entry) {
    try {
      await e.fire();
    } catch (err) {
      console.error(`klachtflow: timeline entry ${e.id} failed:`, err);
    }
  }

  /** Runs timeline work one at a time, so entries fire in order. */
  private serial(work: () => Promise<void>): Promise<void> {
    const run = this.running.then(work, work);
    this.running = run.catch(() => undefined);
    return run;
  }

  private arm() {
    if (this.mode === 'manual' || this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const soonest = this.soonest();
    if (!soonest) return;
    const realMs = Math.max(0, (soonest.at - this.now().getTime()) / this.speed);
    this.timer = setTimeout(() => void this.fireDue(), Math.min(MAX_TIMER_MS, Math.ceil(realMs)));
    this.timer.unref?.();
  }

  /** Waits until timeline work that is under way has finished. */
  async settled(): Promise<void> {
    await this.running;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
