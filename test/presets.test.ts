import { describe, expect, it } from 'vitest';
import { lintPasses, lintRegulation } from '../statemachines/lint.js';
import { loadRegulation, PRESET_IDS } from '../statemachines/load.js';
import { citationsOf, documentOf, normaliseForQuote, unfoundCitations } from '../statemachines/provenance.js';

/** Terms as Dutch regulations write them: "drie werkdagen", "binnen twee weken", "een jaar". */
const TERM_IN_TEXT =
  /\b(\d+|een|één|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|twaalf)\s+(werkdagen|werkdag|dagen|dag|weken|week|maanden|maand|jaar)\b/gi;

describe.each(PRESET_IDS)('preset %s', (id) => {
  const reg = loadRegulation(id);
  const doc = documentOf(reg);

  it('loads and validates, under its own id', () => {
    expect(reg.id).toBe(id);
    expect(reg.ladder.rungs.length).toBeGreaterThan(0);
  });

  it('names its document, and every quote is in it', () => {
    expect(doc, 'the document file exists').toBeDefined();
    expect(unfoundCitations(reg, doc ?? '')).toEqual([]);
  });

  it('cites every step, outcome and deadline', () => {
    for (const rung of reg.ladder.rungs) {
      for (const step of rung.steps) {
        expect(step.source ?? step.assumption, `${step.id}`).toBeTruthy();
        if (step.deadline) expect(step.deadline.source ?? step.deadline.assumption, `${step.id} deadline`).toBeTruthy();
        for (const o of step.outcomes) expect(o.source ?? o.assumption, `${step.id}.${o.id}`).toBeTruthy();
      }
    }
  });

  it('drops no term the document writes: each is inside a cited sentence', () => {
    const text = normaliseForQuote(doc ?? '');
    const cited = citationsOf(reg).map((c) => normaliseForQuote(c.quote));
    const ranges = cited.flatMap((q) => {
      const out: [number, number][] = [];
      for (let at = text.indexOf(q); at >= 0; at = text.indexOf(q, at + 1)) out.push([at, at + q.length]);
      return out;
    });
    const uncovered = [...text.matchAll(TERM_IN_TEXT)]
      .filter((m) => !ranges.some(([a, b]) => (m.index ?? 0) >= a && (m.index ?? 0) < b))
      .map((m) => text.slice(Math.max(0, (m.index ?? 0) - 40), (m.index ?? 0) + 40));
    expect(uncovered).toEqual([]);
  });

  it('drops no e-mail address or phone number of the document', () => {
    const all = JSON.stringify(reg)
      .toLowerCase()
      .replace(/[\s.-]/g, '');
    const emails = (doc ?? '').match(/[\w.+-]+@[\w-]+\.[\w.]+\w/g) ?? [];
    const phones = (doc ?? '').match(/\b0\d[\d .-]{7,12}\d\b/g) ?? [];
    for (const x of [...emails, ...phones]) expect(all, x).toContain(x.toLowerCase().replace(/[\s.-]/g, ''));
  });

  it('passes its statutory lint', () => {
    const findings = lintRegulation(reg);
    expect(findings.filter((f) => f.level === 'error')).toEqual([]);
    expect(lintPasses(findings)).toBe(true);
  });

  it('every letter recipient and deadline anchor makes sense', () => {
    for (const rung of reg.ladder.rungs) {
      for (const step of rung.steps) {
        if (step.deadline?.from === 'acknowledgement') {
          const acknowledges = reg.ladder.rungs.some((r) => r.steps.some((s) => s.letter?.kind === 'acknowledgement'));
          expect(acknowledges, `${step.id} counts from an acknowledgement that is sent`).toBe(true);
        }
      }
    }
  });
});

