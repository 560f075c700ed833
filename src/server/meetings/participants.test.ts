import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CountryCode } from 'libphonenumber-js/max';
import { MembersService } from '../accounts/members.js';
import { migrateToLatest, openDatabase, type Db } from '../storage/database.js';
import {
  PARTICIPANT_MESSAGES,
  classifyParticipant,
  resolveParticipants,
  type Classified,
} from './participants.js';

const invalid = (code: Extract<Classified, { ok: false }>['code']): Classified => ({
  ok: false,
  code,
});
const email = (address: string): Classified => ({ ok: true, kind: 'email', address });
const phone = (address: string): Classified => ({ ok: true, kind: 'phone', address });
const member = (address: string): Classified => ({ ok: true, kind: 'member', address });

describe('classifyParticipant', () => {
  it.each<[string, Classified]>([
    ['ana@example.org', email('ana@example.org')],
    ['Ana.Lopez@Example.ORG', email('ana.lopez@example.org')],
    ['  bob@example.org  ', email('bob@example.org')],
    ['\tcarla+meet@example.co.uk\n', email('carla+meet@example.co.uk')],
    ['ana@', invalid('INVALID_EMAIL')],
    ['@example.org', invalid('INVALID_EMAIL')],
    ['ana@example', invalid('INVALID_EMAIL')],
    ['ana@@example.org', invalid('INVALID_EMAIL')],
    ['ana lopez@example.org', invalid('INVALID_EMAIL')],
    [`${'a'.repeat(250)}@example.org`, invalid('INVALID_EMAIL')],
  ])('reads %j as %j', (input, expected) => {
    expect(classifyParticipant(input, 'ES')).toEqual(expected);
  });

  it.each<[CountryCode, string, Classified]>([
    ['ES', '+34 612 34 56 78', phone('+34612345678')],
    ['ES', '612345678', phone('+34612345678')],
    ['ES', '612 34 56 78', phone('+34612345678')],
    ['ES', '0034612345678', phone('+34612345678')],
    ['ES', '0034 612-34-56-78', phone('+34612345678')],
    ['ES', '+1 415 555 2671', phone('+14155552671')],
    ['ES', '+34 912 345 678', invalid('NOT_A_MOBILE')],
    ['ES', '912345678', invalid('NOT_A_MOBILE')],
    ['ES', '0034912345678', invalid('NOT_A_MOBILE')],
    ['ES', '+44 20 7946 0958', invalid('NOT_A_MOBILE')],
    ['ES', '61234', invalid('INVALID_PHONE')],
    ['ES', '+34 6', invalid('INVALID_PHONE')],
    ['ES', '4155552671', invalid('INVALID_PHONE')],
    ['ES', '6'.repeat(33), invalid('INVALID_PHONE')],
    ['ES', '612-abc-678', invalid('UNRECOGNIZED')],
    ['ES', '+34 6I2 345 678', invalid('UNRECOGNIZED')],
    ['US', '+1 415 555 2671', phone('+14155552671')],
    ['US', '(415) 555-2671', phone('+14155552671')],
    ['US', '415.555.2671', phone('+14155552671')],
    ['US', '+34 612 34 56 78', phone('+34612345678')],
    ['US', '0034612345678', phone('+34612345678')],
    ['US', '+34 912 345 678', invalid('NOT_A_MOBILE')],
    ['US', '612345678', invalid('INVALID_PHONE')],
    ['US', '555-2671', invalid('INVALID_PHONE')],
  ])('in region %s reads %j as %j', (region, input, expected) => {
    expect(classifyParticipant(input, region)).toEqual(expected);
  });

  it.each<[string, Classified]>([
    ['ana', member('ana')],
    ['Ana', member('ana')],
    ['  ana.lopez  ', member('ana.lopez')],
    ['ana_lopez-2', member('ana_lopez-2')],
    ['a', invalid('UNRECOGNIZED')],
    ['9ana', invalid('UNRECOGNIZED')],
    [`a${'b'.repeat(32)}`, invalid('UNRECOGNIZED')],
    ['hola mundo', invalid('UNRECOGNIZED')],
    ['<script>', invalid('UNRECOGNIZED')],
    ['<script>alert(1)</script>', invalid('UNRECOGNIZED')],
    ['ana!', invalid('UNRECOGNIZED')],
    ['+', invalid('UNRECOGNIZED')],
    ['', invalid('UNRECOGNIZED')],
    ['   ', invalid('UNRECOGNIZED')],
  ])('reads %j as %j', (input, expected) => {
    expect(classifyParticipant(input, 'ES')).toEqual(expected);
  });
});

