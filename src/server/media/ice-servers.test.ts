import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { iceServersFor, parseIceServers, type IceSettings } from './ice-servers.js';

describe('parseIceServers', () => {
  it.each([[undefined], [''], ['   ']])('reads %j as no servers', (value) => {
    expect(parseIceServers(value)).toEqual([]);
  });

  it('reads a comma-separated list of URLs, one server each, ignoring blanks', () => {
    expect(
      parseIceServers(' stun:stun.example.org:3478, ,turns:turn.example.org:5349?transport=tcp,'),
    ).toEqual([
      { urls: 'stun:stun.example.org:3478' },
      { urls: 'turns:turn.example.org:5349?transport=tcp' },
    ]);
  });

  it('reads a JSON array of RTCIceServer objects as given', () => {
    const servers = [
      { urls: ['turn:a.example.org:3478', 'turn:a.example.org:3478?transport=tcp'] },
      { urls: 'turn:b.example.org', username: 'static', credential: 'secret' },
    ];
    expect(parseIceServers(JSON.stringify(servers))).toEqual(servers);
  });

  it.each([
    ['https://stun.example.org', /"https:\/\/stun.example.org" is not a stun:/],
    ['stun.example.org:3478', /is not a stun:, stuns:, turn: or turns: URL/],
    ['stun:ok.example.org,ftp://bad.example.org', /ftp:\/\/bad/],
  ])('refuses the URL list %j', (value, message) => {
    expect(() => parseIceServers(value)).toThrow(message);
  });

  it.each([
    ['broken JSON', '[{"urls": '],
    ['an entry without urls', '[{"username": "u"}]'],
    ['urls of the wrong type', '[{"urls": 3478}]'],
    ['a URL of another scheme', '[{"urls": "http://turn.example.org"}]'],
    ['a URL of another scheme in a list', '[{"urls": ["turn:ok.example.org", "ws://no"]}]'],
  ])('refuses a JSON array with %s', (_what, value) => {
    expect(() => parseIceServers(value)).toThrow();
  });

  it('makes a bad ICE_SERVERS or a short TURN_SECRET a configuration error at start', () => {
    expect(() => loadConfig({ ICE_SERVERS: 'stun.example.org' })).toThrow(/ICE_SERVERS/);
    expect(() => loadConfig({ ICE_SERVERS: '[{"urls": 1}]' })).toThrow(/ICE_SERVERS/);
    expect(() => loadConfig({ TURN_SECRET: 'short' })).toThrow(/TURN_SECRET/);
    expect(loadConfig({ ICE_SERVERS: 'stun:s.example.org' }).room.iceServers).toEqual([
      { urls: 'stun:s.example.org' },
    ]);
  });
});

describe('iceServersFor', () => {
  const now = new Date('2030-03-01T10:00:00Z');
  const servers: IceSettings['iceServers'] = [
    { urls: 'stun:stun.example.org' },
    { urls: ['turn:turn.example.org:3478', 'turns:turn.example.org:5349'] },
    { urls: 'turn:static.example.org', username: 'fixed', credential: 'kept' },
  ];

  it('hands out the servers unchanged without TURN_SECRET', () => {
    const settings = { iceServers: servers, turnSecret: undefined, turnTtlSeconds: 3600 };
    expect(iceServersFor(settings, { peerId: 'p1' }, now)).toEqual(servers);
  });

  it('gives TURN servers without credentials an expiring coturn use-auth-secret credential', () => {
    const settings = { iceServers: servers, turnSecret: 'shared-secret-16+', turnTtlSeconds: 600 };
    const [stun, turn, fixed] = iceServersFor(settings, { peerId: 'peer-9' }, now);
    const username = `${now.getTime() / 1000 + 600}:peer-9`;
    expect(stun).toEqual(servers[0]);
    expect(turn).toEqual({
      urls: ['turn:turn.example.org:3478', 'turns:turn.example.org:5349'],
      username,
      credential: createHmac('sha1', 'shared-secret-16+').update(username).digest('base64'),
    });
    // A server configured with its own credential keeps it.
    expect(fixed).toEqual(servers[2]);
  });

  it('gives each participant their own user name', () => {
    const settings = { iceServers: servers, turnSecret: 'shared-secret-16+', turnTtlSeconds: 600 };
    const a = iceServersFor(settings, { peerId: 'a' }, now)[1];
    const b = iceServersFor(settings, { peerId: 'b' }, now)[1];
    expect(a?.username).not.toBe(b?.username);
    expect(a?.credential).not.toBe(b?.credential);
  });
});
