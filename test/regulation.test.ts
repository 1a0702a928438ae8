import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { type Finding, lintRegulation, termAtMost } from '../statemachines/lint.js';
import { loadRegulation, parseRegulation, RegulationError } from '../statemachines/load.js';

const EXAMPLE = 'examples/thuiszorg-de-linde.yaml';
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kf-regulation-'));
});

/** The example regulation as plain data, untyped on purpose: to break in one place per test. */
function example(): any {
  return parseYaml(readFileSync(EXAMPLE, 'utf8'));
}

function issuesOf(data: unknown) {
  try {
    parseRegulation(data);
  } catch (e) {
    if (e instanceof RegulationError) return e.issues;
    throw e;
  }
  return [];
}

describe('regulation: a file an organisation writes', () => {
  it('loads the example from YAML', () => {
    const reg = loadRegulation(EXAMPLE);
    expect(reg.id).toBe('thuiszorg-de-linde');
    expect(reg.organisation.closingDays).toEqual(['2026-12-24', '2026-12-31']);
  });

  it('loads the same regulation from JSON', () => {
    const file = join(dir, 'linde.json');
    writeFileSync(file, JSON.stringify(example()));
    expect(loadRegulation(file)).toEqual(loadRegulation(EXAMPLE));
  });

  it('fills defaults the file leaves out', () => {
    const reg = loadRegulation(EXAMPLE);
    const mediation = reg.ladder.rungs[0]?.steps[1];
    expect(mediation?.allows).toMatchObject({ handover: true, suspension: false });
    expect(reg.committees).toEqual([]);
  });
});

describe('regulation: errors name the field', () => {
  it('a bad e-mail address', () => {
    const data = example();
    data.organisation.senderAddress = 'geen-adres';
    expect(issuesOf(data)).toEqual([expect.objectContaining({ path: 'organisation.senderAddress' })]);
  });

  it('a term nobody can read, in Dutch', () => {
    const data = example();
    data.ladder.rungs[1].steps[0].deadline.term = 'zes fortnights';
    const issues = issuesOf(data);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('ladder.rungs[1].steps[0].deadline.term');
    expect(issues[0]?.message).toContain('"fortnights" is geen eenheid');
  });

  it('a role that does not exist', () => {
    const data = example();
    data.ladder.rungs[0].steps[1].actor = 'secretaris';
    expect(issuesOf(data)).toEqual([
      { path: 'ladder.rungs[0].steps[1].actor', message: 'Rol "secretaris" bestaat niet in "roles".' },
    ]);
  });

  it('an outcome that leads nowhere', () => {
    const data = example();
    data.ladder.rungs[0].steps[1].outcomes[1].next = 'rung:commissie';
    expect(issuesOf(data).map((i) => i.path)).toEqual(['ladder.rungs[0].steps[1].outcomes[1].next']);
  });

  it('a step without its source', () => {
    const data = example();
    delete data.ladder.rungs[0].steps[1].source;
    expect(issuesOf(data)[0]).toMatchObject({
      path: 'ladder.rungs[0].steps[1]',
      message: expect.stringContaining('Noem de bron'),
    });
  });

  it('a deadline without what happens when it passes', () => {
    const data = example();
    delete data.ladder.rungs[0].steps[1].onDeadline;
    expect(issuesOf(data).map((i) => i.path)).toEqual(['ladder.rungs[0].steps[1].onDeadline']);
  });

  it('an automatic outcome that no passing term takes', () => {
    const data = example();
    data.ladder.rungs[0].steps[1].outcomes[1].automatic = true;
    expect(issuesOf(data)).toEqual([
      expect.objectContaining({
        path: 'ladder.rungs[0].steps[1].outcomes[1].automatic',
        message: expect.stringContaining('onDeadline'),
      }),
    ]);
  });

  it('a term for the complainant to choose must be readable and cited', () => {
    const data = example();
    data.ladder.choice = { term: 'binnenkort' };
    expect(issuesOf(data).map((i) => i.path)).toEqual(['ladder.choice.term', 'ladder.choice']);
  });

  it('a file that is no YAML says where', () => {
    const file = join(dir, 'kapot.yaml');
    writeFileSync(file, 'id: x\norganisation: [\n  name: a\n');
    expect(() => loadRegulation(file)).toThrow(/geen geldige YAML \(regel \d+, kolom \d+\)/);
  });

  it('a reference that is neither preset nor file', () => {
    expect(() => loadRegulation('bestaat-niet')).toThrow(/niet gevonden: geen preset/);
  });
});

function articles(findings: Finding[], level: Finding['level'] = 'error') {
  return findings.filter((f) => f.level === level).map((f) => f.article);
}

