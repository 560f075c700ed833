/**
 * Reading the one file of a multipart upload. The multipart parser reports a body that is not
 * well-formed (no boundary, cut short, a broken part header) with plain errors, which the error
 * handler would answer as 500 INTERNAL; they are the client's mistake, 400 VALIDATION.
 * Errors with a code (the plugin's limits) keep their own mapping in error-handler.ts.
 */
import fastifyMultipart, { type MultipartFile } from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ErrorCode } from '../../shared/errors.js';
import { AppError } from '../errors.js';

const MALFORMED = 'The body is not well-formed multipart/form-data.';

/**
 * Registers the multipart parser in the (encapsulated) route plugin that takes uploads, rather
 * than app-wide: it adds two promise-returning hooks to every request of its scope (a `close`
 * listener and a temp-file clean-up), work a /healthz request has no use for.
 * Elsewhere a multipart body is refused with 415 UNSUPPORTED_MEDIA_TYPE, as any unknown type.
 */
export async function acceptUploads(app: FastifyInstance): Promise<void> {
  await app.register(fastifyMultipart, {
    limits: { fileSize: 5 * 1024 * 1024, files: 1, fields: 5 },
  });
}

function asClientError(error: unknown): never {
  if (error instanceof AppError || (error as { code?: unknown }).code !== undefined) throw error;
  throw new AppError('VALIDATION', { message: MALFORMED, cause: error });
}

/** The first file part and the fields before it, or undefined when there is no file. */
export async function uploadedFile(
  request: FastifyRequest,
  maxBytes: number,
): Promise<MultipartFile | undefined> {
  try {
    return await request.file({ limits: { fileSize: maxBytes, files: 1 } });
  } catch (error) {
    return asClientError(error);
  }
}

/** The whole file; `tooLarge` when it is over the limit given to `uploadedFile`. */
export async function fileBytes(file: MultipartFile, tooLarge: ErrorCode): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await file.toBuffer();
  } catch (error) {
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
      throw new AppError(tooLarge, { cause: error });
    }
    return asClientError(error);
  }
  // toBuffer() stops at the limit and flags it instead of throwing in some versions.
  if (file.file.truncated) throw new AppError(tooLarge);
  return bytes;
}
