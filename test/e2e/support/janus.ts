/** Facts of the Janus end-to-end environment (started by test/e2e/servers/with-janus.ts). */
import { appPort } from '../fixtures.js';

export { JANUS_MISSING, janusBinary } from '../../support/local-janus.js';

/** The app with MEDIA=janus and a Janus of its own. */
export const janusAppPort = appPort + 2;
