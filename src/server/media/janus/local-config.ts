/**
 * A loopback-only Janus configuration folder: the VideoRoom plugin and the WebSocket transport
 * on 127.0.0.1, nothing else. Used by the end-to-end tests now and by the embedded supervisor
 * later. Janus offers every interface for ICE and ignores `ice_enforce_list` for loopback, so
 * ICE is pinned to the host's first real IPv4 address instead (browsers on the same host reach
 * it as well as any other).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import path from 'node:path';

export interface LocalJanusOptions {
  /** Folder to write; Janus runs as `janus -F <dir> -C <dir>/janus.jcfg`. */
  dir: string;
  wsPort: number;
  /** Every API request must carry it (janode sends it as `apisecret`). */
  apiSecret: string;
  /** UDP ports for media, as "min-max". */
  rtpPortRange?: string;
  /** The address ICE candidates use; undefined: the first non-internal IPv4 address. */
  iceAddress?: string | undefined;
}

// Every plugin and transport Debian's package ships except VideoRoom and WebSockets.
const UNUSED_PLUGINS = [
  'audiobridge',
  'duktape',
  'echotest',
  'lua',
  'nosip',
  'recordplay',
  'sip',
  'streaming',
  'textroom',
  'videocall',
  'voicemail',
].map((name) => `libjanus_${name}.so`);
const UNUSED_TRANSPORTS = ['http', 'mqtt', 'nanomsg', 'pfunix', 'rabbitmq'].map(
  (name) => `libjanus_${name}.so`,
);

/** The first IPv4 address of a real interface (not loopback), if the host has one. */
export function detectIceAddress(): string | undefined {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === 'IPv4' && !address.internal) return address.address;
    }
  }
  return undefined;
}

export function janusConfigFiles(options: LocalJanusOptions): Record<string, string> {
  const ice = options.iceAddress ?? detectIceAddress();
  const janus = `general: {
  configs_folder = ${quote(options.dir)}
  debug_level = 3
  api_secret = ${quote(options.apiSecret)}
  session_timeout = 60
}
media: {
  rtp_port_range = ${quote(options.rtpPortRange ?? '20000-40000')}
}
nat: {
  nice_debug = false
${ice ? `  ice_enforce_list = ${quote(ice)}\n` : ''}}
plugins: {
  disable = ${quote(UNUSED_PLUGINS.join(','))}
}
transports: {
  disable = ${quote(UNUSED_TRANSPORTS.join(','))}
}
events: {
  broadcast = false
}
loggers: {
  disable = "libjanus_jsonlog.so"
}
`;
  const websockets = `general: {
  json = "plain"
  ws = true
  ws_port = ${options.wsPort}
  ws_ip = "127.0.0.1"
  wss = false
}
admin: {
  admin_ws = false
  admin_wss = false
}
`;
  // Rooms are created through the API; none is configured here.
  const videoroom = `general: {
}
`;
  return {
    'janus.jcfg': janus,
    'janus.transport.websockets.jcfg': websockets,
    'janus.plugin.videoroom.jcfg': videoroom,
  };
}

/** Writes the folder; returns the arguments to start Janus with. */
export async function writeJanusConfig(options: LocalJanusOptions): Promise<string[]> {
  await mkdir(options.dir, { recursive: true });
  for (const [name, text] of Object.entries(janusConfigFiles(options))) {
    await writeFile(path.join(options.dir, name), text, { mode: 0o600 });
  }
  return ['-F', options.dir, '-C', path.join(options.dir, 'janus.jcfg')];
}

function quote(value: string): string {
  return JSON.stringify(value);
}
