/**
 * The domain's error family. Handlers map these classes to status codes in one place; the
 * message is Dutch because it reaches people, `path` names the field for machines.
 */
export class DomainError extends Error {
  constructor(
    message: string,
    readonly path: (string | number)[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DomainError';
  }
}
