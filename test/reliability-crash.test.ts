import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startProcess } from './support/process.js';
import { seeded } from './support/random.js';
import { SANNE, testRuntime } from './support/runtime.js';

// The runtime as a person starts it (`klachtflow start`), killed with SIGKILL at random moments
// while dossiers walk their ladders; afterwards every dossier must be whole (issue 9).

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function start(data: string, extra: string[] = []) {
  return startProcess(['--regulation', 'ons-welzijn', '--clock', 'manual', '--data', data, ...extra], children);
}

/** What an officer does at each step here: never a closing outcome (closing asks for the registration form). */
const NEXT: Record<string, string> = {
  admissibility: 'admissible',
  'preliminary-investigation': 'done',
  conversation: 'not-resolved',
  findings: 'sent',
  'manager-handling': 'not-resolved',
};

describe('reliability: crashes', () => {
  // 22 starts of `klachtflow start` (2.2 s each alone): 78 s in CI, over 240 s when the 2 cores
  // carried a load average of 18 (2026-12-03); the kills are counted, so the loop is bounded.
  it('SIGKILL at 20+ random moments while dossiers walk their ladders: events whole, waits hold, deadlines fire, no letter twice', {
    timeout: 600_000,
  }, async () => {
    const data = mkdtempSync(join(tmpdir(), 'kf-crash-'));
    const random = seeded(20260903);
    const complaints: { id: string; token: string }[] = [];
    let kills = 0;
    let first = true;
    const started = Date.now();
    while (kills < 20) {
      const rt = await start(data, first ? ['--now', '2026-09-03T09:00:00+02:00'] : []);
      first = false;
      const officers = JSON.parse(readFileSync(join(data, 'officers.json'), 'utf8')) as Record<string, string>;
      let dead = false;
      void rt.exited.then(() => {
        dead = true;
      });
      // Killed somewhere between 30 ms and 600 ms of work from now.
      const timer = setTimeout(() => rt.child.kill('SIGKILL'), 30 + random() * 570);
      try {
        while (!dead) {
          const r = random();
          if (complaints.length < 6 && r < 0.25) {
            const c = await rt.call('POST', '/complaints', { ...SANNE, description: `Klacht ${complaints.length}` });
            if (c.status === 201) complaints.push({ id: c.json.id, token: c.json.accessToken });
          } else if (r < 0.4) {
            await rt.call('POST', '/local/clock', {
              advance: random() < 0.4 ? 'PT0S' : random() < 0.7 ? 'P1D' : 'P4D',
            });
          } else if (complaints.length) {
            const k = complaints[Math.floor(random() * complaints.length)] as { id: string; token: string };
            const d = await rt.call('GET', `/dossiers/${k.id}`, undefined, officers.officer);
            const step = d.json?.currentStep;
            if (!step?.awaiting) continue;
            if (step.id.startsWith('choice-')) {
              await rt.call('POST', `/complaints/${k.id}/escalate`, {}, k.token);
            } else if (NEXT[step.id]) {
              const token = officers[step.assignee] ?? officers.officer;
              const outcome = NEXT[step.id] as string;
              // What the outcome's letter must contain that the officer writes (the findings, #16).
              const action = (d.json?.availableActions ?? []).find((a: any) => a.type === 'outcome');
              const contents = Object.fromEntries(
                Object.entries((action?.fields ?? {}) as Record<string, any>)
                  .filter(([f, v]) => f.startsWith('contents.') && v.requiredFor?.includes(outcome))
                  .map(([f, v]) => [f.slice('contents.'.length), v.type === 'date' ? '2026-12-01' : 'Gesproken.']),
              );
              await rt.call(
                'POST',
                `/dossiers/${k.id}/actions`,
                { type: 'outcome', stepId: step.id, outcome, ...(Object.keys(contents).length ? { contents } : {}) },
                token,
              );
            } else if (random() < 0.3) {
              await rt.call('POST', `/complaints/${k.id}/withdraw`, {}, k.token);
            }
          }
        }
      } catch {
        // The connection died with the process.
      }
      clearTimeout(timer);
      await rt.exited;
      kills++;
    }
    // One more start files a complaint and is killed once its ladder waits at the first step: a
    // dossier whose deadlines are pending across a kill, whatever the kills above left. Their
    // dossiers' deadlines all ran out or were met when the machine was fast (alone on a quiet
    // machine, 2026-12-04: all six closed, three runs of three, and the check below had nothing
    // to fire; in CI beside another file, two).
    {
      const rt = await start(data);
      const officers = JSON.parse(readFileSync(join(data, 'officers.json'), 'utf8')) as Record<string, string>;
      const c = await rt.call('POST', '/complaints', { ...SANNE, description: 'Klacht die wacht' });
      expect(c.status, c.text).toBe(201);
      await rt.call('POST', '/local/clock', { advance: 'PT0S' });
      const d = await rt.call('GET', `/dossiers/${c.json.id}`, undefined, officers.officer);
      expect(d.json?.currentStep?.awaiting, d.text).toBe(true);
      rt.child.kill('SIGKILL');
      await rt.exited;
      kills++;
    }
    const killedFor = Date.now() - started;

    // Started once more, in this process, on the same data: everything due is run.
    const saved = JSON.parse(readFileSync(join(data, 'clock.json'), 'utf8')) as { now: string };
    const rt = await testRuntime('ons-welzijn', saved.now, data);
    try {
      await rt.advance('PT0S');
      const store = (rt.procedure as any).deps.store;
      // Every dossier the store holds, also one whose submission was cut off mid-way.
      const ids: string[] = await store.receivedBetween('ons-welzijn', '2000-01-01', '2100-01-01');
      expect(ids.length).toBeGreaterThanOrEqual(complaints.length);
      expect(complaints.length).toBeGreaterThan(0);
      const pending: { id: string; deadline: string; dueAt: string }[] = [];
      for (const id of ids) {
        const events: any[] = await store.events(id);
        expect(
          events.map((e) => e.seq),
          id,
        ).toEqual(events.map((_, i) => i + 1));
        expect(events[0]?.type).toBe('received');
        const view = await store.load(id);
        if (view.status === 'open') {
          expect.soft(view.current, `${id} stands at a step: ${events.map((e) => e.type).join(', ')}`).toBeDefined();
          expect.soft(view.current?.token, `${id} waits at ${view.current?.stepId} with a token`).toBeTruthy();
          // The deadline of the step under way is on the clock; a planned one of a later step is
          // armed when that step begins (and then fires at once if its day has passed).
          // So is a whole-handling term's (ONS's two months over the officer rung, `term:`).
          for (const d of view.deadlines)
            if (d.status === 'open' && (d.stepId === view.current?.stepId || d.deadlineId.startsWith('term:')))
              pending.push({ id, deadline: d.deadlineId, dueAt: d.dueAt });
        } else {
          expect(events.filter((e) => e.type === 'closed')).toHaveLength(1);
        }
        // Every letter decided is sent, once.
        const queued = events.filter((e) => e.type === 'letter.queued').map((e) => e.data.letterId);
        const sent = events.filter((e) => e.type === 'letter.sent').map((e) => e.data.letterId);
        expect(new Set(queued).size).toBe(queued.length);
        expect.soft([...sent].sort(), `${id}: every letter sent once`).toEqual([...queued].sort());
      }
      // No letter twice in the mailbox: one mail per letter sent with an address.
      const mails = (await rt.mail()) as any[];
      for (const id of ids) {
        const view = await store.load(id);
        const ofDossier = mails.filter((m) => m.subject.includes(`[${view.reference}]`));
        const keys = ofDossier.map((m) => `${m.to.join(',')} ${m.subject} ${m.text}`);
        const dupes = keys.filter((k, i) => keys.indexOf(k) !== i);
        expect(
          dupes.map((k) => k.slice(0, 120)),
          `${view.reference}: a letter twice`,
        ).toEqual([]);
        expect.soft(ofDossier.length).toBe(view.letters.filter((l: any) => l.status === 'sent' && l.to.length).length);
      }
      // Every pending deadline fires when the clock passes it.
      expect(pending.length).toBeGreaterThan(0);
      const last = pending.map((p) => Date.parse(p.dueAt)).reduce((a, b) => Math.max(a, b));
      await rt.call('POST', '/local/clock', { body: { to: new Date(last + 3_600_000).toISOString() } });
      for (const p of pending) {
        const view = await store.load(p.id);
        const d = view.deadlines.find((x: any) => x.deadlineId === p.deadline);
        expect(`${p.id} ${p.deadline} ${d?.status}`).not.toMatch(/ open$/);
      }
      console.log(
        `crash test: ${kills} kills in ${(killedFor / 1000).toFixed(1)} s, ${ids.length} dossiers, ${pending.length} pending deadlines fired`,
      );
    } finally {
      await rt.stop();
    }
  });
});
