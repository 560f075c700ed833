import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findExecutable } from './find-executable.js';

function folder(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'tertulia-path-'));
}

function program(dir: string, name: string, mode: number): string {
  const file = path.join(dir, name);
  writeFileSync(file, '#!/bin/sh\nexit 0\n');
  chmodSync(file, mode);
  return file;
}

describe('findExecutable', () => {
  it('returns the first executable file of that name along the PATH', () => {
    const [a, b, c] = [folder(), folder(), folder()];
    const expected = program(b, 'janus', 0o755);
    program(c, 'janus', 0o755);
    expect(findExecutable('janus', [a, b, c].join(path.delimiter))).toBe(expected);
  });

  it('passes over a file that is not executable and a folder with the same name', () => {
    const [plain, dirNamed, real] = [folder(), folder(), folder()];
    program(plain, 'janus', 0o644);
    mkdirSync(path.join(dirNamed, 'janus'));
    const expected = program(real, 'janus', 0o700);
    expect(findExecutable('janus', [plain, dirNamed, real].join(path.delimiter))).toBe(expected);
  });

  it('finds nothing without a PATH, with an empty one, or when no folder has the program', () => {
    expect(findExecutable('janus', undefined)).toBeUndefined();
    expect(findExecutable('janus', '')).toBeUndefined();
    expect(
      findExecutable('janus', [folder(), '/nonexistent'].join(path.delimiter)),
    ).toBeUndefined();
  });

  it('ignores relative PATH entries, which depend on the working directory', () => {
    const dir = folder();
    program(dir, 'janus', 0o755);
    const relative = path.relative(process.cwd(), dir);
    expect(findExecutable('janus', ['', '.', relative].join(path.delimiter))).toBeUndefined();
  });
});
