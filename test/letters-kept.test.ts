/**
 * What letters.ts keeps between letters (#19, session 17) says what working it out again says: a
 * letter rendered with the regulation object every earlier letter used is byte for byte the letter
 * rendered with a copy of that regulation no letter used before (so nothing of it is kept yet), by
 * letters.ts loaded afresh for each regulation (so nothing another regulation left is there either).
 * Every preset, every rung a dossier can stand at, every rung it can have entered by and every
 * role it can be about (and none, and one no regulation has), one after another, so an answer kept
 * for one of them and given for another shows.
 */
import { describe, expect, it } from 'vitest';
import { type DossierEvent, type DossierView, deriveView } from '../lambdas/domain/dossier.js';
import { renderLetter } from '../lambdas/domain/letters.js';
import { loadRegulation, PRESET_IDS } from '../statemachines/load.js';
import type { Regulation } from '../statemachines/model.js';

function received(reg: Regulation): DossierView {
  const at = '2026-09-03T07:00:00Z';
  const events = [
    {
      type: 'received',
      seq: 1,
      at,
      by: 'complainant',
      data: {
        reference: 'KL-2026-0001',
        regulationId: reg.id,
        variant: reg.intake.variants[0]?.id ?? 'standaard',
        channel: 'web',
        startRung: reg.ladder.rungs[0]?.id,
        receivedAt: at,
        complainant: { name: 'Sanne de Vries', email: 'sanne@example.nl' },
        role: 'client',
        description: 'Mijn begeleider kwam twee afspraken niet na.',
        respondent: { name: 'Joost Bakker', email: 'joost@example.nl' },
        accessTokenHash: 'x',
      },
    },
  ] as unknown as DossierEvent[];
  return deriveView('01test', events);
}

describe('letters: what is kept between letters', () => {
  it('is what a regulation never seen before gives, for every rung, entry and role the dossier names', async () => {
    let compared = 0;
    let differentContacts = 0;
    for (const id of PRESET_IDS) {
      const reg = loadRegulation(id);
      // A module instance of its own per regulation (the query makes it another module), not
      // vi.resetModules: this project runs its files in shared workers (isolate: false), and
      // emptying the module registry would make later files load the project's modules again.
      const instance = `../lambdas/domain/letters.js?fresh=${id}`;
      const afresh = ((await import(/* @vite-ignore */ instance)) as typeof import('../lambdas/domain/letters.js'))
        .renderLetter;
      expect(afresh).not.toBe(renderLetter);
      const base = received(reg);
      const rungs = [undefined, ...reg.ladder.rungs.map((r) => r.id)];
      const about = [undefined, 'geen-rol-van-deze-regeling', ...reg.roles.map((r) => r.id)];
      const contacts = new Set<string>();
      for (const aboutRole of about)
        for (const startRung of rungs)
          for (const rungId of rungs) {
            const view = {
              ...base,
              rungId: rungId as string,
              received: { ...base.received, startRung: startRung as string, aboutRole },
            } as DossierView;
            for (const [kind, audience] of [
              ['acknowledgement', 'complainant'],
              ['closure', 'complainant'],
              ['extension', 'respondent'],
            ] as const) {
              const input = { view, kind, audience, dueAt: '2026-10-15T21:59:59Z', reason: 'Een gesprek' };
              const kept = renderLetter({ reg, ...input });
              const fresh = afresh({ reg: structuredClone(reg), ...input });
              expect(kept, `${id} ${kind} ${audience} rung ${rungId} entered ${startRung} about ${aboutRole}`).toEqual(
                fresh,
              );
              compared++;
              if (kind === 'closure') contacts.add(kept.text.slice(kept.text.lastIndexOf('Vragen?')));
            }
          }
      if (contacts.size > 1) differentContacts++;
    }
    expect(compared).toBeGreaterThan(500);
    // The combinations say different things (SWT: the rung's own manager; OCO: not the coordinator
    // a complaint is about), so a kept answer given for the wrong one would show.
    expect(differentContacts).toBeGreaterThanOrEqual(2);
  });
});
