import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { type Finding, lintRegulation } from '../statemachines/lint.js';
import { loadRegulation, parseRegulation, RegulationError } from '../statemachines/load.js';
import { stepsInSpan, termsOfStep } from '../statemachines/model.js';
import { lindeWithTerm } from './support/terms.js';

// The term for the handling as a whole (Awb 9:11, Wkkgz art. 17): how a regulation writes it, and
// what the lint says when the six weeks sit on one step or leave steps outside.

const AWB_EXAMPLE = 'examples/sociaal-team-gemeente.yaml';
const WKKGZ_EXAMPLE = 'examples/thuiszorg-de-linde.yaml';

function data(file: string): any {
  return parseYaml(readFileSync(file, 'utf8'));
}

function issuesOf(value: unknown) {
  try {
    parseRegulation(value);
  } catch (e) {
    if (e instanceof RegulationError) return e.issues;
    throw e;
  }
  return [];
}

function of(findings: Finding[], article: string, level: Finding['level']) {
  return findings.filter((f) => f.article === article && f.level === level);
}

describe('model: a term for the whole handling', () => {
  it('the Awb example writes its six weeks once, over the whole rung', () => {
    const reg = loadRegulation(AWB_EXAMPLE);
    const [term] = reg.ladder.terms;
    expect(term).toMatchObject({ id: 'afhandeling', term: 'zes weken', from: 'receipt', statute: 'Awb 9:11 lid 1' });
    expect(stepsInSpan(reg, term ?? { span: {} })).toEqual([
      'ontvangst',
      'ontvankelijkheid',
      'horen',
      'onderzoek',
      'bevindingen',
    ]);
    expect(termsOfStep(reg, 'horen').map((t) => t.id)).toEqual(['afhandeling']);
  });

  it('a span from one step to another runs across rungs, in ladder order', () => {
    const reg = parseRegulation(lindeWithTerm());
    expect(stepsInSpan(reg, reg.ladder.terms[0] ?? { span: {} })).toEqual(['acknowledge', 'mediation', 'decision']);
  });

  it('a span that does not exist, runs backwards, or names both a rung and steps: Dutch, with the field', () => {
    const d = lindeWithTerm();
    d.ladder.terms[0].span = { from: 'decision', to: 'mediation' };
    expect(issuesOf(d)).toEqual([
      expect.objectContaining({ path: 'ladder.terms[0].span.to', message: expect.stringContaining('draai ze om') }),
    ]);
    d.ladder.terms[0].span = { rung: 'nergens' };
    expect(issuesOf(d)).toEqual([
      expect.objectContaining({ path: 'ladder.terms[0].span.rung', message: 'Trede "nergens" bestaat niet.' }),
    ]);
    d.ladder.terms[0].span = { rung: 'officer', from: 'mediation', to: 'decision' };
    expect(issuesOf(d)[0]).toMatchObject({
      path: 'ladder.terms[0].span',
      message: expect.stringContaining('niet allebei'),
    });
    d.ladder.terms[0].span = { from: 'mediation' };
    expect(issuesOf(d)[0]).toMatchObject({
      path: 'ladder.terms[0].span',
      message: expect.stringContaining('Zeg over'),
    });
  });

  it('a term named like a step, or an extension by a role that does not exist, is refused', () => {
    const d = lindeWithTerm();
    d.ladder.terms[0].id = 'mediation';
    d.ladder.terms[0].extension.by = ['officer', 'receptie'];
    expect(issuesOf(d).map((i: { path: string }) => i.path)).toEqual([
      'ladder.terms[0].id',
      'ladder.terms[0].extension.by[1]',
    ]);
  });
});

describe('lint: which statutes set a term for the whole handling', () => {
  it('the Awb example passes without errors or warnings about 9:11', () => {
    const findings = lintRegulation(loadRegulation(AWB_EXAMPLE));
    expect(findings.filter((f) => f.level !== 'note')).toEqual([]);
  });

  it('six weeks on the decision step (as de Linde writes it): Wkkgz art. 17 names the step left outside', () => {
    const findings = lintRegulation(loadRegulation(WKKGZ_EXAMPLE));
    expect(of(findings, 'Wkkgz art. 17', 'error')).toEqual([]);
    const [warning] = of(findings, 'Wkkgz art. 17', 'warning');
    expect(warning?.path).toBe('ladder.rungs[1].steps[0].deadline');
    expect(warning?.message).toContain('"Bemiddeling"');
    expect(warning?.message).toContain('ladder.terms');
  });

  it('the same six weeks as a term over both rungs: no warning', () => {
    const findings = lintRegulation(parseRegulation(lindeWithTerm()));
    expect(findings.filter((f) => f.level !== 'note')).toEqual([]);
  });

  it('a term that starts at the last step leaves the earlier ones outside: a warning naming them', () => {
    const d = data(AWB_EXAMPLE);
    d.ladder.terms[0].span = { from: 'onderzoek', to: 'bevindingen' };
    const [warning] = of(lintRegulation(parseRegulation(d)), 'Awb 9:11', 'warning');
    expect(warning?.path).toBe('ladder.terms[0].span');
    expect(warning?.message).toContain('"Wordt de klacht behandeld?", "De klager en de beklaagde horen"');
  });

  it('eight weeks, or an extension of six weeks not announced before the end, break Awb 9:11', () => {
    const d = data(AWB_EXAMPLE);
    d.ladder.terms[0].extension.max = 'zes weken';
    d.ladder.terms[0].extension.announceBeforeExpiry = false;
    expect(of(lintRegulation(parseRegulation(d)), 'Awb 9:11', 'error').map((f) => f.path)).toEqual([
      'ladder.terms[0].extension.max',
      'ladder.terms[0].extension.announceBeforeExpiry',
    ]);
    d.ladder.terms[0].term = 'acht weken';
    expect(of(lintRegulation(parseRegulation(d)), 'Awb 9:11', 'error').map((f) => f.path)).toContain('ladder');
  });

  it('a target term does not keep a statute', () => {
    const d = lindeWithTerm();
    d.ladder.terms[0].kind = 'target';
    expect(of(lintRegulation(parseRegulation(d)), 'Wkkgz art. 17', 'error')).toHaveLength(1);
  });

  it('steps inside a term are watched: no "waits without a term" warning for them', () => {
    const findings = lintRegulation(loadRegulation(AWB_EXAMPLE));
    // klachtflow's notes (how each mustContain item is written, #16) are no warnings.
    expect(findings.filter((f) => f.article === 'klachtflow' && f.level !== 'note')).toEqual([]);
  });

  it('the presets converted: no Awb 9:11 warning left in Ondersteuningsteam and SWT Dordrecht', () => {
    for (const id of ['ondersteuningsteam', 'swt-dordrecht', 'ons-welzijn']) {
      const findings = lintRegulation(loadRegulation(id));
      expect(
        findings.filter((f) => f.article === 'Awb 9:11'),
        id,
      ).toEqual([]);
    }
  });
});
