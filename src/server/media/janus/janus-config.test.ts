import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../config.js';
import { janusConfigFiles } from './local-config.js';

describe('loadConfig: media backend', () => {
  const installed = () => '/usr/bin/janus';
  const missing = () => undefined;

  it('uses p2p by default when janus is not installed (MEDIA=auto, no JANUS_URLS)', () => {
    expect(loadConfig({}, missing).media).toEqual({ backend: 'p2p' });
    // No PATH in the environment given: nothing is found, whatever is installed where it runs.
    expect(loadConfig({}).media).toEqual({ backend: 'p2p' });
  });

  it('runs a local Janus by default when janus is installed, p2p if it cannot start', () => {
    expect(loadConfig({}, installed).media).toEqual({
      backend: 'janus',
      urls: [],
      apiSecret: undefined,
      roomCap: 50,
      local: { binary: '/usr/bin/janus', fallbackToP2p: true },
    });
  });

  it('looks for janus in the PATH of the environment it is given', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tertulia-config-path-'));
    const binary = path.join(dir, 'janus');
    writeFileSync(binary, '#!/bin/sh\n', { mode: 0o755 });
    expect(loadConfig({ PATH: `/nonexistent${path.delimiter}${dir}` }).media).toMatchObject({
      backend: 'janus',
      local: { binary, fallbackToP2p: true },
    });
  });

  it('uses janus when JANUS_URLS is set, with a room cap of 50 unless JANUS_ROOM_CAP says', () => {
    const findJanus = vi.fn(installed);
    expect(
      loadConfig({ JANUS_URLS: ' ws://10.0.0.5:8188 , wss://janus.example.org/ws ' }, findJanus)
        .media,
    ).toEqual({
      backend: 'janus',
      urls: ['ws://10.0.0.5:8188', 'wss://janus.example.org/ws'],
      apiSecret: undefined,
      roomCap: 50,
    });
    expect(
      loadConfig({
        JANUS_URLS: 'ws://127.0.0.1:8188',
        JANUS_ROOM_CAP: '120',
        JANUS_API_SECRET: 's',
      }).media,
    ).toMatchObject({ backend: 'janus', apiSecret: 's', roomCap: 120 });
    expect(findJanus).not.toHaveBeenCalled();
  });

  it('keeps p2p when MEDIA=p2p, whatever JANUS_URLS says or janus being installed', () => {
    expect(loadConfig({ MEDIA: 'p2p', JANUS_URLS: 'ws://127.0.0.1:8188' }).media).toEqual({
      backend: 'p2p',
    });
    expect(loadConfig({ MEDIA: 'p2p' }, installed).media).toEqual({ backend: 'p2p' });
  });

  it('runs a local Janus with MEDIA=janus and no JANUS_URLS, with no p2p fallback', () => {
    expect(loadConfig({ MEDIA: 'janus' }, installed).media).toMatchObject({
      backend: 'janus',
      urls: [],
      local: { binary: '/usr/bin/janus', fallbackToP2p: false },
    });
    // Not installed: the start fails and says how to install it (local-janus.ts).
    expect(loadConfig({ MEDIA: 'janus' }, missing).media).toMatchObject({
      local: { binary: 'janus', fallbackToP2p: false },
    });
  });

  it.each([
    ['JANUS_URLS', 'http://127.0.0.1:8088/janus'],
    ['JANUS_ROOM_CAP', '1'],
    ['MEDIA', 'mediasoup'],
  ])('refuses %s=%j', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(name));
  });

  it("never shows JANUS_API_SECRET's value in a configuration error", () => {
    const secret = 'do-not-print-this-secret';
    let message = '';
    try {
      loadConfig({ JANUS_URLS: 'http://wrong', JANUS_API_SECRET: secret });
    } catch (error) {
      message = String(error);
    }
    expect(message).toMatch(/JANUS_URLS/);
    expect(message).not.toContain(secret);
  });
});

describe('janusConfigFiles', () => {
  const files = janusConfigFiles({
    dir: '/tmp/j',
    wsPort: 8999,
    apiSecret: 'secret-1',
    iceAddress: '192.0.2.10',
  });

  it('serves the API on loopback only, with the secret, and pins ICE to the given address', () => {
    expect(files['janus.transport.websockets.jcfg']).toMatch(/ws_ip = "127\.0\.0\.1"/);
    expect(files['janus.transport.websockets.jcfg']).toMatch(/ws_port = 8999/);
    expect(files['janus.transport.websockets.jcfg']).toMatch(/admin_ws = false/);
    expect(files['janus.jcfg']).toMatch(/api_secret = "secret-1"/);
    expect(files['janus.jcfg']).toMatch(/ice_enforce_list = "192\.0\.2\.10"/);
    expect(files['janus.jcfg']).toMatch(/rtp_port_range = "20000-40000"/);
  });

  it('disables every plugin and transport but VideoRoom and WebSockets', () => {
    const janus = files['janus.jcfg'] ?? '';
    expect(janus).toMatch(/libjanus_echotest\.so/);
    expect(janus).toMatch(/libjanus_http\.so/);
    expect(janus).not.toMatch(/libjanus_videoroom\.so/);
    expect(janus).not.toMatch(/libjanus_websockets\.so/);
  });
});
