import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../lib/handlers.js';
import { act, dossier, mailsOf, submit } from './support/ladder.js';
import { type TestRuntime, testRuntime } from './support/runtime.js';

// Wakes of the waiting step that get lost, and the repairs, end to end in the local runtime (the
// committed ASL, the local Step Functions and Scheduler, the manual clock).
// examples/sociaal-team-gemeente.yaml: the hearing ("horen") has three weeks of its own; submitted
// Thursday 29 October 2026 and found admissible the same day, it ends on Thursday 19 November.
//
// 1. The weekly look: while the clock stands still the step does not wait for its old end but
//    looks again after a while (lambdas/domain/procedure/deadlines.ts cursorFor). It is the safety
//    net for a resume whose wake never reached the ladder (the process crashed after storing the
//    resume, or the wake was dropped): the next look finds the new end and waits for it.
// 2. The stale token: an action that commits while the step is between two waits (woken by the
//    action before it, not yet waiting again) reads the old task token; its wake finds that task
//    closed. The new wait must still end up at the right end (ladder-tasks.ts awaitAction).

const step = (d: any, id: string) => d.deadlines.filter((x: any) => x.step === id).at(-1);
const alarms = async (rt: TestRuntime, reference: string) =>
  (await mailsOf(rt, reference)).filter((m) => m.text.includes('De termijn is verstreken'));

const suspendBody = { type: 'suspend', stepId: 'horen', ground: 'bemiddeling', reason: 'bemiddeling', consent: true };

/** The stored dossier (with its task token) and the execution's pending callback. */
async function waiting(rt: TestRuntime, id: string) {
  const view = await rt.procedure.deps.store.load(id);
  const rec = view?.executionArn ? rt.stepFunctions.execution(view.executionArn) : undefined;
  const pause = rec?.pause?.kind === 'callback' ? rec.pause : undefined;
  return { view, pause };
}

/** Two instants within a minute of each other (the callback's timeout is whole seconds). */
const near = (a: string | undefined, b: string) => Math.abs(Date.parse(a ?? '') - Date.parse(b)) <= 60_000;

/** Drops the next wake of a waiting step, as a process that crashed right after storing would. */
function dropNextWake(rt: TestRuntime): { dropped: () => number } {
  const workflow = rt.procedure.deps.workflow;
  const original = workflow.succeed.bind(workflow);
  let dropped = 0;
  workflow.succeed = async (token: string, output: unknown) => {
    if (dropped === 0) {
      dropped++;
      workflow.succeed = original;
      return;
    }
    return original(token, output);
  };
  return { dropped: () => dropped };
}

/** Holds still unreleased when a test failed midway: released before the runtime stops. */
const holds: (() => void)[] = [];

/** Holds the ladder's await task (it records the new token) until released. */
function holdAwait(rt: TestRuntime): () => void {
  const original = rt.procedure.awaitAction;
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  rt.procedure.awaitAction = async (p) => {
    await gate;
    return original(p);
  };
  const done = () => {
    rt.procedure.awaitAction = original;
    release();
  };
  holds.push(done);
  return done;
}

