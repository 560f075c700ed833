/** What every route plugin receives from the composition root. */
import type { Config } from '../config.js';
import type { Services } from '../compose.js';
import type { Guards } from './auth.js';

export interface RouteContext {
  config: Config;
  services: Services;
  guards: Guards;
}
