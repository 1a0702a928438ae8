/**
 * What the simulation reads of a dossier to decide when to look again and what its people do
 * (#19, session 9): the status, the step under way, the deadlines, whether the clock stands still,
 * the registration form and the result. Read from the dossier store the runtime's API reads (its
 * view, one consistent Query of the commits since the version the store knows), not through
 * `GET /dossiers/{id}`: that answer is the whole dossier with its timeline and the latest reads,
 * a recorded officer read (a PutItem and a Query), Hono's routing, a Request, a Response and JSON
 * both ways, and the simulation's watching made about 7 of them per complaint (about a fifth of a
 * simulated year's wall time). The watching is the simulation's own, not an officer's: nobody reads
 * the dossier, so no read is recorded. What a person does still goes through the API, and a person
 * looks at the dossier through it before acting (bench/simulate.ts).
 *
 * test/simulation-watch.test.ts holds every field to what `GET /dossiers/{id}` answers for the
 * same dossier, at each moment of several complaints' ladders.
 */
import type { DossierView } from '../lambdas/domain/dossier.js';
import type { Runtime } from '../runtime/runtime.js';
import { findStep } from '../statemachines/ladder.js';

/** The fields of `GET /dossiers/{id}` the simulation decides on, with the values the API gives them. */
export interface Watched {
  status: 'open' | 'closed';
  currentStep: { id: string; assignee: string; since: string; awaiting: boolean } | null;
  deadlines: { step: string; status: string; dueAt: string; kind: string }[];
  /** Whether the clock stands still (the API's `suspension`, here only whether there is one). */
  suspended: boolean;
  registration: { missing: string[]; questions: unknown[] } | null;
  closed: { result: string } | null;
}

/** The dossier as the simulation watches it, or undefined where there is none. */
export async function watchDossier(rt: Runtime, id: string): Promise<Watched | undefined> {
  const view = await rt.procedure.deps.store.load(id);
  return view ? watched(rt, view) : undefined;
}

/**
 * Watches dossiers as `watchDossier` does, reading each from the view it last saw: the store folds
 * the commits since onto it (its `load(id, after)`, as a writer that lost a race reads), instead of
 * reading and folding the whole dossier. A closed dossier is no longer among the store's recent
 * ones, so every watch of it (the one that finds it closed, the summary at the end) read all its
 * commits back, some twenty a complaint, about 66 KB of JSON parsed and folded twice per complaint
 * (#19, session 13). The views kept are the simulation's, like its own list of complaints.
 */
export class DossierWatch {
  private readonly seen = new Map<string, DossierView>();
  constructor(private readonly rt: Runtime) {}

  async watch(id: string): Promise<Watched | undefined> {
    const view = await this.rt.procedure.deps.store.load(id, this.seen.get(id));
    if (view) this.seen.set(id, view);
    else this.seen.delete(id);
    return view ? watched(this.rt, view) : undefined;
  }

  /** The dossier is not watched again: its view is let go. */
  forget(id: string): void {
    this.seen.delete(id);
  }
}

function watched(rt: Runtime, view: DossierView): Watched {
  // As the API's officerView: a step the regulation no longer knows is no step under way.
  const current = view.current && findStep(rt.regulation, view.current.stepId) ? view.current : undefined;
  // The registration form is worked out when read (the simulation reads it only when an outcome
  // was refused for it): for every watch it was half of watched() (0.5 % of a simulated year, #19
  // session 17). The view is not changed afterwards (the store folds new commits onto a copy), so
  // it is the form as at this watch.
  let registration: Watched['registration'] | undefined;
  let read = false;
  return {
    status: view.status,
    currentStep: current
      ? { id: current.stepId, assignee: current.assignee, since: current.startedAt, awaiting: !!current.token }
      : null,
    deadlines: view.deadlines.map((d) => ({ step: d.stepId, status: d.status, dueAt: d.dueAt, kind: d.kind })),
    suspended: !!view.suspension,
    get registration() {
      if (!read) {
        read = true;
        registration = (rt.procedure.registrationOf(view) as Watched['registration'] | undefined) ?? null;
      }
      return registration ?? null;
    },
    closed: view.closed ?? null,
  };
}
