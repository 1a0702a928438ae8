/**
 * An acknowledgement on an informal route names the term of the step the complainant may turn to
 * next (session 14: SO!'s klachtenfunctionaris decides "binnen vier weken" from the day she has the
 * complaint). With one rung to go on to, "Daar geldt voor …" is clear. A regulation may offer two
 * (after the talk with the mentor: the klachtenfunctionaris, or the director's judgement at once;
 * SO!'s own text says "Je kunt ook een formeel oordeel vragen aan de directeur"), and then "daar"
 * could be either: each term must say whose it is. And a term the regulation words as "binnen zes
 * weken" must not read "een termijn van binnen zes weken".
 *
 * The judge: the acknowledgement as it arrives in the local mailbox, for SO!'s preset as it is and
 * for the same regulation with the director as a second way on from the mentor.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mailsOf, submit } from './support/ladder.js';
import { type TestRuntime, testRuntime } from './support/runtime.js';

const runtimes: TestRuntime[] = [];
afterAll(async () => {
  for (const rt of runtimes) await rt.stop();
});

const START = '2026-09-03T09:00:00+02:00';
const PRESET = 'statemachines/presets/so-trainingsbureau.yaml';

async function acknowledgement(regulation: string): Promise<string> {
  const rt = await testRuntime(regulation, START);
  runtimes.push(rt);
  const s = await submit(rt);
  const ack = (await mailsOf(rt, s.reference)).find((m) => m.subject.includes('ontvangen'));
  if (!ack) throw new Error('no acknowledgement');
  return ack.text.replace(/\s+/g, ' ');
}

describe('the acknowledgement names the terms of the ways on', () => {
  it('one way on (SO! as it is): "Daar geldt" with that rung named just before it', async () => {
    const text = await acknowledgement('so-trainingsbureau');
    expect(text).toContain(
      'Dan kun je verder met je klacht bij "Bemiddeling door de klachtenfunctionaris". Daar geldt voor "Besluit of de klacht in behandeling wordt genomen" een termijn van vier weken,',
    );
  });

  it('two ways on: each term says at which rung it holds, and reads as Dutch', async () => {
    const yaml = readFileSync(PRESET, 'utf8');
    const anchor = `      escalation:
        - to: officer
          when: after-rung
          source: "Mocht het direct bespreken van je ontevredenheid of klacht bij je regiebehandelaar of mentor niet lukken, dan kun je de klachtenfunctionaris van SO! Trainingsbureau inschakelen."
`;
    expect(yaml).toContain(anchor);
    const variant = yaml
      // The regulation's document, read from where the preset has it.
      .replace(/^ {2}file: (.+)$/m, (_l, f: string) => `  file: ${resolve(dirname(PRESET), f)}`)
      .replace(
        anchor,
        `${anchor}        - to: director
          when: after-rung
          source: "Je kunt ook een formeel oordeel vragen aan de directeur."
`,
      );
    const file = join(mkdtempSync(join(tmpdir(), 'kf-onward-')), 'so-twee-wegen.yaml');
    writeFileSync(file, variant);
    const text = await acknowledgement(file);
    expect(text).toContain(
      'Dan kun je verder met je klacht bij "Bemiddeling door de klachtenfunctionaris" of "Formeel oordeel van de directeur".',
    );
    expect(text).not.toContain('Daar geldt');
    expect(text).toContain(
      'Bij "Bemiddeling door de klachtenfunctionaris" geldt voor "Besluit of de klacht in behandeling wordt genomen" een termijn van vier weken, te rekenen vanaf de dag dat je daar met je klacht komt.',
    );
    expect(text).toContain(
      'Bij "Formeel oordeel van de directeur" geldt voor "Gesprek en oordeel van de directeur" een termijn van zes weken, te rekenen vanaf de dag dat je daar met je klacht komt.',
    );
    expect(text).not.toMatch(/termijn van binnen/);
  });
});
