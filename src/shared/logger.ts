import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/** Keys whose values never reach a log line. */
export const REDACT_PATHS = [
  'token', '*.token', 'botToken', '*.botToken', 'secret', '*.secret', 'privateKey', '*.privateKey',
  'keypair', '*.keypair', 'authorization', '*.authorization', 'headers.authorization',
];

/**
 * Creates the process logger (pino, JSON lines). `destination` is a file path or a stream; default stderr. Writes are
 * synchronous: a bot logs a few lines a second at most, and an asynchronous file that is still opening when the
 * process exits makes pino's exit flush throw ("sonic boom is not ready yet") after a clean refusal.
 */
export function createLogger(options: { level: string; destination?: string | DestinationStream }): Logger {
  const file = typeof options.destination === 'string' ? options.destination : undefined;
  // A full or failing disk must not crash the bot through its log: lines are dropped (the buffer is bounded at
  // 1 MiB) and written again once the disk takes them; stderr says so once per episode.
  const boom = file
    ? pino.destination({ dest: file, mkdir: true, sync: true, maxLength: 1 << 20 })
    : options.destination === undefined ? pino.destination({ dest: 2, sync: true, maxLength: 1 << 20 }) : undefined;
  if (boom) {
    let failing = false;
    boom.on('error', (err: NodeJS.ErrnoException) => {
      if (failing) return;
      failing = true;
      if (file) process.stderr.write(`vigil: warning: cannot write the log file ${file} (${err.code ?? err.message}); log lines are dropped until it works again\n`);
    });
    boom.on('write', () => { failing = false; });
  }
  const dest = boom ?? (options.destination as DestinationStream);
  return pino({ level: options.level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, dest);
}

/** A logger that drops everything (tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
