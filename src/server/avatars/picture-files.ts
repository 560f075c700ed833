/**
 * Re-encoded pictures on disk (avatars, the organization's logo): one file per random id,
 * `<dir>/<id>.<extension>`. An id from a request is checked before it becomes a path, so it can
 * name no other file.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { newId } from '../tokens.js';

/** What newId() makes: a UUID. */
const ID_PATTERN = /^[0-9a-f-]{36}$/;

export class PictureFiles {
  constructor(
    private readonly dir: string,
    private readonly extension: 'webp' | 'png',
  ) {}

  /**
   * Stores a picture under a new id and answers it. The file is written under a temporary name
   * first, so a crash never leaves a half-written picture in place.
   */
  async save(bytes: Buffer): Promise<string> {
    const id = newId();
    const file = this.file(id);
    await fs.mkdir(path.dirname(file), { recursive: true });
    const temporary = `${file}.tmp`;
    await fs.writeFile(temporary, bytes);
    await fs.rename(temporary, file);
    return id;
  }

  /** The stored picture for an id, or undefined when there is none. */
  async read(id: string): Promise<Buffer | undefined> {
    if (!ID_PATTERN.test(id)) return undefined;
    try {
      return await fs.readFile(this.file(id));
    } catch {
      return undefined;
    }
  }

  async remove(id: string): Promise<void> {
    if (ID_PATTERN.test(id)) await fs.rm(this.file(id), { force: true });
  }

  private file(id: string): string {
    return path.join(this.dir, `${id}.${this.extension}`);
  }
}
