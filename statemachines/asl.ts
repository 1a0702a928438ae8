/**
 * The committed state machines: `statemachines/<id>.asl.json`, written by `npm run compile`.
 * CDK deploys these files and the local runtime runs them; both fill in the same substitutions.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AslDocument, type SubstitutionName, substitute } from './compile.js';

export const STATEMACHINES_DIR = dirname(fileURLToPath(import.meta.url));

export function aslFile(regulationId: string): string {
  return join(STATEMACHINES_DIR, `${regulationId}.asl.json`);
}

/** The ladder of a preset drawn at compile time (`npm run compile`), committed beside its ASL. */
export function ladderSvgFile(regulationId: string): string {
  return join(STATEMACHINES_DIR, `${regulationId}.ladder.svg`);
}

/** The committed document of a preset with its substitutions filled in. */
export function loadAsl(regulationId: string, values: Record<SubstitutionName, string>): AslDocument {
  return JSON.parse(substitute(readFileSync(aslFile(regulationId), 'utf8'), values));
}
