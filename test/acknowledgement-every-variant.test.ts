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
import { loadRegulation, PRESET_IDS } from '../statemachines/load.js';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

const runtimes: TestRuntime[] = [];
afterAll(async () => {
  for (const rt of runtimes) await rt.stop();
});

const ACK = 'Wij hebben uw klacht ontvangen';

describe('every complaint received in writing gets one written acknowledgement', () => {
  for (const preset of PRESET_IDS) {
    it(preset, async () => {
      const reg = loadRegulation(preset);
      const rt = await testRuntime(preset, '2026-09-03T09:00:00+02:00');
      runtimes.push(rt);
      const sent: { route: string; email: string; reference: string }[] = [];
      for (const [i, v] of reg.intake.variants.entries()) {
        const email = `klager${i}@example.nl`;
        const r = await rt.call('POST', '/complaints', {
          body: { ...SANNE, complainant: { ...SANNE.complainant, email }, variant: v.id, description: `Via ${v.id}.` },
        });
        expect(r.status, r.text).toBe(201);
        sent.push({ route: `form, ${v.id}`, email, reference: r.json.reference });
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
        sent.push({ route: `letter, ${informal.id}`, email, reference: r.json.reference });
      }
      await rt.advance('P7D');
      const mail = await rt.mail();
      for (const s of sent) {
        const acks = mail.filter((m) => m.to.includes(s.email) && m.subject.includes(ACK));
        expect(acks.length, `${preset} (${s.route}): acknowledgements`).toBe(1);
        expect(acks[0]?.subject).toContain(s.reference);
        expect(acks[0]?.text).toMatch(/ontvangen op \w+dag \d+ \w+ 2026/);
      }
    });
  }
});
