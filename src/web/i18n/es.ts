import type { en } from './en.js';
import { esRest } from './es-rest.js';
import { esStart } from './es-start.js';
import type { Texts } from './translate.js';

/** Spanish texts: the same shape as the English ones, every leaf a string. */
export const es: Texts<typeof en> = { ...esStart, ...esRest };
