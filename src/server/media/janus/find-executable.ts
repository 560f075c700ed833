/**
 * Finds an installed program the way a shell's PATH lookup would, without spawning one: the
 * first folder of `searchPath` holding an executable regular file of that name. Used at
 * start-up to see whether Debian's `janus` is installed (MEDIA=auto).
 */
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

export function findExecutable(name: string, searchPath: string | undefined): string | undefined {
  for (const dir of (searchPath ?? '').split(path.delimiter)) {
    // An empty or relative entry would make the answer depend on the working directory.
    if (!path.isAbsolute(dir)) continue;
    const candidate = path.join(dir, name);
    try {
      // A folder named like the program passes the X_OK check; only a file runs.
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this folder, or not executable by us.
    }
  }
  return undefined;
}
