/**
 * The fields of a step's outcome action are made once per step of a regulation
 * (officer-actions.ts `outcomeFields`, #19 session 17). Held here to the fields made afresh as
 * availableActions made them before, for every step of every preset, asked in turn across the
 * presets (two regulations may name a step alike) and again from what was kept: the same
 * outcomes, labels and required-for lists, and what is kept cannot be changed by a caller.
 */
import { describe, expect, it } from 'vitest';
import { contentFieldsFor, outcomeFields } from '../lambdas/domain/procedure/officer-actions.js';
import { ladderSteps } from '../statemachines/ladder.js';
import { loadRegulation, PRESET_IDS } from '../statemachines/load.js';
import type { Regulation, Step } from '../statemachines/model.js';

/** The outcome action's fields as availableActions made them for every request before. */
function fresh(reg: Regulation, step: Step) {
  return {
    outcome: {
      type: 'choice',
      required: true,
      options: step.outcomes.filter((o) => !o.automatic).map((o) => ({ value: o.id, title: o.title })),
    },
    note: { type: 'text', required: false },
    ...Object.fromEntries(
      contentFieldsFor(reg, step).map((f) => [
        `contents.${f.key}`,
        {
          type: f.type,
          required: false,
          label: f.field === 'written' ? f.label : `${f.label}: ${f.text}`,
          requiredFor: step.outcomes
            .filter((o) => !o.automatic && contentFieldsFor(reg, step, o.id).some((x) => x.key === f.key))
            .map((o) => o.id),
        },
      ]),
    ),
  };
}

describe('outcome fields made once per step of a regulation', () => {
  const regs = PRESET_IDS.map((id) => loadRegulation(id));

  it('answers as made afresh, for every step of every preset, first and from memory', () => {
    const steps = regs.flatMap((reg) => ladderSteps(reg).map((s) => [reg, s.step] as const));
    // Precondition: presets share step names and some steps ask the officer for letter contents.
    const ids = steps.map(([, s]) => s.id);
    expect(new Set(ids).size).toBeLessThan(ids.length);
    expect(steps.some(([reg, s]) => contentFieldsFor(reg, s).length > 0)).toBe(true);
    // In turn across the presets, twice: the second round answers from what the first kept.
    const order = [...steps].sort((a, b) => a[1].id.localeCompare(b[1].id));
    for (let round = 0; round < 2; round++)
      for (const [reg, step] of order)
        expect(outcomeFields(reg, step), `${reg.id} ${step.id}`).toStrictEqual(fresh(reg, step));
  });

  it('keeps what it made out of reach of a caller that would change it', () => {
    const reg = regs.find((r) => ladderSteps(r).some((s) => contentFieldsFor(r, s.step).length > 0)) as Regulation;
    const step = ladderSteps(reg).find((s) => contentFieldsFor(reg, s.step).length > 0)?.step as Step;
    const kept = outcomeFields(reg, step) as any;
    expect(() => {
      kept.outcome.options.push({ value: 'x', title: 'x' });
    }).toThrow(TypeError);
    expect(outcomeFields(reg, step)).toStrictEqual(fresh(reg, step));
  });
});