describe('lint: Wkkgz', () => {
  it('the example passes', () => {
    expect(articles(lintRegulation(loadRegulation(EXAMPLE)))).toEqual([]);
  });

  it('a decision after eight weeks breaks art. 17', () => {
    const data = example();
    data.ladder.rungs[1].steps[0].deadline.term = 'acht weken';
    expect(articles(lintRegulation(parseRegulation(data)))).toContain('Wkkgz art. 17');
  });

  it('an extension of six weeks, or one not announced before expiry, breaks art. 17', () => {
    const data = example();
    data.ladder.rungs[1].steps[0].allows.extension.max = 'zes weken';
    data.ladder.rungs[1].steps[0].allows.extension.announceBeforeExpiry = false;
    const errors = lintRegulation(parseRegulation(data)).filter(
      (f) => f.article === 'Wkkgz art. 17' && f.level === 'error',
    );
    expect(errors.map((f) => f.path)).toEqual([
      'ladder.rungs[1].steps[0].allows.extension.max',
      'ladder.rungs[1].steps[0].allows.extension.announceBeforeExpiry',
    ]);
  });

  // Wkkgz art. 17 lid 1: the written communication says, with reasons, "tot welk oordeel het
  // onderzoek van de klacht heeft geleid, welke beslissingen de zorgaanbieder neemt naar aanleiding
  // van de klacht en binnen welke termijn maatregelen waartoe de beslissingen strekken, zullen zijn
  // gerealiseerd". A decision letter that does not ask for the measures and their date is refused.
  it('a decision letter without the measures, or without the date they are in place, breaks art. 17 lid 1', () => {
    const decision = 'ladder.rungs[1].steps[0]';
    const refused = (data: any) =>
      lintRegulation(parseRegulation(data)).filter((f) => f.article === 'Wkkgz art. 17 lid 1' && f.level === 'error');

    const none = example();
    for (const o of none.ladder.rungs[1].steps[0].outcomes) o.letter.mustContain = ['het oordeel, met redenen'];
    const errors = refused(none);
    // Well-founded needs them; unfounded takes no measures, so its letter is not held to them.
    expect(errors.map((f) => f.path)).toEqual([`${decision}.outcomes[0].letter.mustContain`]);
    expect(errors[0]?.message).toMatch(/^De schriftelijke beslissing noemt welke maatregelen/);
    expect(errors[0]?.message).toContain('welke maatregelen');
    expect(errors[0]?.message).toContain('binnen welke termijn');

    const noDate = example();
    noDate.ladder.rungs[1].steps[0].outcomes[0].letter.mustContain = ['het oordeel', 'welke maatregelen wij nemen'];
    const [late] = refused(noDate);
    expect(late?.path).toBe(`${decision}.outcomes[0].letter.mustContain`);
    expect(late?.message).toContain('binnen welke termijn');
    expect(late?.message).not.toContain('"welke maatregelen');

    // A step letter at the end is the decision letter for every outcome: held to it too.
    const stepLetter = example();
    for (const o of stepLetter.ladder.rungs[1].steps[0].outcomes) delete o.letter;
    stepLetter.ladder.rungs[1].steps[0].letter = { kind: 'decision', to: ['complainant'], when: 'end' };
    expect(refused(stepLetter).map((f) => f.path)).toEqual([`${decision}.letter.mustContain`]);
    // Not a Wkkgz regulation: not this article.
    none.organisation.legalFramework = ['wmo'];
    expect(refused(none)).toEqual([]);
  });

  // Wkkgz art. 17 lid 2: "kan de zorgaanbieder de in het eerste lid genoemde termijn met ten hoogste
  // vier weken verlengen"; lid 1 holds the six weeks. The statute a rule cites goes into every
  // deadline's explanation, so the paragraph must be the right one.
  it('the example cites the paragraphs that hold the term and its extension', () => {
    const reg = loadRegulation(EXAMPLE);
    const decision = reg.ladder.rungs[1]?.steps[0];
    expect(decision?.deadline?.statute).toBe('Wkkgz art. 17 lid 1');
    expect(decision?.allows.extension?.statute).toBe('Wkkgz art. 17 lid 2');
    expect(lintRegulation(reg).filter((f) => f.path.endsWith('.statute'))).toEqual([]);
  });

  it('an extension cited as art. 17 lid 3, or a term cited as lid 2, is named with the right paragraph', () => {
    const data = example();
    data.ladder.rungs[1].steps[0].allows.extension.statute = 'Wkkgz art. 17 lid 3';
    data.ladder.rungs[1].steps[0].deadline.statute = 'Wkkgz artikel 17 lid 2';
    const cited = lintRegulation(parseRegulation(data)).filter((f) => f.path.endsWith('.statute'));
    expect(cited.map((f) => [f.article, f.path])).toEqual([
      ['Wkkgz art. 17 lid 1', 'ladder.rungs[1].steps[0].deadline.statute'],
      ['Wkkgz art. 17 lid 2', 'ladder.rungs[1].steps[0].allows.extension.statute'],
    ]);
    expect(cited[1]?.message).toBe(
      'Verlengen staat in Wkkgz art. 17 lid 2, niet in lid 3. Pas "Wkkgz art. 17 lid 3" aan.',
    );
  });

  it('no disputes body and no complaints officer break art. 18 and art. 15', () => {
    const data = example();
    data.referrals = [];
    for (const o of data.ladder.rungs[1].steps[0].outcomes) delete o.letter.referral;
    data.roles[0].kind = 'manager';
    expect(articles(lintRegulation(parseRegulation(data)))).toEqual(
      expect.arrayContaining(['Wkkgz art. 18', 'Wkkgz art. 15']),
    );
  });
});

