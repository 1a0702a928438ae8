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

/** The input is well-formed but wrong for this regulation or dossier (HTTP 422). */
export class UnprocessableError extends DomainError {
  constructor(
    message: string,
    path: (string | number)[] = [],
    /** Each field wrong at once with its own message, `path`'s first (a form shows each beside its field). */
    readonly more: { path: (string | number)[]; message: string }[] = [],
  ) {
    super(message, path);
    this.name = 'UnprocessableError';
  }
}

/** A stale or repeated action, or a concurrent write (HTTP 409). */
export class ConflictError extends DomainError {
  constructor(message: string, path: (string | number)[] = []) {
    super(message, path);
    this.name = 'ConflictError';
  }
}

/**
 * An append that lost its race (DossierStore.append): another writer committed on the version it
 * expected. `latest`, where the store could tell without a read, is the caller's view with that
 * commit folded in: the dossier as of the commit that won, to decide again on (still unverified,
 * as a known view is: the next append on it is conditional too).
 */
export class RaceLostError<View = unknown> extends ConflictError {
  /**
   * Not enumerable: it is the whole dossier (names, addresses, the complaint's text), and an error
   * logged whole (`console.error`, util.inspect: the local runtime's API) must not print it.
   * Typed by the caller (the view type lives a floor above this file: test/floors.test.ts).
   */
  declare readonly latest?: View;
  constructor(latest?: View) {
    // Made without a stack: a lost race is the normal path of concurrent writers (2.8 a simulated
    // complaint), caught by the writer that lost it, which decides again; nothing reads its stack,
    // and taking one through the runtime's deep async stacks was about 0.3 % of a simulated year's
    // CPU (#19, session 17). One that escapes after the last attempt is answered 409 by its class
    // and message: in CloudWatch such an error has no frames by design (its message and the
    // function's log say where). The limit is the process's own again at once, for every other error.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super('Het dossier is intussen gewijzigd.');
    } finally {
      Error.stackTraceLimit = limit;
    }
    this.name = 'ConflictError';
    Object.defineProperty(this, 'latest', { value: latest, enumerable: false });
  }
}

/** No such dossier, or not for this caller (HTTP 404: never tell which). */
export class NotFoundError extends DomainError {
  constructor(message = 'Niet gevonden.') {
    super(message);
    this.name = 'NotFoundError';
  }
}

/** No valid credentials, or a role that may not do this (HTTP 401/403). */
export class ForbiddenError extends DomainError {
  constructor(
    message: string,
    readonly status: 401 | 403 = 403,
  ) {
    super(message);
    this.name = 'ForbiddenError';
  }
}

/**
 * The mail service refused a letter for good (text it cannot encode, an address it rejects):
 * sending it again gives the same answer. Not a DomainError: no caller's input is at fault now.
 */
export class LetterRejectedError extends Error {
  constructor(
    /** A short code for the dossier and the alarm, never the letter's content. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Letter rejected: ${reason}`, options);
    this.name = 'LetterRejectedError';
  }
}

/**
 * A limit on taking in complaints was reached (the API's per caller, per e-mail address): counted
 * in the write that stores the complaint, which it refused whole. `position` is the first limit
 * reached among those given; the API answers 429.
 */
export class LimitReachedError extends Error {
  constructor(readonly position: number) {
    super(`Limit ${position} reached`);
    this.name = 'LimitReachedError';
  }
}