describe('presets: what each seed is known for', () => {
  it('Ondersteuningsteam: 6 months after last contact, for partners after the event; the VNG data protection officer', () => {
    const reg = loadRegulation('ondersteuningsteam');
    const byAnchor = Object.fromEntries(reg.eligibility.window.map((w) => [w.anchor, w]));
    expect(byAnchor['last-contact']?.term).toMatch(/zes maanden/);
    expect(byAnchor.incident?.roles).toEqual(['partner-organisation']);
    expect(reg.referrals.find((r) => r.kind === 'data-protection-officer')?.contact.email).toBe('FG@vng.nl');
  });

  it('ONS welzijn: a week, two weeks, three weeks, two months; the appeal ladder; the registration form', () => {
    const reg = loadRegulation('ons-welzijn');
    const officer = reg.ladder.rungs[0];
    expect(officer?.steps.map((s) => s.deadline?.term).filter(Boolean)).toEqual([
      'binnen een week',
      'binnen twee weken',
      'binnen drie weken',
    ]);
    // The two months run over the officer's whole handling, from receipt: a term for the rung.
    expect(reg.ladder.terms).toEqual([
      expect.objectContaining({
        term: 'binnen twee maanden',
        from: 'receipt',
        span: { rung: 'officer' },
        kind: 'target',
      }),
    ]);
    expect(reg.ladder.rungs.map((r) => r.kind)).toEqual(['officer', 'manager', 'director', 'committee']);
    expect(reg.registration?.questions.length).toBeGreaterThanOrEqual(7);
    expect(reg.reporting.period).toBe('yearly');
    expect(reg.reporting.dimensions.map((d) => d.id)).toEqual(expect.arrayContaining(['municipality', 'department']));
  });

  it('SWT Dordrecht: three intake variants, the e-mail one requiring name, address and description', () => {
    const reg = loadRegulation('swt-dordrecht');
    expect(reg.intake.variants).toHaveLength(3);
    const email = reg.intake.variants.find((v) => v.channels.includes('email'));
    expect(email?.requiredFields).toEqual(expect.arrayContaining(['name', 'address', 'description']));
    expect(email?.contact?.email).toBe('klacht@swtdordrecht.nl');
    expect(reg.referrals.map((r) => r.kind)).toEqual(expect.arrayContaining(['confidential-adviser']));
  });

  it('OCO Almere: three working days, automatic acknowledgement, a committee of three, the coordinator conflict', () => {
    const reg = loadRegulation('oco-almere');
    const contact = reg.ladder.rungs[0]?.steps[0];
    expect(contact?.deadline?.term).toBe('drie werkdagen');
    expect(contact?.onDeadline).toMatchObject({ action: 'proceed', outcome: 'no-contact' });
    const committee = reg.committees[0];
    expect(committee?.members).toHaveLength(3);
    expect(committee?.members.find((m) => m.seat === 'chair')?.independent).toBe(true);
    expect(committee?.decides).toBe('binding-ruling');
    expect(reg.conflictOfInterest.find((c) => c.role === 'coordinator')?.routeTo).toBe('coordinator-manager');
    expect(reg.reporting.period).toBe('half-yearly');
  });

  it('SO! Trainingsbureau: children from 12, one year, four weeks notice, six weeks for the director, withdrawal any time', () => {
    const reg = loadRegulation('so-trainingsbureau');
    expect(reg.eligibility.minimumAgeAlone?.age).toBe(12);
    expect(reg.eligibility.window[0]?.term).toMatch(/een jaar/);
    expect(reg.notHandled.grounds.map((g) => g.id).sort()).toEqual([
      'already-handled',
      'criminal-procedure',
      'outside-window',
    ]);
    expect(reg.notHandled.notice?.term).toMatch(/vier weken/);
    const director = reg.ladder.rungs.find((r) => r.kind === 'director');
    expect(director?.entry.written).toBe(true);
    expect(director?.steps[0]?.deadline?.term).toMatch(/zes weken/);
    expect(reg.withdrawal.anyTime).toBe(true);
    expect(reg.organisation.legalFramework).toEqual(['jeugdwet']);
  });
});

describe('provenance: the quote check can fail', () => {
  it('reports a quote the document does not contain, with its path', () => {
    const reg = loadRegulation('oco-almere');
    const doc = documentOf(reg) ?? '';
    const step = reg.ladder.rungs[0]?.steps[0];
    if (!step) throw new Error('fixture');
    step.source = 'Dit gebeurt maximaal vijf werkdagen na ontvangst van de klacht.';
    const unfound = unfoundCitations(reg, doc);
    expect(unfound.map((c) => c.path)).toEqual(['ladder.rungs[0].steps[0].source']);
    expect(lintPasses(lintRegulation(reg, doc))).toBe(false);
  });
});
