/**
 * Complaints first, then their ladders (#19). In AWS `POST /complaints` answers after its own
 * writes and StartExecution; the ladder's first steps (the acknowledgement letter, the deadlines,
 * the officer's task) run in other Lambda functions and the complainant never waits for them. The
 * local runtime is one process on one core, where those first steps cost several times the request
 * itself: run at once they took the CPU from the requests that arrived meanwhile, and intake at 16
 * clients reached a twentieth of what the store could take.
 *
 * So a new ladder's first segment waits while a complaint is being received, and starts as soon as
 * none is, or after `maxWaitMs` at the latest: a stream of complaints that never pauses still gets
 * every acknowledgement within seconds, far within any regulation's term for it (Awb 9:6 asks for a
 * written acknowledgement; the presets give it days). Only new ladders wait: an officer's action
 * (SendTaskSuccess), a deadline or a wake runs at once, and nothing that waits for a ladder (the
 * officer's page after an action, the manual clock, the mailbox) is an intake request, so nothing
 * waits for itself.
 *
 * With `quietMs`, "none is being received" means none for that long after the last answer: in a
 * burst the next complaint often arrives a few milliseconds after the last answer went out (a
 * client on a busy machine, a form posted twice), and the ladders released in that gap ran beside
 * every complaint that followed, the whole first segment of each (#19: 57 of 200 acknowledgements
 * were sent while a burst was still being answered, and an answer cost 20 ms of CPU instead of 7).
 * `npm start` waits 250 ms; the tests' runtimes none (they wait for every ladder after each step).
 */
export class IntakePriority {
  private inFlight = 0;
  private waiting: (() => void)[] = [];
  /** Complaints received so far: a quiet period ends in a release only if none came during it. */
  private received = 0;
  private quiet: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly maxWaitMs = 30_000,
    readonly quietMs = 0,
  ) {}

  /** Whether a request receives a complaint (and so starts a ladder rather than waiting for one). */
  static isIntake(method: string, path: string): boolean {
    return method === 'POST' && INTAKE_ROUTES.has(path);
  }

  /** Runs a request that receives a complaint: ladders wait until it (and every other) answered. */
  async intake<T>(answer: () => Promise<T>): Promise<T> {
    this.inFlight++;
    this.received++;
    try {
      return await answer();
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) this.afterLast();
    }
  }

  /** Resolves when no complaint is being received (nor was for `quietMs`), or after `maxWaitMs`. */
  gate(): Promise<void> {
    if (this.inFlight === 0 && this.quiet === undefined) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        // Let go at its bound: off the list, or under steady intake (no quiet period for longer
        // than the bound) the list would keep every ladder it ever held.
        const i = this.waiting.indexOf(go);
        if (i >= 0) this.waiting.splice(i, 1);
        go();
      }, this.maxWaitMs);
      function go() {
        clearTimeout(timer);
        resolve();
      }
      this.waiting.push(go);
    });
  }

  /** How many ladders wait for their turn. */
  pending(): number {
    return this.waiting.length;
  }

  /** The last complaint in flight was answered: release now, or once `quietMs` passed without one. */
  private afterLast() {
    if (this.quietMs <= 0) return this.release();
    if (this.quiet !== undefined) clearTimeout(this.quiet);
    const received = this.received;
    this.quiet = setTimeout(() => {
      this.quiet = undefined;
      if (this.inFlight === 0 && this.received === received) this.release();
    }, this.quietMs);
  }

  private release() {
    const waiting = this.waiting;
    this.waiting = [];
    for (const go of waiting) go();
  }
}

/** The routes that receive a complaint: the API, the form, the officer's record of one. */
const INTAKE_ROUTES = new Set(['/complaints', '/dossiers', '/klacht-indienen', '/medewerkers/klacht-vastleggen']);