describe('resolveParticipants', () => {
  const roster = new Map([
    ['ana', { id: 'id-ana', display_name: 'Ana López' }],
    ['bruno', { id: 'id-bruno', display_name: 'Bruno Díaz' }],
  ]);

  /** A member lookup over a fixed roster that records what it was asked. */
  function lookup() {
    const calls: string[][] = [];
    const find = async (usernames: string[]) => {
      calls.push(usernames);
      return new Map([...roster].filter(([username]) => usernames.includes(username)));
    };
    return { calls, find };
  }

  it.each<[string, string[], Array<[string, string] | string>]>([
    [
      'keeps the typed order across kinds',
      ['+34 612 34 56 78', 'ana', 'zoe@example.org'],
      [
        ['phone', '+34612345678'],
        ['member', 'ana'],
        ['email', 'zoe@example.org'],
      ],
    ],
    [
      'merges the same email typed in two cases, keeping the first',
      ['Zoe@Example.org', 'ana', ' zoe@example.ORG '],
      [
        ['email', 'zoe@example.org'],
        ['member', 'ana'],
      ],
    ],
    [
      'merges the same phone typed in two formats',
      ['612345678', 'zoe@example.org', '+34 612 34 56 78', '0034612345678'],
      [
        ['phone', '+34612345678'],
        ['email', 'zoe@example.org'],
      ],
    ],
    [
      'merges a member typed in two cases',
      ['Bruno', 'bruno', 'ana'],
      [
        ['member', 'bruno'],
        ['member', 'ana'],
      ],
    ],
    [
      'keeps a refused entry in place among good ones',
      ['ana', 'hola mundo', 'bruno'],
      [['member', 'ana'], 'UNRECOGNIZED', ['member', 'bruno']],
    ],
    [
      'reports an unknown user name as UNKNOWN_MEMBER',
      ['nadie', 'ana'],
      ['UNKNOWN_MEMBER', ['member', 'ana']],
    ],
  ])('%s', async (_title, inputs, expected) => {
    const { find } = lookup();
    const results = await resolveParticipants(inputs, 'ES', find);
    expect(
      results.map((r) => (r.ok ? [r.participant.kind, r.participant.address] : r.issue.code)),
    ).toEqual(expected);
  });

  it('gives members their display name and user id, and others neither', async () => {
    const { find } = lookup();
    const results = await resolveParticipants(['ana', 'zoe@example.org', '612345678'], 'ES', find);
    expect(results).toEqual([
      {
        ok: true,
        participant: { kind: 'member', address: 'ana', displayName: 'Ana López', userId: 'id-ana' },
      },
      {
        ok: true,
        participant: { kind: 'email', address: 'zoe@example.org', displayName: null, userId: null },
      },
      {
        ok: true,
        participant: { kind: 'phone', address: '+34612345678', displayName: null, userId: null },
      },
    ]);
  });

  it('reports each refused entry with its index in the input, the input as typed and a message', async () => {
    const { find } = lookup();
    const inputs = ['ana', 'ana@', '+34 912 345 678', 'ana', '61234', 'nadie', '<script>'];
    const results = await resolveParticipants(inputs, 'ES', find);
    expect(results.flatMap((r) => (r.ok ? [] : [r.issue]))).toEqual([
      {
        index: 1,
        input: 'ana@',
        code: 'INVALID_EMAIL',
        message: PARTICIPANT_MESSAGES.INVALID_EMAIL,
      },
      {
        index: 2,
        input: '+34 912 345 678',
        code: 'NOT_A_MOBILE',
        message: PARTICIPANT_MESSAGES.NOT_A_MOBILE,
      },
      {
        index: 4,
        input: '61234',
        code: 'INVALID_PHONE',
        message: PARTICIPANT_MESSAGES.INVALID_PHONE,
      },
      {
        index: 5,
        input: 'nadie',
        code: 'UNKNOWN_MEMBER',
        message: PARTICIPANT_MESSAGES.UNKNOWN_MEMBER,
      },
      {
        index: 6,
        input: '<script>',
        code: 'UNRECOGNIZED',
        message: PARTICIPANT_MESSAGES.UNRECOGNIZED,
      },
    ]);
  });

  it('looks each distinct user name up once, lower-cased, in one call', async () => {
    const { calls, find } = lookup();
    await resolveParticipants(['Ana', 'zoe@example.org', 'ana', 'BRUNO', 'nadie'], 'ES', find);
    expect(calls).toEqual([['ana', 'bruno', 'nadie']]);
  });

  it('resolves an empty list to nothing', async () => {
    const { find } = lookup();
    expect(await resolveParticipants([], 'ES', find)).toEqual([]);
  });

  it('reads national numbers in the region it is given', async () => {
    const { find } = lookup();
    const [spain, usa] = await Promise.all([
      resolveParticipants(['(415) 555-2671'], 'ES', find),
      resolveParticipants(['(415) 555-2671'], 'US', find),
    ]);
    expect(spain).toEqual([
      { ok: false, issue: expect.objectContaining({ code: 'INVALID_PHONE' }) },
    ]);
    expect(usa).toEqual([
      {
        ok: true,
        participant: expect.objectContaining({ kind: 'phone', address: '+14155552671' }),
      },
    ]);
  });
});

describe('resolveParticipants over the members store', () => {
  let db: Db;
  let members: MembersService;

  beforeAll(async () => {
    db = openDatabase({ kind: 'sqlite', file: ':memory:' });
    await migrateToLatest(db);
    members = new MembersService(db, { now: () => new Date('2030-03-01T10:00:00Z') });
  });
  afterAll(async () => {
    await db.destroy();
  });

  async function addMember(username: string, disabled: boolean) {
    const created = await members.create({
      email: `${username}@example.org`,
      username,
      displayName: `Display ${username}`,
      role: 'member',
      password: 'correct horse battery staple',
    });
    if (disabled) await members.update('someone-else', created.id, { disabled: true });
    return created;
  }

  const resolveWithStore = (inputs: string[]) =>
    resolveParticipants(inputs, 'ES', (names) => members.findActiveByUsernames(names));

  it('finds an active member by user name in any case', async () => {
    const created = await addMember('activa', false);
    expect(await resolveWithStore(['ACTIVA'])).toEqual([
      {
        ok: true,
        participant: {
          kind: 'member',
          address: 'activa',
          displayName: 'Display activa',
          userId: created.id,
        },
      },
    ]);
  });

  it('treats a disabled member as an unknown member', async () => {
    await addMember('inactiva', true);
    expect(await resolveWithStore(['inactiva'])).toEqual([
      {
        ok: false,
        issue: {
          index: 0,
          input: 'inactiva',
          code: 'UNKNOWN_MEMBER',
          message: PARTICIPANT_MESSAGES.UNKNOWN_MEMBER,
        },
      },
    ]);
  });
});
