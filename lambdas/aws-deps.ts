/**
 * The Procedure of the Lambda functions, built once per container over the dependencies of
 * ./aws-procedure-deps.ts (the SDK clients, traced; the regulation as the stack wrote it).
 * Nothing here runs locally (the runtime builds the same Procedure with local endpoints).
 */

import { awsProcedureDeps } from './aws-procedure-deps.js';
import { Procedure } from './domain/procedure.js';

let procedure: Procedure | undefined;

/** The regulation (embedded as JSON by the stack), the store and the procedure. */
export function awsDeps() {
  const { regulation, store, deps } = awsProcedureDeps();
  procedure ??= new Procedure(deps);
  return { regulation, store, procedure };
}