describe('the look while the clock stands still repairs a lost wake after a resume', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await testRuntime('examples/sociaal-team-gemeente.yaml', '2026-10-29T09:00:00+01:00');
  });
  afterAll(async () => rt?.stop());

  it('far from the end: the look finds the new end; no breach before it, one after', async () => {
    const s = await submit(rt);
    await act(rt, s.id, 'ontvankelijkheid', 'behandelen');
    expect(step(await dossier(rt, s.id), 'horen').lastDay).toBe('2026-11-19');
    // Friday 30 October: stopped with twenty days of the hearing's term left.
    await rt.advance('P1D');
    expect(
      (await rt.call('POST', `/dossiers/${s.id}/actions`, { token: rt.officers.coordinator, body: suspendBody }))
        .status,
    ).toBe(200);
    await rt.advance('PT0S');
    // Tuesday 3 November: resumed, but the wake is lost. 31 October to 2 November stood still:
    // the end moves three days, to Sunday 22 November, and on through the Atw to Monday 23 November.
    await rt.advance('P4D');
    const lost = dropNextWake(rt);
    const back = await rt.call('POST', `/dossiers/${s.id}/actions`, {
      token: rt.officers.coordinator,
      body: { type: 'resume', stepId: 'horen' },
    });
    expect(back.status, back.text).toBe(200);
    expect(lost.dropped()).toBe(1);
    await rt.advance('PT0S');
    const d = await dossier(rt, s.id);
    expect(step(d, 'horen')).toMatchObject({ lastDay: '2026-11-23', suspended: false, status: 'open' });
    // The look (at most a week after the clock stopped) re-reads the dossier and waits for the new end.
    await rt.advance('P7D');
    const w = await waiting(rt, s.id);
    expect(w.pause?.token).toBe(w.view?.current?.token);
    expect(near(w.pause?.deadline, step(d, 'horen').dueAt), `${w.pause?.deadline} is the new end`).toBe(true);
    await rt.advance('P13D'); // Monday 23 November: the last day
    expect(step(await dossier(rt, s.id), 'horen').status).toBe('open');
    expect(await alarms(rt, s.reference)).toEqual([]);
    await rt.advance('P1D');
    expect(step(await dossier(rt, s.id), 'horen').status).toBe('breached');
    expect(rt.breaches.filter((b) => b.dossierId === s.id && b.stepId === 'horen')).toHaveLength(1);
  });

  it('near the end: the look comes before the new end, so the breach is not a week late', async () => {
    const s = await submit(rt);
    await act(rt, s.id, 'ontvankelijkheid', 'behandelen');
    const end = step(await dossier(rt, s.id), 'horen').lastDay;
    // Stopped with four days of the hearing's three weeks left.
    const now = new Date((await rt.call('GET', '/health')).json.now);
    const daysTo = Math.round((Date.parse(`${end}T12:00:00Z`) - now.getTime()) / 86_400_000) - 4;
    await rt.advance(`P${daysTo}D`);
    expect(
      (await rt.call('POST', `/dossiers/${s.id}/actions`, { token: rt.officers.coordinator, body: suspendBody }))
        .status,
    ).toBe(200);
    await rt.advance('PT0S');
    // The next day it runs again (nothing stood still: the end stays), and the wake is lost.
    await rt.advance('P1D');
    dropNextWake(rt);
    const back = await rt.call('POST', `/dossiers/${s.id}/actions`, {
      token: rt.officers.coordinator,
      body: { type: 'resume', stepId: 'horen' },
    });
    expect(back.status, back.text).toBe(200);
    await rt.advance('PT0S');
    const d = await dossier(rt, s.id);
    expect(step(d, 'horen')).toMatchObject({ lastDay: end, suspended: false, status: 'open' });
    // Up to the last day: open, no alarm. The day after: breached and alarmed, once.
    const last = Math.round(
      (Date.parse(`${end}T12:00:00Z`) - Date.parse((await rt.call('GET', '/health')).json.now)) / 86_400_000,
    );
    await rt.advance(`P${last}D`);
    expect(step(await dossier(rt, s.id), 'horen').status).toBe('open');
    expect(await alarms(rt, s.reference)).toEqual([]);
    await rt.advance('P1D');
    expect(step(await dossier(rt, s.id), 'horen').status, 'breached on the day after the last day').toBe('breached');
    expect(await alarms(rt, s.reference)).not.toEqual([]);
    expect(rt.breaches.filter((b) => b.dossierId === s.id && b.stepId === 'horen')).toHaveLength(1);
  });
});

/**
 * The example with an extension of the hearing's own term allowed (its document has none): an
 * extension wakes the waiting step as a suspension does, so the two can race.
 */
function withStepExtension(): string {
  const yaml = readFileSync(join(PROJECT_ROOT, 'examples', 'sociaal-team-gemeente.yaml'), 'utf8');
  const from = '          allows: { handover: true, suspension: true }\n';
  const at = yaml.indexOf(from, yaml.indexOf('- id: horen'));
  if (at < 0) throw new Error('the hearing step of examples/sociaal-team-gemeente.yaml changed');
  const to =
    '          allows: { handover: true, suspension: true, extension: { max: vier weken, assumption: "For the race test." } }\n';
  const file = join(mkdtempSync(join(tmpdir(), 'kf-wakes-')), 'regeling.yaml');
  writeFileSync(file, yaml.slice(0, at) + to + yaml.slice(at + from.length));
  return file;
}

