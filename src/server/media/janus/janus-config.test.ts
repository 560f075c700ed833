import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { janusConfigFiles } from './local-config.js';

describe('loadConfig: media backend', () => {
  it('uses p2p by default (MEDIA=auto and no JANUS_URLS)', () => {
    expect(loadConfig({}).media).toEqual({ backend: 'p2p' });
  });

  it('uses janus when JANUS_URLS is set, with a room cap of 50 unless JANUS_ROOM_CAP says', () => {
    expect(
      loadConfig({ JANUS_URLS: ' ws://10.0.0.5:8188 , wss://janus.example.org/ws ' }).media,
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
  });

  it('keeps p2p when MEDIA=p2p, whatever JANUS_URLS says', () => {
    expect(loadConfig({ MEDIA: 'p2p', JANUS_URLS: 'ws://127.0.0.1:8188' }).media).toEqual({
      backend: 'p2p',
    });
  });

  it('runs a local Janus with MEDIA=janus and no JANUS_URLS (an empty list)', () => {
    expect(loadConfig({ MEDIA: 'janus' }).media).toMatchObject({ backend: 'janus', urls: [] });
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
