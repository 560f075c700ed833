/** English texts; the source of truth for the set of keys (es.ts must have the same shape). */
import { enRest } from './en-rest.js';
import { enStart } from './en-start.js';

export const en = { ...enStart, ...enRest };
