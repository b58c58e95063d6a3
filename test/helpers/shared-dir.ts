import { resolve } from 'node:path';

/** ../shared from the project root, or $VIGIL_SHARED_DIR. Read in place, never copied. */
export const SHARED_DIR = resolve(process.env.VIGIL_SHARED_DIR ?? resolve(import.meta.dirname, '../../../shared'));
