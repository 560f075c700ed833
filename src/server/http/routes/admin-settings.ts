import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { adminSettingsReply, errorBody, updateSettingsBody } from '../../../shared/api.js';
import { AppError } from '../../errors.js';
import { LOGO_MAX_BYTES } from '../../settings/logo.js';
import { auditActor } from '../audit-actor.js';
import type { RouteContext } from '../context.js';
import { acceptUploads, fileBytes, uploadedFile } from '../uploads.js';

const YEAR_S = 365 * 24 * 3600;

/** Settings admins change at run time, and the organization's logo (served publicly). */
export const adminSettingsRoutes: FastifyPluginAsyncZod<RouteContext> = async (
  app,
  { services, guards },
) => {
  await acceptUploads(app);
  const { settings } = services;
  const errors = { 401: errorBody, 403: errorBody };

  app.get(
    '/api/admin/settings',
    {
      onRequest: guards.requireAdmin,
      schema: {
        tags: ['settings'],
        summary: 'Settings in effect, their defaults, and which are set here (admins only)',
        response: { 200: adminSettingsReply, ...errors },
      },
    },
    async () => settings.forAdmin(),
  );

  app.patch(
    '/api/admin/settings',
    {
      onRequest: guards.requireAdmin,
      schema: {
        tags: ['settings'],
        summary:
          'Change settings; null puts one back to its default. Effective at once, recorded in ' +
          'the audit log (admins only)',
        body: updateSettingsBody,
        response: { 200: adminSettingsReply, 400: errorBody, ...errors },
      },
    },
    async (request) => settings.update(request.body, auditActor(request)),
  );

  app.post(
    '/api/admin/settings/logo',
    {
      onRequest: guards.requireAdmin,
      schema: {
        tags: ['settings'],
        summary:
          'Upload the organization\'s logo (multipart, one field "file"; JPEG, PNG, WebP, GIF ' +
          'or AVIF up to 5 MB), stored as a PNG (admins only)',
        consumes: ['multipart/form-data'],
        response: { 200: adminSettingsReply, 400: errorBody, ...errors, 413: errorBody },
      },
    },
    async (request) => {
      if (!request.isMultipart()) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
      const file = await uploadedFile(request, LOGO_MAX_BYTES);
      if (file?.fieldname !== 'file') {
        throw new AppError('VALIDATION', { message: 'Attach the logo in a field named "file".' });
      }
      const bytes = await fileBytes(file, 'IMAGE_TOO_LARGE');
      return settings.setLogo(bytes, auditActor(request));
    },
  );

  app.delete(
    '/api/admin/settings/logo',
    {
      onRequest: guards.requireAdmin,
      schema: {
        tags: ['settings'],
        summary: "Remove the organization's logo (admins only)",
        response: { 200: adminSettingsReply, ...errors },
      },
    },
    async (request) => settings.removeLogo(auditActor(request)),
  );

  app.get(
    '/logos/:file',
    { schema: { hide: true, params: z.object({ file: z.string().max(64) }) } },
    async (request, reply) => {
      const match = /^(.+)\.png$/.exec(request.params.file);
      const bytes = match?.[1] ? await settings.readLogo(match[1]) : undefined;
      if (!bytes) throw new AppError('NOT_FOUND');
      // Every upload gets a new id, so a logo can be cached for good.
      return reply
        .type('image/png')
        .header('Cache-Control', `public, max-age=${YEAR_S}, immutable`)
        .header('X-Content-Type-Options', 'nosniff')
        .send(bytes);
    },
  );
};
