declare module 'asl-validator' {
  /** asl-validator 4 ships no type declarations; this is the part the tests use. */
  export default function aslValidator(definition: unknown): { isValid: boolean; errors: unknown[] };
}
