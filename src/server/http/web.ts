/**
 * Serves the built web app (dist/web) from the same process: hashed assets cached for good,
 * index.html for every other page path so the client router takes over. A join link's page
 * (`/m/<token>`) comes with its lobby's data and preloads (lobby-page.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { LobbyBoot } from '../../shared/lobby-boot.js';
import { sendError } from './error-handler.js';
import { languageOf, lobbyAssets, lobbyPage, manifestReader } from './lobby-page.js';

/** `/m/<token>`, with or without a query; not the room (`/m/<token>/room`). */
const LOBBY_PATH = /^\/m\/([^/?#]+)\/?(?:\?|$)/;

/** The lobby's data for a join link, or null when the lobby should ask for it itself. */
export type LobbyBootLoader = (request: FastifyRequest, token: string) => Promise<LobbyBoot | null>;

export async function registerWeb(
  app: FastifyInstance,
  webDir: string,
  lobbyBoot?: LobbyBootLoader,
): Promise<void> {
  const indexFile = path.join(webDir, 'index.html');
  const built = fs.existsSync(indexFile);
  if (built) {
    await app.register(fastifyStatic, {
      root: webDir,
      // Wildcard: assets written by a rebuild are served without restarting the server.
      wildcard: true,
      // `/` is the app's start page; deeper page paths fall through to the handler below.
      index: 'index.html',
      preCompressed: true,
      setHeaders(res, filePath) {
        const immutable = filePath.includes(`${path.sep}assets${path.sep}`);
        res.header('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }
  const readManifest = manifestReader(webDir);
  app.setNotFoundHandler(async (request, reply) => {
    const isPage = request.method === 'GET' && !/^\/(api|avatars)(\/|\?|$)/.test(request.url);
    if (!isPage) return sendError(reply, 'NOT_FOUND');
    if (!built) {
      return reply
        .type('text/plain')
        .status(503)
        .send('The web app is not built yet: run `npm run build` (npm start does it for you).');
    }
    const lobbyToken = LOBBY_PATH.exec(request.url)?.[1];
    if (lobbyToken && lobbyBoot) {
      const boot = await lobbyBoot(request, decodedOrEmpty(lobbyToken)).catch((error: unknown) => {
        // The page still works: the lobby asks the API itself, which answers the error.
        request.log.warn({ err: error }, 'join link page without its lobby data');
        return null;
      });
      const language = languageOf(request.headers['accept-language']);
      const html = lobbyPage(
        await fs.promises.readFile(indexFile, 'utf8'),
        boot,
        lobbyAssets(readManifest(), language),
      );
      // The page now carries who is logged in: no shared cache may keep it.
      return reply
        .header('Cache-Control', 'private, no-cache')
        .header('Vary', 'Cookie, Accept-Language')
        .type('text/html; charset=utf-8')
        .send(html);
    }
    return reply.header('Cache-Control', 'no-cache').sendFile('index.html');
  });
}

/** A path segment decoded; '' for a malformed escape (which then matches no meeting). */
function decodedOrEmpty(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return '';
  }
}
