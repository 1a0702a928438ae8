import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { computeDeadline } from '../lambdas/domain/calendar/index.js';
import type { DossierView } from '../lambdas/domain/dossier.js';
import { renderLetter } from '../lambdas/domain/letters.js';
import { lintRegulation } from '../statemachines/lint.js';
import { PRESETS_DIR, parseRegulation } from '../statemachines/load.js';
import type { Regulation } from '../statemachines/model.js';

// Kinds real regulations have that the model lacked (issue 16): a collegial administrative body
// (dagelijks bestuur, college van B&W) for whom the officers sign, a care provider who works alone,
// and an extension that neither statute nor regulation caps.

/** SWT Dordrecht (Awb) as data, to change as another organisation's regulation would. */
function swt(): any {
  return parse(readFileSync(join(PRESETS_DIR, 'swt-dordrecht.yaml'), 'utf8'));
}

/** The findings letter of SWT's manager step, as the complainant reads it. */
function findingsLetter(reg: Regulation): string {
  const step = reg.ladder.rungs.flatMap((r) => r.steps).find((s) => s.id === 'findings');
  const view = {
    id: 'x',
    reference: 'KL-2026-0001',
    rungId: 'manager',
    received: {
      receivedAt: '2026-09-03T07:00:00Z',
      complainant: { name: 'Sanne de Vries' },
      description: 'Twee afspraken niet nagekomen.',
      accessTokenHash: 'x',
    },
    deadlines: [],
    letters: [],
  } as unknown as DossierView;
  return renderLetter({
    reg,
    view,
    kind: 'findings',
    audience: 'complainant',
    ...(step ? { step } : {}),
    note: 'De manager heeft met de medewerker gesproken.',
  }).text;
}

describe('model: a collegial administrative body', () => {
  it('is a kind of role, and the officers sign letters on its behalf', () => {
    const data = swt();
    data.roles.push({
      id: 'dagelijks-bestuur',
      kind: 'administrative-body',
      title: 'het dagelijks bestuur van het Sociaal Wijkteam',
      assumption: 'Test: the body that handles complaints about itself (Awb 9:1).',
    });
    const reg = parseRegulation(data);
    expect(reg.roles.find((r) => r.id === 'dagelijks-bestuur')?.kind).toBe('administrative-body');
    expect(findingsLetter(reg)).toMatch(
      /Met vriendelijke groet,\nManager van het Sociaal Wijkteam\nnamens het dagelijks bestuur van het Sociaal Wijkteam$/,
    );
  });

  it('without one, the officer signs on behalf of the organisation', () => {
    expect(findingsLetter(parseRegulation(swt()))).toMatch(
      /Met vriendelijke groet,\nManager van het Sociaal Wijkteam\nnamens Sociaal Wijkteam Dordrecht$/,
    );
  });
});

describe('model: a sole practitioner', () => {
  it('is a kind of role, and signs in their own name', () => {
    const data = swt();
    const manager = data.roles.find((r: any) => r.id === 'manager');
    manager.kind = 'sole-practitioner';
    manager.title = 'Praktijkhouder';
    manager.people = [{ name: 'Joke de Boer', email: 'joke@praktijk.example' }];
    const reg = parseRegulation(data);
    expect(findingsLetter(reg)).toMatch(/Met vriendelijke groet,\nJoke de Boer\nSociaal Wijkteam Dordrecht$/);
  });
});

describe('model: an extension without a cap', () => {
  /** SWT with its extension rule's cap left out, under `framework`. */
  function uncapped(framework: string): Regulation {
    const data = swt();
    data.organisation.legalFramework = [framework];
    const findings = data.ladder.rungs.flatMap((r: any) => r.steps).find((s: any) => s.id === 'findings');
    // SWT's extension rule now belongs to its whole-handling term (Awb 9:11); the step gets it
    // back here so that a step's rule without a cap is what this test judges.
    findings.allows = { ...(findings.allows ?? {}), extension: structuredClone(data.ladder.terms[0].extension) };
    delete findings.allows.extension.max;
    return parseRegulation(data);
  }

  it('a regulation may leave the cap out where no statute sets one', () => {
    const reg = uncapped('none');
    const findings = lintRegulation(reg).filter((f) => f.path.endsWith('allows.extension.max'));
    expect(findings).toEqual([]);
  });

  it('under the Awb or the Wkkgz, an extension without a cap is an error (at most four weeks)', () => {
    for (const [framework, article] of [
      ['awb', 'Awb 9:11'],
      ['wkkgz', 'Wkkgz art. 17'],
    ] as const) {
      const errors = lintRegulation(uncapped(framework)).filter(
        (f) => f.level === 'error' && f.path.endsWith('allows.extension.max'),
      );
      expect(errors.map((f) => f.article)).toEqual([article]);
      expect(errors[0]?.message).toContain('zonder grens');
    }
  });

  it('the deadline takes any extension when there is no cap', () => {
    const d = computeDeadline({
      anchor: { event: 'ontvangst', at: '2026-09-03' },
      term: 'zes weken',
      atw: false,
      extensions: [{ term: 'tien weken', reason: 'onderzoek', announcedAt: '2026-10-01' }],
      extensionPolicy: { announceBeforeExpiry: true, beyondMaxWithConsent: false, source: 'eigen regeling' },
    });
    expect(d.lastDay).toBe('2026-12-24');
  });
});
