/**
 * A complaint received in writing is acknowledged in writing, whatever route it takes next.
 *
 * Awb 9:6: "Het bestuursorgaan bevestigt de ontvangst van het klaagschrift schriftelijk." Found in
 * the review of session 11: Ondersteuningsteam's "contactpersoon" and SWT Dordrecht's "medewerker"
 * (both under the Awb) start on an informal rung without an acknowledgement step, so a complaint
 * sent with the form to that route got no letter at all; and SO! Trainingsbureau (Jeugdwet) sent
 * none on either of its routes, so a parent who sent the form had no e-mail confirming it
 * (PEOPLE.md: "confirm by e-mail"), and the link to follow it only on the page they had left.
 *
 * The judge: the local mailbox. For each preset, a complaint through every variant the form offers
 * (the form sends `POST /complaints`), and one written to an Awb regulation's informal route as a
 * letter an officer records; a week with nobody acting. Each must have exactly one acknowledgement
 * to the complainant (never two: a route that acknowledges by itself keeps doing so alone), with
 * the day of receipt and the reference.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { dueLine } from '../lambdas/domain/letters.js';
import { rungAcknowledges } from '../statemachines/ladder.js';
import { loadRegulation, PRESET_IDS } from '../statemachines/load.js';
import { act, dossier, escalate, mailsOf, submit } from './support/ladder.js';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

const runtimes: TestRuntime[] = [];
afterAll(async () => {
  for (const rt of runtimes) await rt.stop();
});

// In the regulation's form of address (Ondersteuningsteam and SO! Trainingsbureau say "je").
const ACK = /Wij hebben (uw|je) klacht ontvangen/;

describe('every complaint received in writing gets one written acknowledgement', () => {
  for (const preset of PRESET_IDS) {
    it(preset, async () => {
      const reg = loadRegulation(preset);
      const rt = await testRuntime(preset, '2026-09-03T09:00:00+02:00');
      runtimes.push(rt);
      const sent: { route: string; email: string; reference: string; id: string }[] = [];
      for (const [i, v] of reg.intake.variants.entries()) {
        const email = `klager${i}@example.nl`;
        const r = await rt.call('POST', '/complaints', {
          body: { ...SANNE, complainant: { ...SANNE.complainant, email }, variant: v.id, description: `Via ${v.id}.` },
        });
        expect(r.status, r.text).toBe(201);
        sent.push({ route: `form, ${v.id}`, email, reference: r.json.reference, id: r.json.id });
      }
      // A letter taken in by an employee on the informal route (Awb 9:6 holds for every klaagschrift).
      const informal = reg.intake.variants.find(
        (v) => reg.ladder.rungs.find((x) => x.id === v.startsAt)?.kind === 'informal',
      );
      if (informal && reg.organisation.legalFramework.includes('awb')) {
        const email = 'perbrief@example.nl';
        const r = await rt.call('POST', '/dossiers', {
          token: Object.values(rt.officers)[0],
          body: {
            ...SANNE,
            complainant: { ...SANNE.complainant, email },
            variant: informal.id,
            channel: 'letter',
            receivedAt: '2026-09-02T10:00:00+02:00',
          },
        });
        expect(r.status, r.text).toBe(201);
        sent.push({ route: `letter, ${informal.id}`, email, reference: r.json.reference, id: r.json.id });
      }
      await rt.advance('P7D');
      const mail = await rt.mail();
      for (const s of sent) {
        const acks = mail.filter((m) => m.to.includes(s.email) && ACK.test(m.subject));
        expect(acks.length, `${preset} (${s.route}): acknowledgements`).toBe(1);
        expect(acks[0]?.subject).toContain(s.reference);
        expect(acks[0]?.text).toMatch(/ontvangen op \w+dag \d+ \w+ 2026/);
        // And what happens next, by when (PEOPLE.md): the dates, or the step at hand with no fixed
        // term and where to go on (SO!'s mentor, the informal routes: no term of their own).
        expect
          .soft(acks[0]?.text, `${preset} (${s.route}): what comes next`)
          .toMatch(/Wat gebeurt er nu, en wanneer:\n- |Wat gebeurt er nu\? De stap "[^"]+" is nu aan de beurt\./);
        // A day the letter gives is the day the dossier holds once that step's term runs (OCO: the
        // conversation two weeks after the acknowledgement, told before the dossier sets it).
        const held = (await dossier(rt, s.id)).deadlines as { title: string; dueAt: string }[];
        const said = (acks[0]?.text ?? '').split('\n').filter((l) => l.startsWith('- Uiterlijk '));
        for (const d of held) {
          const line = `- ${dueLine(d.title, d.dueAt)}`;
          const what = line.slice(line.indexOf(': "'));
          const told = said.find((l) => l.endsWith(what));
          if (told) expect.soft(told, `${preset} (${s.route})`).toBe(line);
        }
      }
    });
  }
});

/**
 * A complaint acknowledged as it started (above) that goes on to a rung with an acknowledgement
 * step of its own (Ondersteuningsteam: "Als je er samen niet uitkomt kan je jouw klacht indienen
 * bij de klachtenbehandelaar"; SWT Dordrecht: the employee, then the manager) is not acknowledged
 * a second time as if it were new (seen after c41a5f4: two letters "Wij hebben uw klacht
 * ontvangen"). The rung's own letter says where the complaint now is, the day it was received and
 * what comes next, by when (Awb 9:6 is met once; Awb 9:11's term is told at the rung it runs over).
 */
