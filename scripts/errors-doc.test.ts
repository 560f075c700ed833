import fs from 'node:fs';
import { expect, it } from 'vitest';
import { renderErrorsDoc } from './errors-doc-render.js';

it('docs/errors.md lists every code of the error catalog (run scripts/errors-doc.ts if not)', () => {
  const onDisk = fs.readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
  expect(onDisk).toBe(renderErrorsDoc());
});
