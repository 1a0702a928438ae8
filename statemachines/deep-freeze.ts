/**
 * Freezes a value and everything it holds, once: what is shared by reference and must never be
 * changed in place (a regulation's ladder, a step's outcome fields, a dossier view the test suite
 * checks). ES modules are strict, so a write into it throws where it is made.
 */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
