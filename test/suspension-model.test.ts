import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { computeDeadline } from '../lambdas/domain/calendar/deadline.js';
import { loadRegulation, PRESET_IDS, parseRegulation, RegulationError } from '../statemachines/load.js';

// Stopping the clock as a regulation writes it (ladder.suspension), and the calendar's counting.

const AWB_EXAMPLE = 'examples/sociaal-team-gemeente.yaml';

function data(file: string): any {
  return parseYaml(readFileSync(file, 'utf8'));
}

function issuesOf(value: unknown): { path: string; message: string }[] {
  try {
    parseRegulation(value);
  } catch (e) {
    if (e instanceof RegulationError) return e.issues as never;
    throw e;
  }
  return [];
}

describe('model: where the clock may stop, and why', () => {
  it('the example names two grounds; every preset says whether it stops the clock', () => {
    const reg = loadRegulation(AWB_EXAMPLE);
    expect(reg.ladder.suspension?.grounds.map((g) => [g.id, g.on, g.complainantConsent])).toEqual([
      ['aanvulling', 'missing-information', false],
      ['bemiddeling', 'officer', true],
    ]);
    for (const id of PRESET_IDS) {
      const s = loadRegulation(id).ladder.suspension;
      expect(s, id).toBeDefined();
      // An empty list says why in its assumption; a ground says where it comes from.
      expect(s?.source ?? s?.assumption, id).toBeTruthy();
      for (const g of s?.grounds ?? []) expect(g.source ?? g.assumption, `${id} ${g.id}`).toBeTruthy();
    }
    expect(loadRegulation('swt-dordrecht').ladder.suspension?.grounds[0]?.statute).toContain('Awb 4:15');
  });

  it('an older regulation without ladder.suspension is still valid', () => {
    const d = data(AWB_EXAMPLE);
    delete d.ladder.suspension;
    for (const rung of d.ladder.rungs) for (const step of rung.steps) if (step.allows) delete step.allows.suspension;
    expect(issuesOf(d)).toEqual([]);
  });

  it('refuses a ground on a step that does not allow it, a ground without source, a step with no ground, an unknown term', () => {
    const d = data(AWB_EXAMPLE);
    d.ladder.suspension.grounds[1].steps = ['horen', 'bevindingen'];
    delete d.ladder.suspension.grounds[0].source;
    d.ladder.suspension.grounds[0].suspends.terms = ['nergens'];
    const issues = issuesOf(d);
    expect(issues).toContainEqual(
      expect.objectContaining({
        path: 'ladder.suspension.grounds[1].steps[1]',
        message: expect.stringContaining('Stap "bevindingen" staat geen opschorting toe'),
      }),
    );
    expect(issues).toContainEqual(
      expect.objectContaining({
        path: 'ladder.suspension.grounds[0]',
        message: expect.stringContaining('Noem de bron'),
      }),
    );
    expect(issues).toContainEqual(expect.objectContaining({ path: 'ladder.suspension.grounds[0].suspends.terms[0]' }));
    const none = data(AWB_EXAMPLE);
    delete none.ladder.suspension;
    expect(issuesOf(none)).toContainEqual(
      expect.objectContaining({
        path: 'ladder.rungs[0].steps[1].allows.suspension',
        message: expect.stringContaining('noemt geen grond'),
      }),
    );
  });
});

describe('calendar: a clock that stops near the end keeps the time that was left', () => {
  it('two weeks stopped with two days left end two days after the clock runs again (then the Atw)', () => {
    // Six weeks from Thursday 29 October 2026 end on Thursday 10 December; stopped from 9 December
    // (two days left: the 9th and the 10th) until 4 January 2027: 26 days added, Tuesday 5 January.
    const d = computeDeadline({
      anchor: { event: 'ontvangst', at: '2026-10-29' },
      term: 'zes weken',
      atw: true,
      suspensions: [{ from: '2026-12-09', until: '2027-01-04', reason: 'bemiddeling' }],
    });
    expect(d.lastDay).toBe('2027-01-05');
  });

  it('a clock still standing adds nothing yet and says so', () => {
    const d = computeDeadline({
      anchor: { event: 'ontvangst', at: '2026-10-29' },
      term: 'zes weken',
      atw: true,
      suspensions: [{ from: '2026-11-10', reason: 'bemiddeling' }],
    });
    expect(d.lastDay).toBe('2026-12-10');
    expect(d.explanation.text).toContain(
      'opgeschort sinds dinsdag 10 november 2026 (bemiddeling): de termijn staat stil',
    );
  });

  it('a suspension after an extended end still counts: the days run inside the extended term', () => {
    const d = computeDeadline({
      anchor: { event: 'ontvangst', at: '2026-10-29' },
      term: 'zes weken',
      atw: true,
      extensions: [{ term: 'vier weken', reason: 'drukte' }],
      suspensions: [{ from: '2026-12-14', until: '2026-12-21', reason: 'bemiddeling' }],
    });
    // 10 December + 4 weeks = 7 January 2027; 7 days stood still (14 to 20 December): 14 January.
    expect(d.lastDay).toBe('2027-01-14');
  });
});
