/**
 * The regulation a stack deploys, and its state machine: for a preset the committed
 * `statemachines/<id>.asl.json` (the very file the local runtime runs), for a file of the
 * organisation's own the same compiler's output. No second copy of the flow.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { aslFile, ladderSvgFile } from '../statemachines/asl.js';
import { compileRegulation, renderAsl } from '../statemachines/compile.js';
import { loadRegulation, PRESET_IDS } from '../statemachines/load.js';
import type { Regulation } from '../statemachines/model.js';

export interface DeployedRegulation {
  readonly regulation: Regulation;
  /** The ASL document with `${...}` definition substitutions still in it. */
  readonly asl: string;
  /** Where the ASL came from: the committed file of a preset, or compiled from the organisation's file. */
  readonly aslSource: string;
  /**
   * The ladder drawn (SVG): the committed `statemachines/<id>.ladder.svg` of a preset, or drawn now
   * for the organisation's own file. It goes into the API function's bundle, so the function
   * carries no Graphviz.
   */
  readonly ladderSvg: string;
}

/**
 * Draws an organisation's own ladder with `klachtflow regulation diagram` in a child process:
 * Graphviz (WebAssembly) answers asynchronously, and synth is synchronous.
 */
function drawLadder(ref: string): string {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  return execFileSync(process.execPath, [join(root, 'bin', 'klachtflow.js'), 'regulation', 'diagram', ref], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
}

/** Loads a preset id or a regulation file (YAML/JSON) with its state machine. */
export function resolveRegulation(ref: string): DeployedRegulation {
  const regulation = loadRegulation(ref);
  if ((PRESET_IDS as readonly string[]).includes(ref)) {
    const file = aslFile(ref);
    return {
      regulation,
      asl: readFileSync(file, 'utf8'),
      aslSource: file,
      ladderSvg: readFileSync(ladderSvgFile(ref), 'utf8'),
    };
  }
  return {
    regulation,
    asl: renderAsl(compileRegulation(regulation)),
    aslSource: `compiled from ${ref}`,
    ladderSvg: drawLadder(ref),
  };
}
