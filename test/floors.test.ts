/**
 * The floors of the house (DESIGN.md): calendar → regulation model, lint, compiler → domain →
 * edges (API, pages, task handlers, adapters, runtime, constructs). One way down, never back up.
 * dependency-cruiser reads every import (type-only ones too) of the project's sources and judges
 * them against these rules; the test also checks that it resolved every local import, so a rule
 * cannot pass because the judge did not see an edge.
 */
import { cruise, type IForbiddenRuleType, type IReporterOutput } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';

const PROJECT = '^(lambdas|statemachines|runtime|lib|bin)/';
/** The bottom floor, and the error family every floor may throw (it imports nothing of ours). */
const CALENDAR_AND_ERRORS = '^lambdas/domain/(calendar/|errors\\.ts$)';

const rules: IForbiddenRuleType[] = [
  {
    name: 'calendar-is-the-bottom',
    comment: 'Terms, holidays and deadlines know nothing of regulations, dossiers or handlers.',
    severity: 'error',
    from: { path: '^lambdas/domain/calendar/' },
    to: { path: PROJECT, pathNot: CALENDAR_AND_ERRORS },
  },
  {
    name: 'errors-are-a-leaf',
    comment: 'The error family is used by every floor, so it imports none of them.',
    severity: 'error',
    from: { path: '^lambdas/domain/errors\\.ts$' },
    to: { path: PROJECT },
  },
  {
    name: 'regulation-model-below-domain',
    comment: 'The regulation model, lint and compiler use the calendar, never the dossier or the edges.',
    severity: 'error',
    from: { path: '^statemachines/' },
    to: { path: PROJECT, pathNot: `${CALENDAR_AND_ERRORS}|^statemachines/` },
  },
  {
    name: 'domain-below-edges',
    comment: 'The domain decides; handlers, pages, adapters, the runtime and constructs call it, not back.',
    severity: 'error',
    from: { path: '^lambdas/domain/' },
    to: { path: '^(lambdas/[^/]+\\.tsx?$|lambdas/(web|adapters)/|runtime/|lib/|bin/)' },
  },
];

async function judge(): Promise<IReporterOutput> {
  return cruise(
    ['lambdas', 'statemachines', 'runtime', 'lib', 'bin'],
    {
      validate: true,
      ruleSet: { forbidden: rules },
      tsPreCompilationDeps: true,
      doNotFollow: { path: 'node_modules' },
      exclude: { path: '(^|/)node_modules/|\\.d\\.ts$' },
      tsConfig: { fileName: 'tsconfig.json' },
    },
    { extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'] },
  );
}

describe('floors of the house (dependency-cruiser)', () => {
  it('no module imports a floor above its own', async () => {
    const { output } = await judge();
    if (typeof output === 'string') throw new Error('dependency-cruiser returned text, not a result');
    const violations = output.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
    expect(violations).toEqual([]);
    // The judge saw the floors: the calendar, the model and the procedure modules are among the modules.
    const sources = output.modules.map((m) => m.source);
    expect(sources).toContain('lambdas/domain/calendar/deadline.ts');
    expect(sources).toContain('statemachines/model.ts');
    expect(sources.filter((s) => s.startsWith('lambdas/domain/procedure/')).length).toBeGreaterThan(5);
  });

  it('resolves every import of our own code (a blind judge passes everything)', async () => {
    const { output } = await judge();
    if (typeof output === 'string') throw new Error('dependency-cruiser returned text, not a result');
    const unresolved = output.modules.flatMap((m) =>
      m.dependencies
        .filter((d) => d.couldNotResolve && d.module.startsWith('.'))
        .map((d) => `${m.source} → ${d.module}`),
    );
    expect(unresolved).toEqual([]);
    const calendarEdges = output.modules
      .filter((m) => m.source.startsWith('statemachines/'))
      .flatMap((m) => m.dependencies.map((d) => d.resolved))
      .filter((r) => r.startsWith('lambdas/domain/calendar/'));
    expect(calendarEdges.length).toBeGreaterThan(0);
  });
});