describe('a complaint that goes on from an informal start is acknowledged once', () => {
  const climbs = PRESET_IDS.flatMap((preset) => {
    const reg = loadRegulation(preset);
    return reg.intake.variants.flatMap((v) => {
      const start = reg.ladder.rungs.find((r) => r.id === v.startsAt);
      if (!start || rungAcknowledges(reg, start.id)) return [];
      const to = start.escalation.map((e) => e.to).find((id) => rungAcknowledges(reg, id));
      return to ? [{ preset, variant: v.id, start: start.id, to }] : [];
    });
  });

  it('the presets hold such a climb', () => {
    expect(climbs.map((c) => c.preset)).toEqual(expect.arrayContaining(['ondersteuningsteam', 'swt-dordrecht']));
  });

  it.each(climbs)('$preset: $variant, from $start to $to', async ({ preset, variant, start, to }) => {
    const reg = loadRegulation(preset);
    const rt = await testRuntime(preset, '2026-09-03T09:00:00+02:00');
    runtimes.push(rt);
    const s = await submit(rt, { variant });
    // The start rung's steps, each ended the way that leads to the complainant's choice.
    for (let i = 0; i < 10; i++) {
      const d = await dossier(rt, s.id);
      const at = d.currentStep?.id as string | undefined;
      if (!at || at.startsWith('choice-')) break;
      const step = reg.ladder.rungs.find((r) => r.id === start)?.steps.find((x) => x.id === at);
      const outcome = step?.outcomes.find((o) => o.next === 'choice') ?? step?.outcomes.find((o) => o.next === 'next');
      expect(outcome, `${preset}: no way on from ${at}`).toBeDefined();
      await act(rt, s.id, at, outcome?.id ?? '');
    }
    await escalate(rt, s, to);
    await rt.advance('PT1H');
    const mine = (await mailsOf(rt, s.reference)).filter((m) => m.to.includes(SANNE.complainant.email));
    const acks = mine.filter((m) => ACK.test(m.subject));
    expect(acks.length, mine.map((m) => m.subject).join(' | ')).toBe(1);
    const rung = reg.ladder.rungs.find((r) => r.id === to);
    const onward = mine.filter(
      (m) =>
        m.text.includes(`Uw klacht is nu bij "${rung?.title}"`) ||
        m.text.includes(`Je klacht is nu bij "${rung?.title}"`),
    );
    expect(onward.length, mine.map((m) => m.subject).join(' | ')).toBe(1);
    expect(onward[0]?.text).toMatch(/ontvangen op \w+dag \d+ \w+ 2026/);
    expect(onward[0]?.text).toContain('Wat gebeurt er nu, en wanneer:');
  });
});
