/**
 * Forwarding (doorsturen) and referring (verwijzen) are not the same (issue 16). The five seeds
 * only refer to outside bodies: SWT ("dan kunt u een schriftelijke klacht indienen bij een externe
 * klachtencommissie"), SO! ("dat je vervolgens schriftelijk voor kunt leggen aan de
 * Geschillencommissie Zorg"), the Ondersteuningsteam (the VNG's FG); OCO's committee "krijgt het
 * dossier", but it is a rung of the regulation itself. A regulation that sends the complaint on
 * (`handling: forward`) tells the complainant so in a letter of its own, not "we close your
 * dossier, you can go there", and, with `cover`, the body gets the complaint with a cover letter.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { PRESETS_DIR } from '../statemachines/load.js';
import { mailsOf, submit, walk } from './support/ladder.js';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

const COMMITTEE = 'secretariaat@klachtencommissie.example.nl';

/** SWT Dordrecht, its external committee forwarded to instead of referred to. */
function swtForwarding(): string {
  const reg = parse(readFileSync(join(PRESETS_DIR, 'swt-dordrecht.yaml'), 'utf8'));
  reg.id = 'swt-doorsturen';
  delete reg.document; // the quotes stay checked in the preset itself
  const committee = reg.referrals.find((r: any) => r.id === 'external-committee');
  committee.handling = 'forward';
  committee.cover = true;
  committee.contact = { email: COMMITTEE };
  const file = join(mkdtempSync(join(tmpdir(), 'kf-forward-')), 'swt-doorsturen.yaml');
  writeFileSync(file, stringify(reg));
  return file;
}

/** Manager's rung without a solution, then the complainant asks for the external committee. */
const TO_THE_COMMITTEE: [string, string][] = [
  ['intake', 'handled'],
  ['findings', 'not-resolved'],
  ['choice-manager', 'escalate-external-committee'],
  ['referral-info', 'referred'],
];

let rt: TestRuntime | undefined;
afterEach(async () => {
  await rt?.stop();
  rt = undefined;
});

describe('forwarding and referring', () => {
  it('forwarded: the complainant is told it was sent on, the committee gets the complaint', async () => {
    rt = await testRuntime(swtForwarding(), '2026-09-03T09:00:00+02:00');
    const s = await submit(rt, { variant: 'manager' });
    const d = await walk(rt, s.id, TO_THE_COMMITTEE);
    expect(d.status).toBe('closed');
    const mails = await mailsOf(rt, s.reference);
    const toComplainant = mails.filter((m) => m.to.includes(SANNE.complainant.email));
    const forwarded = toComplainant.find((m) =>
      m.subject.includes('Wij sturen uw klacht door naar Externe klachtencommissie'),
    );
    expect(forwarded?.text).toContain('Op uw verzoek sturen wij uw klacht');
    expect(forwarded?.text).toContain('U hoeft de klacht daar niet opnieuw in te dienen.');
    expect(forwarded?.text).not.toContain('Wij sluiten uw dossier');
    const cover = mails.find((m) => m.to.includes(COMMITTEE));
    expect(cover?.subject).toContain('Doorgestuurde klacht');
    expect(cover?.text).toContain('Aan Externe klachtencommissie,');
    expect(cover?.text).toContain(SANNE.description);
    expect(cover?.text).toContain(`naam: ${SANNE.complainant.name}`);
    expect(cover?.text).toContain('Op verzoek van de klager');
  });

  it('referred (the seed as written): the complainant submits it there; nothing goes to the body', async () => {
    rt = await testRuntime('swt-dordrecht', '2026-09-03T09:00:00+02:00');
    const s = await submit(rt, { variant: 'manager' });
    await walk(rt, s.id, TO_THE_COMMITTEE);
    const mails = await mailsOf(rt, s.reference);
    const referral = mails.find((m) => m.subject.includes('Waar u verder terecht kunt'));
    expect(referral?.text).toContain('U stuurt uw klacht daar zelf heen. Wij sturen hem niet door.');
    expect(mails.some((m) => m.subject.includes('door'))).toBe(false);
    expect(mails.some((m) => m.subject.includes('Doorgestuurde klacht'))).toBe(false);
  });
});
