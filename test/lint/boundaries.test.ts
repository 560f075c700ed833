/**
 * The folder boundaries of eslint.config.js (drawn in docs/architecture.md): each one reports an
 * import that crosses it and lets the nearest allowed import through. The code is linted as if
 * it sat at the given path, which need not exist.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: root });

/** The boundary errors (and parse errors) for `code` placed at `filePath`. */
async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  if (!result) throw new Error(`ESLint returned no result for ${filePath}`);
  return result.messages
    .filter(
      (m) => m.fatal || m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax',
    )
    .map((m) => m.message);
}

/** [file, code] */
type Placed = [string, string];

interface Boundary {
  name: string;
  /** Part of the message the crossing imports get. */
  message: string;
  crossing: Placed[];
  allowed: Placed[];
}

const serverFolders = fs
  .readdirSync(new URL('../../src/server/', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name !== 'http')
  .map((entry) => entry.name);

const boundaries: Boundary[] = [
  {
    name: 'src/web never imports src/server',
    message: 'src/web never imports src/server',
    crossing: [
      ['src/web/features/lobby/Fixture.tsx', "import '../../../server/config.js';"],
      ['src/web/lib/fixture.ts', "import type { Config } from '../../server/config.js';"],
      ['src/web/app/Fixture.tsx', "void import('../../server/compose.js');"],
    ],
    allowed: [['src/web/features/lobby/Fixture.tsx', "import '../../../shared/api.js';"]],
  },
  {
    name: 'src/server never imports src/web',
    message: 'src/server never imports src/web',
    crossing: [
      ['src/server/config.ts', "import '../web/lib/api.js';"],
      ['src/server/room/fixture.ts', "import '../../web/features/room/room-session.js';"],
    ],
    allowed: [['src/server/room/fixture.ts', "import '../../shared/signaling.js';"]],
  },
  {
    name: 'src/shared imports nothing of ours outside src/shared',
    message: 'src/shared imports nothing of ours',
    crossing: [
      ['src/shared/fixture.ts', "import '../server/errors.js';"],
      ['src/shared/fixture.ts', "import '../web/lib/api.js';"],
      ['src/shared/fixture.ts', "import '../../test/support/harness.js';"],
    ],
    allowed: [
      ['src/shared/fixture.ts', "import './errors.js';"],
      ['src/shared/fixture.ts', "import 'zod';"],
    ],
  },
  {
    name: 'src/server/storage imports no domain folder',
    message: 'src/server/storage imports no domain folder',
    crossing: [
      ['src/server/storage/fixture.ts', "import '../meetings/meetings.js';"],
      ['src/server/storage/fixture.ts', "import '../media/media-backend.js';"],
      ['src/server/storage/migrations/fixture.ts', "import '../../accounts/members.js';"],
    ],
    allowed: [
      ['src/server/storage/fixture.ts', "import './schema.js';"],
      ['src/server/storage/fixture.ts', "import '../clock.js';"],
    ],
  },
  {
    name: 'only main.ts and src/server/http import src/server/http',
    message: 'Only main.ts and src/server/http use the HTTP adapter',
    crossing: [
      ...serverFolders.map((folder): Placed => [
        `src/server/${folder}/fixture.ts`,
        "import '../http/context.js';",
      ]),
      ['src/server/media/janus/fixture.ts', "import '../../http/app.js';"],
      ['src/server/config.ts', "import './http/app.js';"],
      ['src/server/compose.ts', "import './http/app.js';"],
    ],
    allowed: [
      ['src/server/main.ts', "import './http/app.js';"],
      ['src/server/http/routes/fixture.ts', "import '../context.js';"],
      ['src/server/room/fixture.ts', "import '../storage/database.js';"],
    ],
  },
  {
    name: 'domain code never imports the composition root',
    message: 'Domain code is given its collaborators',
    crossing: [
      ['src/server/meetings/fixture.ts', "import '../compose.js';"],
      ['src/server/storage/fixture.ts', "import '../main.js';"],
      ['src/server/media/janus/fixture.ts', "import '../../compose.js';"],
    ],
    allowed: [
      ['src/server/main.ts', "import './compose.js';"],
      ['src/server/http/context.ts', "import type { Services } from '../compose.js';"],
    ],
  },
  {
    name: 'only compose.ts picks concrete adapters',
    message: 'picked in src/server/compose.ts only',
    crossing: [
      ['src/server/room/fixture.ts', "import '../media/p2p.js';"],
      ['src/server/main.ts', "import './media/janus/janus-backend.js';"],
      ['src/server/room/fixture.ts', "import '../media/janus/redis-room-placements.js';"],
      ['src/server/http/routes/fixture.ts', "import '../../invitations/transports/smtp.js';"],
      ['src/server/invitations/fixture.ts', "import './transports/smpp.js';"],
      ['src/server/lobby/fixture.ts', "import { InProcessRoomBus } from '../room/room-bus.js';"],
      ['src/server/room/fixture.ts', "import { RedisRoomBus } from './redis-room-bus.js';"],
      ['src/server/http/routes/fixture.ts', "import '../../room/redis-room-bus.js';"],
    ],
    allowed: [
      ['src/server/compose.ts', "import './media/p2p.js';"],
      ['src/server/compose.ts', "import './media/janus/redis-room-placements.js';"],
      ['src/server/compose.ts', "import { InProcessRoomBus } from './room/room-bus.js';"],
      ['src/server/compose.ts', "import { RedisRoomBus } from './room/redis-room-bus.js';"],
      ['src/server/media/fixture.ts', "import './janus/janus-backend.js';"],
      ['src/server/room/fixture.ts', "import '../media/media-backend.js';"],
      ['src/server/lobby/fixture.ts', "import type { RoomBus } from '../room/room-bus.js';"],
    ],
  },
  {
    name: 'src/web/lib never imports React',
    message: 'src/web/lib has no React',
    crossing: [
      ['src/web/lib/fixture.ts', "import { useState } from 'react';"],
      ['src/web/lib/fixture.ts', "import 'react-dom/client';"],
      ['src/web/lib/fixture.ts', "import 'react-i18next';"],
      ['src/web/lib/fixture.ts', "import 'react-router';"],
    ],
    allowed: [['src/web/lib/fixture.ts', "import 'zod/mini';"]],
  },
  {
    name: 'src/web/lib imports no other web folder',
    message: 'src/web/lib is the bottom of the web app',
    crossing: [
      ['src/web/lib/fixture.ts', "import '../features/room/room-session.js';"],
      ['src/web/lib/fixture.ts', "import '../ui/Button.js';"],
      ['src/web/lib/fixture.ts', "import '../i18n/index.js';"],
    ],
    allowed: [
      ['src/web/lib/fixture.ts', "import './http.js';"],
      ['src/web/lib/fixture.ts', "import '../../shared/api.js';"],
    ],
  },
  {
    name: 'src/web/i18n imports only src/web/lib',
    message: 'src/web/i18n imports only src/web/lib',
    crossing: [['src/web/i18n/fixture.ts', "import '../ui/Alert.js';"]],
    allowed: [['src/web/i18n/fixture.ts', "import '../lib/api-error.js';"]],
  },
  {
    name: 'ui and session never import features or the app',
    message: 'Features and the app import this folder, not back',
    crossing: [
      ['src/web/ui/Fixture.tsx', "import '../features/room/RoomPage.js';"],
      ['src/web/session/Fixture.tsx', "import '../app/Shell.js';"],
    ],
    allowed: [['src/web/ui/Fixture.tsx', "import '../i18n/error-text.js';"]],
  },
  {
    name: 'features never import the app shell',
    message: 'The app shell imports features, not back',
    crossing: [['src/web/features/admin/Fixture.tsx', "import '../../app/Shell.js';"]],
    allowed: [
      ['src/web/features/admin/Fixture.tsx', "import '../../ui/Button.js';"],
      ['src/web/app/Fixture.tsx', "import '../features/admin/MembersPage.js';"],
    ],
  },
  {
    name: 'a feature never imports another feature',
    message: 'A feature does not import another feature',
    crossing: [
      ['src/web/features/meetings/Fixture.tsx', "import '../admin/MembersPage.js';"],
      ['src/web/features/meetings/Fixture.tsx', "import '../../features/room/RoomPage.js';"],
      ['src/web/features/meetings/Fixture.tsx', "void import('../room/RoomPage.js');"],
      ['src/web/features/meetings/Fixture.tsx', "import '../room/room-prestart.js';"],
      ['src/web/features/room/Fixture.tsx', "import '../lobby/LobbyPage.js';"],
    ],
    allowed: [
      ['src/web/features/meetings/Fixture.tsx', "import './MeetingForm.js';"],
      ['src/web/features/meetings/Fixture.tsx', "import '../../lib/api.js';"],
    ],
  },
  {
    name: 'the lobby imports only room-prestart.js of the room',
    message: 'A feature does not import another feature',
    crossing: [
      ['src/web/features/lobby/Fixture.tsx', "import '../room/room-session.js';"],
      ['src/web/features/lobby/Fixture.tsx', "import '../room/webrtc-warmup.js';"],
      ['src/web/features/lobby/Fixture.tsx', "void import('../room/RoomPage.js');"],
      ['src/web/features/lobby/Fixture.tsx', "import '../admin/MembersPage.js';"],
    ],
    allowed: [
      [
        'src/web/features/lobby/Fixture.tsx',
        "import { prestartRoom } from '../room/room-prestart.js';",
      ],
      ['src/web/features/lobby/Fixture.tsx', "void import('../room/room-prestart.js');"],
    ],
  },
];

describe.each(boundaries)('$name', ({ message, crossing, allowed }) => {
  it.each(crossing)('reports %s: %s', async (file, code) => {
    expect(await boundaryErrors(file, code)).toEqual([expect.stringContaining(message)]);
  });

  it.each(allowed)('allows %s: %s', async (file, code) => {
    expect(await boundaryErrors(file, code)).toEqual([]);
  });
});
