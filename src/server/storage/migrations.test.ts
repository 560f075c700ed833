import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrator, openDatabase, type Db } from './database.js';

/**
 * Every migration that has shipped, in the order Kysely ran it. A database out there has run
 * these: they are never renamed, removed or reordered, and Kysely refuses to run a new one that
 * sorts before any of them. Both 004s shipped together.
 */
const SHIPPED = [
  '001-initial',
  '002-outbox',
  '003-lobby',
  '004-room-chat',
  '004-settings-audit',
  '005-pictures',
  '006-outbox-claim-token',
] as const;
const numberOf = (name: string) => Number(name.slice(0, 3));
const LAST_SHIPPED_NUMBER = Math.max(...SHIPPED.map((name) => numberOf(name)));
const NAME = /^\d{3}-[a-z0-9-]+$/;

describe('migrations', () => {
  let db: Db;
  let names: string[];

  beforeAll(async () => {
    db = openDatabase({ kind: 'sqlite', file: ':memory:' });
    names = (await migrator(db).getMigrations()).map((m) => m.name);
  });
  afterAll(async () => {
    await db.destroy();
  });

  it('run the shipped migrations first, in the order they shipped', () => {
    expect(names.slice(0, SHIPPED.length)).toEqual(SHIPPED);
  });

  it('name each later one NNN-words, with a new number above the shipped ones, sorting after them', () => {
    const numbers = new Set<number>();
    for (const name of names.slice(SHIPPED.length)) {
      expect(name).toMatch(NAME);
      expect(numberOf(name), `${name}: its number`).toBeGreaterThan(LAST_SHIPPED_NUMBER);
      expect(numbers.has(numberOf(name)), `${name}: its number is taken`).toBe(false);
      numbers.add(numberOf(name));
      for (const shipped of SHIPPED) {
        expect(name > shipped, `${name} sorts after ${shipped}`).toBe(true);
      }
    }
  });
});
