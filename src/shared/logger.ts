import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/** Keys whose values never reach a log line. */
export const REDACT_PATHS = [
  'token', '*.token', 'botToken', '*.botToken', 'secret', '*.secret', 'privateKey', '*.privateKey',
  'keypair', '*.keypair', 'authorization', '*.authorization', 'headers.authorization',
];

/** Creates the process logger (pino, JSON lines). `destination` is a file path or a stream; default stderr. */
export function createLogger(options: { level: string; destination?: string | DestinationStream }): Logger {
  const dest = typeof options.destination === 'string'
    ? pino.destination({ dest: options.destination, mkdir: true, sync: false })
    : options.destination ?? pino.destination(2);
  return pino({ level: options.level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, dest);
}

/** A logger that drops everything (tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
