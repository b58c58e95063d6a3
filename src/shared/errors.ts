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

/** sysexits' EX_CONFIG: the configuration points somewhere unusable (a full disk, a read-only data dir). */
export const EX_CONFIG = 78;

/** Invalid configuration: one line naming the key and what is expected. `exitCode`: what the process exits with. */
export class ConfigError extends Error {
  readonly exitCode: number;

  constructor(message: string, options?: { exitCode?: number }) {
    super(message);
    this.name = 'ConfigError';
    this.exitCode = options?.exitCode ?? 1;
  }
}

/**
 * The state file cannot be used: refused at start-up (wrong shape, newer version) or a write failed at run time (disk
 * full, read-only). The message names the file and what to do; nothing was changed.
 */
export class StorageError extends Error {
  /** The filesystem code of a failed write (ENOSPC, EROFS …), if any. */
  readonly code: string | undefined;

  constructor(message: string, options?: { code?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StorageError';
    this.code = options?.code;
  }
}
