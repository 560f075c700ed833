import { describe, expect, it } from 'vitest';
import { isCandidateLine } from './candidates.js';

describe('isCandidateLine', () => {
  it.each([
    'candidate:842163049 1 udp 1677729535 192.0.2.10 54400 typ srflx raddr 10.0.0.2 rport 54400 generation 0 ufrag EsAw network-id 1',
    'candidate:1 1 UDP 2122252543 3f9c1c48-8f4f-4a8e-9c55-2b1d1c7d5e0a.local 61665 typ host',
    'candidate:3 1 tcp 1518280447 2001:db8::1 9 typ host tcptype active generation 0',
    'candidate:4 2 udp 41885439 198.51.100.7 3478 typ relay raddr 0.0.0.0 rport 0',
    '',
  ])('takes what browsers send: %s', (line) => {
    expect(isCandidateLine(line)).toBe(true);
  });

  it.each([
    'candidate:',
    'candidate:1',
    'a=candidate:1 1 udp 1 192.0.2.1 9 typ host',
    'candidate:1 1 udp 1 192.0.2.1 99999 typ host',
    'candidate:1 0 udp 1 192.0.2.1 9 typ host',
    'candidate:1 1 udp 1 192.0.2.1 9 host',
    'candidate:1 1 udp 12345678901 192.0.2.1 9 typ host',
    'candidate:1 1 udp 1 192.0.2.1 9 typ host\r\na=evil',
    'hello',
  ])('refuses what is no candidate line: %j', (line) => {
    expect(isCandidateLine(line)).toBe(false);
  });
});
