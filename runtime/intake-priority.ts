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
 */
export class IntakePriority {
  private inFlight = 0;
  private waiting: (() => void)[] = [];

  constructor(readonly maxWaitMs = 30_000) {}

  /** Whether a request receives a complaint (and so starts a ladder rather than waiting for one). */
  static isIntake(method: string, path: string): boolean {
    return method === 'POST' && INTAKE_ROUTES.has(path);
  }

  /** Runs a request that receives a complaint: ladders wait until it (and every other) answered. */
  async intake<T>(answer: () => Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await answer();
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) this.release();
    }
  }

  /** Resolves when no complaint is being received, or after `maxWaitMs`. */
  gate(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(go, this.maxWaitMs);
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

  private release() {
    const waiting = this.waiting;
    this.waiting = [];
    for (const go of waiting) go();
  }
}

/** The routes that receive a complaint: the API, the form, the officer's record of one. */
const INTAKE_ROUTES = new Set(['/complaints', '/dossiers', '/klacht-indienen', '/medewerkers/klacht-vastleggen']);
