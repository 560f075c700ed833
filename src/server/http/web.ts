/**
 * Serves the built web app (dist/web) from the same process: hashed assets cached for good,
 * index.html for every other page path so the client router takes over.
 */
import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { sendError } from './error-handler.js';

export async function registerWeb(app: FastifyInstance, webDir: string): Promise<void> {
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
  app.setNotFoundHandler(async (request, reply) => {
    const isPage = request.method === 'GET' && !/^\/(api|avatars)(\/|\?|$)/.test(request.url);
    if (!isPage) return sendError(reply, 'NOT_FOUND');
    if (!built) {
      return reply
        .type('text/plain')
        .status(503)
        .send('The web app is not built yet: run `npm run build` (npm start does it for you).');
    }
    return reply.header('Cache-Control', 'no-cache').sendFile('index.html');
  });
}
