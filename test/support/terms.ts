/** Test support: regulations with a term for the handling as a whole, as plain data. */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

/**
 * De Linde (examples/thuiszorg-de-linde.yaml) with its Wkkgz six weeks moved from the decision step
 * to a term from receipt over both rungs: the shape Wkkgz art. 17 means.
 */
export function lindeWithTerm(): any {
  const d = parseYaml(readFileSync('examples/thuiszorg-de-linde.yaml', 'utf8'));
  const decision = d.ladder.rungs[1].steps[0];
  const { deadline, allows } = decision;
  delete decision.deadline;
  delete decision.onDeadline;
  delete decision.allows;
  d.ladder.terms = [
    {
      id: 'afhandeling',
      title: 'Afhandeling van de klacht',
      term: deadline.term,
      from: 'receipt',
      span: { from: 'acknowledge', to: 'decision' },
      kind: 'statutory',
      statute: deadline.statute,
      escalateTo: 'director',
      source: deadline.source,
      extension: { ...allows.extension, by: ['officer', 'director'] },
    },
  ];
  return d;
}
