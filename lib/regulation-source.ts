/**
 * The regulation a stack deploys, and its state machine: for a preset the committed
 * `statemachines/<id>.asl.json` (the very file the local runtime runs), for a file of the
 * organisation's own the same compiler's output. No second copy of the flow.
 */
import { readFileSync } from 'node:fs';
import { aslFile } from '../statemachines/asl.js';
import { compileRegulation, renderAsl } from '../statemachines/compile.js';
import { loadRegulation, PRESET_IDS } from '../statemachines/load.js';
import type { Regulation } from '../statemachines/model.js';

export interface DeployedRegulation {
  readonly regulation: Regulation;
  /** The ASL document with `${...}` definition substitutions still in it. */
  readonly asl: string;
  /** Where the ASL came from: the committed file of a preset, or compiled from the organisation's file. */
  readonly aslSource: string;
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
    };
  }
  return {
    regulation,
    asl: renderAsl(compileRegulation(regulation)),
    aslSource: `compiled from ${ref}`,
  };
}
