import { readFileSync } from 'node:fs';
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { aslFile, ladderSvgFile } from '../statemachines/asl.js';
import { type AslDocument, compileRegulation, renderAsl, SUBSTITUTIONS } from '../statemachines/compile.js';
import { loadRegulation, PRESET_IDS } from '../statemachines/load.js';

type State = Record<string, any>;

/** States a path enters, following the outcomes given at each route (what AWS bills per transition). */
function pathLength(doc: AslDocument, input: Record<string, unknown>, outcomes: string[]): number {
  let name: string | undefined = doc.StartAt;
  let count = 0;
  const queue = [...outcomes];
  let result: string | undefined;
  while (name) {
    const s: State = doc.States[name] as State;
    count++;
    if (s.End) break;
    if (s.Type === 'Choice') {
      const value = name === doc.StartAt ? input : { result: { outcome: result } };
      const hit = s.Choices.find((c: any) => {
        const v =
          c.Variable === '$.startRung'
            ? (value as any).startRung
            : c.Variable === '$.resumeAt'
              ? (value as any).resumeAt
              : (value as any).result?.outcome;
        return v === c.StringEquals;
      });
      name = hit ? hit.Next : s.Default;
      continue;
    }
    if (s.Type === 'Task' && String(s.Resource).endsWith('.waitForTaskToken')) result = queue.shift();
    if (s.Type === 'Task' && s.ResultPath === '$.result' && !String(s.Resource).endsWith('.waitForTaskToken'))
      result = queue.shift();
    name = s.Next;
  }
  return count;
}

/** Fewest and most states a dossier can pass through when people act in time (no re-alarms). */
function extremes(doc: AslDocument): { shortest: number; longest: number } {
  const edges = (name: string): string[] => {
    const s: State = doc.States[name] as State;
    if (!s || s.End || s.Type === 'Fail' || s.Type === 'Succeed') return [];
    const out: string[] = [];
    if (s.Type === 'Choice') {
      // A new dossier enters at its intake variant's rung; resumes are continuations, not paths.
      for (const c of s.Choices) if (name !== doc.StartAt || c.Variable === '$.startRung') out.push(c.Next);
      if (s.Default && !s.Default.endsWith('.wait') && name !== doc.StartAt) out.push(s.Default);
    } else if (s.Next) out.push(s.Next);
    // Loops that only deadlines or the one-year limit take are not a path people walk.
    return out.filter((n) => !n.endsWith('.rearm') && n !== 'continue' && !n.endsWith('.unknown'));
  };
  // Every simple path from the start (the graphs are small and almost acyclic without the loops).
  const visit = (name: string, seen: ReadonlySet<string>): { shortest: number; longest: number } => {
    const next = edges(name).filter((n) => !seen.has(n));
    if (next.length === 0) return { shortest: 1, longest: 1 };
    const inner = new Set(seen).add(name);
    const sub = next.map((n) => visit(n, inner));
    return {
      shortest: 1 + Math.min(...sub.map((x) => x.shortest)),
      longest: 1 + Math.max(...sub.map((x) => x.longest)),
    };
  };
  return visit(doc.StartAt, new Set());
}

describe.each(PRESET_IDS)('compiled state machine: %s', (id) => {
  const reg = loadRegulation(id);
  const doc = compileRegulation(reg);

  it('the committed file is what the compiler produces now (run `npm run compile`)', () => {
    expect(readFileSync(aslFile(id), 'utf8')).toBe(renderAsl(doc));
  });

  it('passes asl-validator', () => {
    const { isValid, errors } = aslValidator(JSON.parse(readFileSync(aslFile(id), 'utf8')));
    expect(errors).toEqual([]);
    expect(isValid).toBe(true);
  });

  it('names functions only through definition substitutions', () => {
    const text = readFileSync(aslFile(id), 'utf8');
    expect(text).not.toMatch(/arn:aws:lambda:/);
    const used = new Set([...text.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]));
    expect([...used].sort()).toEqual([...SUBSTITUTIONS].sort());
  });

  it('every waiting step is a callback with its deadline as timeout and a catch for it', () => {
    for (const [name, state] of Object.entries(doc.States) as [string, State][]) {
      if (!name.endsWith('.wait')) continue;
      expect(state.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
      expect(state.TimeoutSecondsPath).toBe('$.cursor.timeoutSeconds');
      expect(state.Parameters.Payload['token.$']).toBe('$$.Task.Token');
      expect(state.Catch[0]).toMatchObject({ ErrorEquals: ['States.Timeout'] });
    }
  });

  it('reports its transitions: shortest and longest path', () => {
    const { shortest, longest } = extremes(doc);
    console.log(
      `transitions ${id.padEnd(20)} shortest ${shortest}  longest ${longest}  states ${Object.keys(doc.States).length}`,
    );
    expect(shortest).toBeGreaterThan(2);
    expect(longest).toBeGreaterThan(shortest);
  });
});

describe('compiled state machine: counted paths', () => {
  it('OCO resolved in the conversation after contact: 10 states', () => {
    const doc = compileRegulation(loadRegulation('oco-almere'));
    // start, contact, contact.wait, contact.route, acknowledge, inform-respondent,
    // conversation, conversation.wait, conversation.route, close
    expect(
      pathLength(doc, { startRung: 'coordinator', resumeAt: null }, ['contact-made', 'sent', 'informed', 'resolved']),
    ).toBe(10);
  });

  it('a continued execution starts at the step it resumes', () => {
    const doc = compileRegulation(loadRegulation('ons-welzijn'));
    const start = doc.States.start as State;
    expect(start.Choices[0]).toMatchObject({ Variable: '$.resumeAt' });
    expect(start.Choices.some((c: any) => c.StringEquals === 'conversation' && c.Next === 'conversation')).toBe(true);
  });
});

describe('ladder diagram', () => {
  it.each(PRESET_IDS)('%s: every step drawn, the current one marked', async (id) => {
    const { ladderDot, ladderSvg } = await import('../statemachines/diagram.js');
    const reg = loadRegulation(id);
    const first = reg.ladder.rungs[0]?.steps[0]?.id ?? '';
    const dot = ladderDot(reg, first);
    for (const rung of reg.ladder.rungs) for (const step of rung.steps) expect(dot).toContain(`"${step.id}"`);
    expect(dot).toContain('fillcolor="#ffd54f"');
    const svg = await ladderSvg(reg, first);
    expect(svg).toContain('<svg');
    expect(svg).toContain('#ffd54f');
  });

  it.each(PRESET_IDS)('%s: the committed drawing is current (#19)', async (id) => {
    const { ladderSvg } = await import('../statemachines/diagram.js');
    expect(readFileSync(ladderSvgFile(id), 'utf8')).toBe(await ladderSvg(loadRegulation(id)));
  });

  it('escapes quotes in titles', async () => {
    const { ladderDot } = await import('../statemachines/diagram.js');
    const reg = loadRegulation('oco-almere');
    const step = reg.ladder.rungs[0]?.steps[0];
    if (step) step.title = 'Contact "direct"';
    expect(ladderDot(reg)).toContain('Contact \\"direct\\"');
  });
});