describe('actions within milliseconds of each other: the ladder waits for the right end with the latest token', () => {
  let rt: TestRuntime;
  const regulation = withStepExtension();
  beforeEach(async () => {
    rt = await testRuntime(regulation, '2026-10-29T09:00:00+01:00');
  });
  afterEach(async () => {
    for (const release of holds.splice(0)) release();
    await rt?.stop();
  });

  /** A dossier at the hearing (found admissible on Thursday 29 October: it ends on 19 November). */
  async function atTheHearing() {
    const s = await submit(rt);
    await act(rt, s.id, 'ontvankelijkheid', 'behandelen');
    return s;
  }

  /**
   * The ladder waits with the token the dossier holds (an action wakes the wait that is there),
   * until the step's end when the clock runs, or for a look before its old end when it stands
   * still (the new end can only be later); never past the end.
   */
  async function assertWaitsForItsEnd(id: string) {
    const d = await dossier(rt, id);
    const w = await waiting(rt, id);
    expect(w.pause, 'the step waits').toBeDefined();
    expect(w.pause?.token, 'the stored token is the one the ladder waits with').toBe(w.view?.current?.token);
    const h = step(d, 'horen');
    if (!h.suspended)
      expect(near(w.pause?.deadline, h.dueAt), `waits until ${w.pause?.deadline}, the end is ${h.dueAt}`).toBe(true);
    else
      expect(
        Date.parse(w.pause?.deadline ?? ''),
        `waits until ${w.pause?.deadline}, looks before ${h.dueAt}`,
      ).toBeLessThan(Date.parse(h.dueAt));
    return d;
  }

  it('suspend then resume while the ladder is between two waits: it waits for the end, breaches once, on time', async () => {
    const s = await atTheHearing();
    await rt.advance('P18D'); // Monday 16 November; the hearing ends on Thursday 19 November
    const release = holdAwait(rt);
    const stop = await rt.call('POST', `/dossiers/${s.id}/actions`, {
      token: rt.officers.coordinator,
      body: suspendBody,
    });
    expect(stop.status, stop.text).toBe(200);
    // The ladder took the first wake and is held before it records its new token: the resume
    // reads the old one, and its wake finds that task closed.
    const back = await rt.call('POST', `/dossiers/${s.id}/actions`, {
      token: rt.officers.coordinator,
      body: { type: 'resume', stepId: 'horen' },
    });
    expect(back.status, back.text).toBe(200);
    release();
    await rt.advance('PT0S');
    const d = await assertWaitsForItsEnd(s.id);
    expect(step(d, 'horen')).toMatchObject({ lastDay: '2026-11-19', suspended: false, status: 'open' });
    await rt.advance('P3D'); // Thursday 19 November: the last day
    expect(step(await dossier(rt, s.id), 'horen').status).toBe('open');
    expect(await alarms(rt, s.reference)).toEqual([]);
    await rt.advance('P1D');
    expect(step(await dossier(rt, s.id), 'horen').status, 'breached on Friday 20 November').toBe('breached');
    expect(rt.breaches.filter((b) => b.dossierId === s.id && b.stepId === 'horen')).toHaveLength(1);
    expect((await alarms(rt, s.reference)).length).toBe(1);
  });

  it('extend then suspend, later a resume, each while the ladder is between two waits: no false breach, the latest end kept', async () => {
    const s = await atTheHearing();
    await rt.advance('P18D'); // Monday 16 November
    let release = holdAwait(rt);
    const ext = await rt.call('POST', `/dossiers/${s.id}/actions`, {
      token: rt.officers.coordinator,
      body: { type: 'extend', stepId: 'horen', term: 'een week', reason: 'De klager is ziek.' },
    });
    expect(ext.status, ext.text).toBe(200);
    const stop = await rt.call('POST', `/dossiers/${s.id}/actions`, {
      token: rt.officers.coordinator,
      body: suspendBody,
    });
    expect(stop.status, stop.text).toBe(200);
    release();
    await rt.advance('PT0S');
    let d = await assertWaitsForItsEnd(s.id);
    expect(step(d, 'horen').suspended).toBe(true);
    // Past the old end and the extended one while the clock stands still: no breach, no alarm.
    await rt.advance('P11D'); // Friday 27 November
    expect(step(await dossier(rt, s.id), 'horen').status).toBe('open');
    expect(await alarms(rt, s.reference)).toEqual([]);
    release = holdAwait(rt);
    const back = await rt.call('POST', `/dossiers/${s.id}/actions`, {
      token: rt.officers.coordinator,
      body: { type: 'resume', stepId: 'horen' },
    });
    expect(back.status, back.text).toBe(200);
    release();
    await rt.advance('PT0S');
    d = await assertWaitsForItsEnd(s.id);
    const end = step(d, 'horen');
    expect(end.suspended).toBe(false);
    // Stood still 17 to 26 November (10 days): 26 November + 10 days = Sunday 6 December, Atw: Monday 7 December.
    expect(end.lastDay).toBe('2026-12-07');
    await rt.advance('P10D'); // Monday 7 December
    expect(step(await dossier(rt, s.id), 'horen').status).toBe('open');
    await rt.advance('P1D');
    expect(step(await dossier(rt, s.id), 'horen').status).toBe('breached');
    expect(rt.breaches.filter((b) => b.dossierId === s.id && b.stepId === 'horen')).toHaveLength(1);
  });

  it('two extensions while the ladder is between two waits: no breach at the first end, the second kept', async () => {
    const s = await atTheHearing();
    await rt.advance('P18D'); // Monday 16 November
    const release = holdAwait(rt);
    for (const reason of ['De klager is ziek.', 'De medewerker is ook ziek.']) {
      const ext = await rt.call('POST', `/dossiers/${s.id}/actions`, {
        token: rt.officers.coordinator,
        body: { type: 'extend', stepId: 'horen', term: 'een week', reason },
      });
      expect(ext.status, ext.text).toBe(200);
    }
    release();
    await rt.advance('PT0S');
    expect(step(await dossier(rt, s.id), 'horen').lastDay).toBe('2026-12-03');
    // The wait may end at the first extended end (26 November): the deadline task reads the
    // dossier then and waits again; no breach, no alarm.
    await rt.advance('P11D'); // Friday 27 November
    await assertWaitsForItsEnd(s.id);
    expect(step(await dossier(rt, s.id), 'horen').status).toBe('open');
    expect(await alarms(rt, s.reference)).toEqual([]);
    await rt.advance('P6D'); // Thursday 3 December: the last day
    expect(step(await dossier(rt, s.id), 'horen').status).toBe('open');
    await rt.advance('P1D');
    expect(step(await dossier(rt, s.id), 'horen').status).toBe('breached');
    expect(rt.breaches.filter((b) => b.dossierId === s.id && b.stepId === 'horen')).toHaveLength(1);
  });

  it('two actions at the same moment: one wins, the other gets 409 and stores nothing', async () => {
    const s = await atTheHearing();
    const [a, b] = await Promise.all([
      rt.call('POST', `/dossiers/${s.id}/actions`, { token: rt.officers.coordinator, body: suspendBody }),
      rt.call('POST', `/dossiers/${s.id}/actions`, { token: rt.officers.coordinator, body: suspendBody }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    await rt.advance('PT0S');
    let d = await dossier(rt, s.id);
    expect(d.history.filter((h: any) => h.text.startsWith('Termijn stilgezet'))).toHaveLength(1);
    const [c, e] = await Promise.all(
      [0, 1].map(() =>
        rt.call('POST', `/dossiers/${s.id}/actions`, {
          token: rt.officers.coordinator,
          body: { type: 'resume', stepId: 'horen' },
        }),
      ),
    );
    expect([c?.status, e?.status].sort()).toEqual([200, 409]);
    await rt.advance('PT0S');
    d = await assertWaitsForItsEnd(s.id);
    expect(step(d, 'horen')).toMatchObject({ suspended: false, lastDay: '2026-11-19' });
    expect(d.history.filter((h: any) => h.text.startsWith('De termijn loopt weer'))).toHaveLength(1);
  });
});
