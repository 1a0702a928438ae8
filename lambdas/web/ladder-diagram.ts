/**
 * The ladder diagram on the officers' dossier page. Graphviz draws it at compile time
 * (`npm run compile` writes `statemachines/<id>.ladder.svg`, committed like the ASL; a stack
 * for an organisation's own file draws it at synth): no Graphviz WebAssembly in the API function
 * (1.5 MiB of its 3.7 MiB bundle before, #19). The current step is marked here in the drawn SVG,
 * as Graphviz marks it (statemachines/diagram.ts: fill #ffd54f, stroke width 3).
 */

/** Fill of a step that is not the current one, and of the current one. */
const PLAIN = '<path fill="#ffffff" stroke="black"';
const CURRENT = '<path fill="#ffd54f" stroke="black" stroke-width="3"';

/** The drawn ladder with `stepId` (a regulation id: lower-case letters, digits, dashes) marked. */
export function markCurrentStep(svg: string, stepId: string | undefined): string {
  if (!stepId || !/^[a-z0-9-]+$/.test(stepId)) return svg;
  // Graphviz writes a node's name as its title, with '-' as a character reference.
  const title = `<title>${stepId.replaceAll('-', '&#45;')}</title>\n`;
  const at = svg.indexOf(title);
  if (at < 0) return svg;
  const path = at + title.length;
  return svg.startsWith(PLAIN, path) ? svg.slice(0, path) + CURRENT + svg.slice(path + PLAIN.length) : svg;
}
