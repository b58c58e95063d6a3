/**
 * Start-up checks that a directory or file can really be written (create, write, fsync, rename, remove), so a
 * read-only, full or forbidden place is one configuration error naming the key and the path (exit 78, EX_CONFIG), not a stack trace or a
 * bot that fails every command later.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError, EX_CONFIG } from '../shared/errors.ts';

function why(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EACCES':
    case 'EPERM': return 'permission denied';
    case 'EROFS': return 'read-only file system';
    case 'ENOSPC': return 'no space left on the device';
    case 'EDQUOT': return 'disk quota exceeded';
    case 'ENOTDIR': return 'a part of the path is a file';
    case 'EISDIR': return 'it is a directory';
    default: return code ?? (err instanceof Error ? err.message : String(err));
  }
}

/** Creates `dir` if needed and proves a file can be written, synced and renamed in it; throws ConfigError naming `key`. */
export function probeWritableDir(key: string, dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new ConfigError(`${key}: cannot create the directory ${dir} (${why(err)})`, { exitCode: EX_CONFIG });
  }
  const temp = join(dir, `.vigil-probe-${process.pid}.tmp`);
  const final = join(dir, `.vigil-probe-${process.pid}`);
  try {
    const fd = openSync(temp, 'w');
    try {
      // Enough bytes to hit a full disk, which an empty file would not.
      writeSync(fd, Buffer.alloc(64 * 1024, 0x20));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, final);
    unlinkSync(final);
  } catch (err) {
    for (const f of [temp, final]) {
      try {
        unlinkSync(f);
      } catch {
        // Not there.
      }
    }
    throw new ConfigError(`${key}: cannot write in ${dir} (${why(err)})`, { exitCode: EX_CONFIG });
  }
}

/** Proves `file` can be opened for appending (creating its directory if needed); throws ConfigError naming `key`. */
export function probeAppendableFile(key: string, file: string): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
  } catch (err) {
    throw new ConfigError(`${key}: cannot create the directory ${dirname(file)} (${why(err)})`, { exitCode: EX_CONFIG });
  }
  try {
    const fd = openSync(file, 'a');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    throw new ConfigError(`${key}: cannot write the log file ${file} (${why(err)})`, { exitCode: EX_CONFIG });
  }
}
