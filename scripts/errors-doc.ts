// Writes docs/errors.md from the error catalog in src/shared/errors.ts, so the documented
// codes are always the served ones. `errors-doc.test.ts` fails when the file is stale.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderErrorsDoc } from './errors-doc-render.js';

const target = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../docs/errors.md');
fs.writeFileSync(target, renderErrorsDoc());
console.log(`wrote ${target}`);
