import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { avatarSchema, errorBody } from '../../../shared/api.js';
import { AppError } from '../../errors.js';
import { AVATAR_MAX_BYTES } from '../../avatars/avatars.js';
import type { RouteContext } from '../context.js';
import { acceptUploads, fileBytes, uploadedFile } from '../uploads.js';

const YEAR_S = 365 * 24 * 3600;

export const avatarRoutes: FastifyPluginAsyncZod<RouteContext> = async (
  app,
  { services, guards },
) => {
  await acceptUploads(app);
  app.post(
    '/api/avatars',
    {
      onRequest: guards.optionalMember,
      schema: {
        tags: ['avatars'],
        summary:
          'Upload a picture (multipart, one field "file"); stored as a 256×256 WebP. Members, or ' +
          'guests sending a join token in X-Join-Token or a joinToken field before the file',
        consumes: ['multipart/form-data'],
        response: { 201: avatarSchema, 400: errorBody, 401: errorBody, 413: errorBody },
      },
      // Per source address: decoding pictures is the costliest thing a guest can ask for. It
      // guards CPU, not a secret, so uploads go on unlimited while Redis (REDIS_URL) is down.
      config: { rateLimit: { max: 30, timeWindow: 60_000, skipOnError: true } },
    },
    async (request, reply) => {
      const headerToken = request.headers['x-join-token'];
      if (!request.member && typeof headerToken !== 'string' && !request.isMultipart()) {
        throw new AppError('UNAUTHENTICATED');
      }
      if (!request.isMultipart()) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
      const file = await uploadedFile(request, AVATAR_MAX_BYTES);
      if (!file) {
        throw new AppError('VALIDATION', {
          message: 'Attach the picture in a field named "file".',
        });
      }
      // A guest's picture belongs to the meeting whose lobby it was uploaded from; the token
      // is checked before the file is read.
      let meetingId: string | null = null;
      if (!request.member) {
        const field = file.fields.joinToken;
        const formToken = field && 'value' in field ? String(field.value) : undefined;
        const token = typeof headerToken === 'string' ? headerToken : formToken;
        if (!token) throw new AppError('UNAUTHENTICATED');
        meetingId = await services.lobby.meetingForUpload(token);
      }
      const bytes = await fileBytes(file, 'IMAGE_TOO_LARGE');
      const stored = await services.avatars.store(bytes, {
        ownerUserId: request.member?.id ?? null,
        meetingId,
      });
      return reply.status(201).send(stored);
    },
  );

  app.get(
    '/avatars/:file',
    {
      schema: { hide: true, params: z.object({ file: z.string().max(64) }) },
    },
    async (request, reply) => {
      const match = /^(.+)\.webp$/.exec(request.params.file);
      const bytes = match?.[1] ? await services.avatars.read(match[1]) : undefined;
      if (!bytes) throw new AppError('NOT_FOUND');
      // Ids are never reused, so a picture can be cached for good.
      return reply
        .type('image/webp')
        .header('Cache-Control', `public, max-age=${YEAR_S}, immutable`)
        .header('X-Content-Type-Options', 'nosniff')
        .send(bytes);
    },
  );
};
