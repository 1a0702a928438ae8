/**
 * The form promises only the e-mail that comes. Its e-mail field said "Dan krijgt u de bevestiging
 * en de brieven per e-mail." on every preset; seen in the review of session 11 as a parent sending
 * a complaint to SO! Trainingsbureau: nothing came (its regulation has no acknowledgement), so the
 * parent waited for a confirmation, with the link to follow the complaint only on the page they
 * had just left.
 *
 * The judge: the local mailbox. For each preset, a complaint through each variant the form offers,
 * with an e-mail address; whether a letter reaches that address within a week while nobody acts.
 * The form may promise "de bevestiging" only when every variant's complaint got one.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadRegulation, PRESET_IDS } from '../statemachines/load.js';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

const runtimes: TestRuntime[] = [];
afterAll(async () => {
  for (const rt of runtimes) await rt.stop();
});

describe('the form promises a confirmation by e-mail only where one comes', () => {
  for (const preset of PRESET_IDS) {
    it(preset, async () => {
      const reg = loadRegulation(preset);
      const rt = await testRuntime(preset, '2026-09-03T09:00:00+02:00');
      runtimes.push(rt);
      const confirmed: boolean[] = [];
      for (const [i, v] of reg.intake.variants.entries()) {
        const email = `ouder${i}@example.nl`;
        const r = await rt.call('POST', '/complaints', {
          body: {
            ...SANNE,
            complainant: { ...SANNE.complainant, email },
            variant: v.id,
            description: `Via ${v.id}.`,
          },
        });
        expect(r.status, r.text).toBe(201);
        // A week, nobody acting: OCO Almere acknowledges "straight after 3 working days" when no
        // contact came first; the others at once.
        await rt.advance('P7D');
        confirmed.push((await rt.mail()).some((m) => m.to.includes(email)));
      }
      const form = await (await fetch(`${rt.url}/klacht-indienen`)).text();
      const hint = /id="email-hint"[^>]*>([^<]*)</.exec(form)?.[1] ?? '';
      expect(hint, 'the e-mail field says what comes by e-mail').not.toBe('');
      expect(/bevestiging/.test(hint), `${hint} (confirmed per variant: ${confirmed.join(', ')})`).toBe(
        confirmed.every(Boolean),
      );
    });
  }
});