describe('lint: Awb chapter 9', () => {
  function awb() {
    const data = example();
    data.organisation.legalFramework = ['awb'];
    data.referrals.push({
      id: 'ombudsman',
      name: 'Nationale ombudsman',
      kind: 'ombudsman',
      when: 'daarna',
      source: 'x',
    });
    return data;
  }

  it('passes with acknowledgement, six weeks and written findings', () => {
    expect(articles(lintRegulation(parseRegulation(awb())))).toEqual([]);
  });

  it('no acknowledgement breaks 9:6', () => {
    const data = awb();
    data.ladder.rungs[0].steps.shift();
    expect(articles(lintRegulation(parseRegulation(data)))).toEqual(['Awb 9:6']);
  });

  it('grounds not to handle without a term of at most four weeks break 9:8', () => {
    const data = awb();
    data.notHandled = { grounds: [{ id: 'already-handled', text: 'al behandeld', source: 'x' }] };
    expect(articles(lintRegulation(parseRegulation(data)))).toEqual(['Awb 9:8']);
    data.notHandled.notice = { term: 'zes weken', from: 'receipt', source: 'x' };
    const f = lintRegulation(parseRegulation(data)).filter((x) => x.article === 'Awb 9:8');
    expect(f.map((x) => x.path)).toEqual(['notHandled.notice']);
    data.notHandled.notice.term = 'vier weken';
    expect(articles(lintRegulation(parseRegulation(data)))).toEqual([]);
  });

  it('ten weeks are allowed only with an advisory committee (9:11, 9:14)', () => {
    const data = awb();
    data.ladder.rungs[1].steps[0].deadline.term = 'tien weken';
    expect(articles(lintRegulation(parseRegulation(data)))).toEqual(['Awb 9:11']);
    data.roles.push({ id: 'commissie', kind: 'committee', title: 'Commissie', source: 'x' });
    data.committees = [
      { id: 'c', name: 'Adviescommissie', role: 'commissie', external: true, decides: 'advice', source: 'x' },
    ];
    expect(articles(lintRegulation(parseRegulation(data)))).toEqual([]);
  });

  it('a missing ombudsman is a warning under 9:12', () => {
    const data = example();
    data.organisation.legalFramework = ['awb'];
    expect(articles(lintRegulation(parseRegulation(data)), 'warning')).toContain('Awb 9:12');
  });
});

describe('lint: Jeugdwet', () => {
  function jeugd() {
    const data = example();
    data.organisation.legalFramework = ['jeugdwet'];
    data.roles.push({ id: 'commissie', kind: 'committee', title: 'Klachtencommissie', source: 'x' });
    data.committees = [
      {
        id: 'kc',
        name: 'Klachtencommissie',
        role: 'commissie',
        external: true,
        decides: 'binding-ruling',
        source: 'x',
        members: [
          { seat: 'chair', description: 'voorzitter', independent: true, from: 'external', source: 'x' },
          { seat: 'member', description: 'lid', from: 'external', source: 'x' },
          { seat: 'member', description: 'lid', from: 'organisation', source: 'x' },
        ],
      },
    ];
    return data;
  }

  it('a committee of three with an independent chair passes; the missing measures step warns', () => {
    const findings = lintRegulation(parseRegulation(jeugd()));
    expect(articles(findings)).toEqual([]);
    expect(articles(findings, 'warning')).toEqual(['Jeugdwet 4.2.1']);
  });

  it('two members, no independent chair, the respondent taking part: three errors', () => {
    const data = jeugd();
    data.committees[0].members = data.committees[0].members.slice(1);
    data.committees[0].respondentExcluded = false;
    const paths = lintRegulation(parseRegulation(data))
      .filter((f) => f.level === 'error')
      .map((f) => f.path);
    expect(paths).toEqual(['committees[0].members', 'committees[0].members', 'committees[0].respondentExcluded']);
  });

  it('no term for the judgement is an error', () => {
    const data = jeugd();
    delete data.ladder.rungs[1].steps[0].deadline;
    delete data.ladder.rungs[1].steps[0].onDeadline;
    expect(articles(lintRegulation(parseRegulation(data)))).toContain('Jeugdwet 4.2.1');
  });
});

describe('lint: comparing terms', () => {
  it.each([
    ['vier weken', 'vier weken', true],
    ['een maand', 'vier weken', false],
    ['15 werkdagen', 'vier weken', true],
    // 20 working days are four weeks only when no holiday falls in them: around Easter they are longer.
    ['20 werkdagen', 'vier weken', false],
    ['zes weken', 'vier weken', false],
    ['28 dagen', 'vier weken', true],
  ])('%s at most %s: %s', (a, b, expected) => {
    expect(termAtMost(a, b)).toBe(expected);
  });
});
