/** Error codes a user can act on; each maps to a message that says what was wrong and what would be right. */
export type UserErrorCode =
  | 'bad_argument'
  | 'unknown_command'
  | 'forbidden'
  | 'not_found'
  | 'expired'
  | 'unavailable'
  | 'limit'
  | 'conflict';

/** An error whose message is safe and useful to show the user as is. */
export class UserError extends Error {
  readonly code: UserErrorCode;
  /** Extra lines shown under the message (e.g. the usage line). */
  readonly hint: string | undefined;

  constructor(code: UserErrorCode, message: string, hint?: string) {
    super(message);
    this.name = 'UserError';
    this.code = code;
    this.hint = hint;
  }
}

/** A venue failure, with the program's decoded error name where there is one (e.g. Drift's InsufficientCollateral). */
export class VenueError extends Error {
  readonly venue: string;
  readonly programError: string | undefined;

  constructor(venue: string, message: string, options?: { programError?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'VenueError';
    this.venue = venue;
    this.programError = options?.programError;
  }
}

/** Invalid configuration: one line naming the key and what is expected. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
