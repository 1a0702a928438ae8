/**
 * The ladder of a regulation as a diagram: rungs as boxes, steps with their terms, outcomes as
 * arrows, the dossier's current step marked. Graphviz compiled to WebAssembly (@viz-js/viz), so
 * there is no native binary to install.
 */
import { instance } from '@viz-js/viz';
import { describeTerm, parseTerm } from '../lambdas/domain/calendar/term.js';
import { ladderSteps, resolveOutcome, rungEntry } from './ladder.js';
import type { Regulation } from './model.js';

/** A DOT string literal: quotes and backslashes escaped, no line breaks. */
const q = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\s+/g, ' ')}"`;

/** The ladder in the DOT language. */
export function ladderDot(reg: Regulation, current?: string): string {
  const lines = [
    'digraph ladder {',
    '  rankdir=TB; fontname="Helvetica"; node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica", fontsize=11]; edge [fontname="Helvetica", fontsize=9];',
    `  start [label=${q('Klacht ontvangen')}, shape=oval];`,
    `  close [label=${q('Dossier gesloten')}, shape=oval];`,
  ];
  const steps = ladderSteps(reg);
  reg.ladder.rungs.forEach((rung, i) => {
    lines.push(`  subgraph cluster_${i} { label=${q(`${i + 1}. ${rung.title}`)}; style="rounded"; color="#8c8c8c";`);
    for (const at of steps.filter((s) => s.rung.id === rung.id)) {
      const term = at.step.deadline ? `\\n${describeTerm(parseTerm(at.step.deadline.term))}` : '';
      const mark = at.step.id === current ? ', fillcolor="#ffd54f", penwidth=3' : '';
      lines.push(`    ${q(at.step.id)} [label=${q(at.step.title).slice(0, -1)}${term}"${mark}];`);
    }
    if (rung.steps.length === 0) lines.push(`    ${q(`rung-${rung.id}`)} [label=${q(rung.title)}, shape=note];`);
    lines.push('  }');
  });
  const target = (t: ReturnType<typeof resolveOutcome>) =>
    t.kind === 'close' ? (t.referral && t.rung ? `rung-${t.rung.id}` : 'close') : t.to.step.id;
  for (const v of reg.intake.variants) {
    const rung = reg.ladder.rungs.find((r) => r.id === v.startsAt);
    if (rung) lines.push(`  start -> ${q(target(rungEntry(reg, rung)))} [label=${q(v.title)}];`);
  }
  for (const at of steps) {
    for (const o of at.step.outcomes)
      lines.push(`  ${q(at.step.id)} -> ${q(target(resolveOutcome(reg, at, o.id)))} [label=${q(o.title)}];`);
  }
  for (const r of reg.ladder.rungs.filter((x) => x.steps.length === 0)) lines.push(`  ${q(`rung-${r.id}`)} -> close;`);
  lines.push('}');
  return lines.join('\n');
}

let viz: Awaited<ReturnType<typeof instance>> | undefined;

/** The ladder as SVG, with the current step (if any) marked. */
export async function ladderSvg(reg: Regulation, current?: string): Promise<string> {
  viz ??= await instance();
  return viz.renderString(ladderDot(reg, current), { format: 'svg' });
}
