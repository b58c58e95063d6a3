import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Logger } from '../../src/shared/logger.ts';

/** A pino logger that keeps every record in memory, so tests can assert what was (not) logged. */
export function captureLogger(): { logger: Logger; records: Record<string, unknown>[] } {
  const records: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) records.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), records };
}
