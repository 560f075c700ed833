import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody, Member } from '../../src/shared/api.js';
import { databaseKinds, startTestApp, type TestApp } from '../support/harness.js';

const BOUNDARY = '----tertulia-avatar-test';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

interface Part {
  name: string;
  value: Buffer | string;
  filename?: string;
  contentType?: string;
}

/** A multipart/form-data body, built by hand so the test controls every byte. */
function multipart(parts: Part[]) {
  const chunks = parts.flatMap((part) => {
    const disposition = `form-data; name="${part.name}"${
      part.filename === undefined ? '' : `; filename="${part.filename}"`
    }`;
    const head =
      `--${BOUNDARY}\r\nContent-Disposition: ${disposition}\r\n` +
      (part.contentType ? `Content-Type: ${part.contentType}\r\n` : '') +
      '\r\n';
    return [Buffer.from(head), Buffer.from(part.value), Buffer.from('\r\n')];
  });
  return {
    payload: Buffer.concat([...chunks, Buffer.from(`--${BOUNDARY}--\r\n`)]),
    headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
  };
}

const filePart = (value: Buffer | string, filename: string, contentType: string): Part => ({
  name: 'file',
  value,
  filename,
  contentType,
});

/** A 300×200 picture in the given format (not square, so the crop is exercised). */
function picture(format: 'png' | 'jpeg' | 'webp' | 'gif'): Promise<Buffer> {
  return sharp({ create: { width: 300, height: 200, channels: 3, background: '#2a6f97' } })
    .toFormat(format)
    .toBuffer();
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** A tiny, well-formed PNG header that claims a huge picture (a decompression bomb's calling card). */
function pixelFloodPng(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(2, 9); // colour type: RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

describe.concurrent.each(databaseKinds)('avatars API (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => {
    await t.close();
  });

  async function loggedIn() {
    const member = await t.createMember();
    return { ...member, cookie: await t.login(member.email, member.password) };
  }

  async function upload(cookie: string | undefined, parts: Part[]) {
    const body = multipart(parts);
    return t.app.inject({
      method: 'POST',
      url: '/api/avatars',
      headers: { ...body.headers, ...(cookie ? { cookie } : {}) },
      payload: body.payload,
    });
  }

  function expectError(
    response: Awaited<ReturnType<typeof upload>>,
    status: number,
    codes: string[],
  ) {
    expect(response.statusCode).toBe(status);
    expect(codes).toContain(response.json<ErrorBody>().code);
  }

  it.each([
    ['PNG', 'png', 'me.png', 'image/png'],
    ['JPEG', 'jpeg', 'me.jpg', 'image/jpeg'],
    ['WebP', 'webp', 'me.webp', 'image/webp'],
    ['GIF', 'gif', 'me.gif', 'image/gif'],
  ] as const)(
    'POST /api/avatars stores a %s (201) as a 256×256 WebP served with nosniff and a long cache',
    async (_name, format, filename, contentType) => {
      const member = await loggedIn();
      const response = await upload(member.cookie, [
        filePart(await picture(format), filename, contentType),
      ]);

      expect(response.statusCode).toBe(201);
      const avatar = response.json<{ id: string; url: string }>();
      expect(avatar.url).toMatch(new RegExp(`^/avatars/${UUID}\\.webp$`));
      expect(avatar.url).toBe(`/avatars/${avatar.id}.webp`);

      const served = await t.app.inject({ method: 'GET', url: avatar.url });
      expect(served.statusCode).toBe(200);
      expect(served.headers['content-type']).toBe('image/webp');
      expect(served.headers['x-content-type-options']).toBe('nosniff');
      expect(served.headers['cache-control']).toMatch(/max-age=(\d{8,})/);
      expect(Number(/max-age=(\d+)/.exec(String(served.headers['cache-control']))?.[1])).toBe(
        365 * 24 * 3600,
      );
      const meta = await sharp(served.rawPayload).metadata();
      expect(meta).toMatchObject({ format: 'webp', width: 256, height: 256 });
    },
  );

  it('POST /api/avatars drops EXIF metadata, GPS position included, from a JPEG', async () => {
    const member = await loggedIn();
    const jpeg = await sharp({
      create: { width: 120, height: 90, channels: 3, background: '#aa3333' },
    })
      .jpeg()
      .withExif({
        IFD0: { Copyright: 'secret copyright', Artist: 'secret artist' },
        // IFD3 is the GPS directory: where the photo was taken.
        IFD3: {
          GPSLatitudeRef: 'N',
          GPSLatitude: '40/1 25/1 1234/100',
          GPSLongitudeRef: 'W',
          GPSLongitude: '3/1 42/1 0/1',
        },
      })
      .toBuffer();
    const exifBefore = (await sharp(jpeg).metadata()).exif;
    // The GPSInfo pointer tag (0x8825), in either byte order, proves the position is there.
    const gpsPointer = (exif: Buffer) =>
      exif.includes(Buffer.from([0x88, 0x25])) || exif.includes(Buffer.from([0x25, 0x88]));
    expect(exifBefore && gpsPointer(exifBefore)).toBe(true);
    expect(jpeg.includes('secret artist')).toBe(true);

    const response = await upload(member.cookie, [filePart(jpeg, 'photo.jpg', 'image/jpeg')]);
    expect(response.statusCode).toBe(201);

    const served = await t.app.inject({
      method: 'GET',
      url: response.json<{ url: string }>().url,
    });
    const meta = await sharp(served.rawPayload).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(served.rawPayload.includes('secret')).toBe(false);
  });

  it('POST /api/avatars reads the content, not the name: a PNG named photo.jpg is accepted', async () => {
    const member = await loggedIn();
    const response = await upload(member.cookie, [
      filePart(await picture('png'), 'photo.jpg', 'image/jpeg'),
    ]);
    expect(response.statusCode).toBe(201);
  });

  it('an uploaded avatar can be set on the profile and is served without a cookie', async () => {
    const member = await loggedIn();
    const { id, url } = (
      await upload(member.cookie, [filePart(await picture('png'), 'me.png', 'image/png')])
    ).json<{ id: string; url: string }>();
    const profile = await t.app.inject({
      method: 'PATCH',
      url: '/api/me',
      headers: { cookie: member.cookie },
      payload: { avatarId: id },
    });
    expect(profile.json<Member>().avatarUrl).toBe(url);
    expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(200);
  });

  it.each([
    ['a text file named .png', Buffer.from('just some words, not a picture\n'), 'x.png'],
    [
      'an SVG with a script',
      Buffer.from(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">' +
          '<script>alert(document.cookie)</script><rect width="10" height="10"/></svg>',
      ),
      'x.svg',
    ],
    ['an HTML page named .gif', Buffer.from('<!doctype html><script>alert(1)</script>'), 'x.gif'],
    ['a PDF', Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n'), 'x.pdf'],
  ])('POST /api/avatars refuses %s with 400 UNSUPPORTED_IMAGE', async (_title, bytes, name) => {
    const member = await loggedIn();
    const response = await upload(member.cookie, [filePart(bytes, name, 'image/png')]);
    expectError(response, 400, ['UNSUPPORTED_IMAGE']);
  });

  it('POST /api/avatars refuses a damaged PNG with 400 UNSUPPORTED_IMAGE', async () => {
    const member = await loggedIn();
    const png = await sharp({
      create: {
        width: 300,
        height: 300,
        channels: 3,
        background: '#808080',
        // Noise does not compress, so half the file cuts through the pixel data.
        noise: { type: 'gaussian', mean: 128, sigma: 40 },
      },
    })
      .png()
      .toBuffer();
    const response = await upload(member.cookie, [
      filePart(png.subarray(0, Math.floor(png.length / 2)), 'cut.png', 'image/png'),
    ]);
    expectError(response, 400, ['UNSUPPORTED_IMAGE']);
  });

  it('POST /api/avatars refuses a file over 5 MB with 413 IMAGE_TOO_LARGE', async () => {
    const member = await loggedIn();
    const big = Buffer.alloc(5 * 1024 * 1024 + 1, 0x42);
    (await picture('png')).copy(big);
    const response = await upload(member.cookie, [filePart(big, 'big.png', 'image/png')]);
    expectError(response, 413, ['IMAGE_TOO_LARGE']);
  });

  it.each([
    [100_000, 100_000],
    [8_000, 8_000],
  ])(
    'POST /api/avatars refuses a tiny PNG that claims %i×%i pixels with 400 IMAGE_TOO_MANY_PIXELS',
    async (width, height) => {
      const member = await loggedIn();
      const bomb = pixelFloodPng(width, height);
      expect(bomb.length).toBeLessThan(100);
      const header = await sharp(bomb, { limitInputPixels: false }).metadata();
      expect(header).toMatchObject({ width, height });

      const response = await upload(member.cookie, [filePart(bomb, 'bomb.png', 'image/png')]);
      expectError(response, 400, ['IMAGE_TOO_MANY_PIXELS']);
    },
  );

  it('POST /api/avatars without a file field answers 400 VALIDATION', async () => {
    const member = await loggedIn();
    const response = await upload(member.cookie, [{ name: 'note', value: 'no picture here' }]);
    expectError(response, 400, ['VALIDATION']);
  });

  it('POST /api/avatars with a JSON body answers 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const member = await loggedIn();
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/avatars',
      headers: { cookie: member.cookie },
      payload: { file: 'iVBORw0KGgo=' },
    });
    expectError(response, 415, ['UNSUPPORTED_MEDIA_TYPE']);
  });

  it('POST /api/avatars without a session answers 401 UNAUTHENTICATED and stores nothing', async () => {
    // The tests of this file run concurrently on one app, so others store pictures meanwhile;
    // all of theirs belong to a member or a meeting, and one stored here would belong to none.
    const ownerless = async () =>
      (
        await t.db
          .selectFrom('avatars')
          .select('id')
          .where('owner_user_id', 'is', null)
          .where('meeting_id', 'is', null)
          .execute()
      ).length;
    const response = await upload(undefined, [
      filePart(await picture('png'), 'me.png', 'image/png'),
    ]);
    expectError(response, 401, ['UNAUTHENTICATED']);
    expect(await ownerless()).toBe(0);
  });

  it.each([
    ['an id that was never stored', '/avatars/00000000-0000-4000-8000-000000000000.webp'],
    ['a name that is not an id', '/avatars/not-an-id.webp'],
    ['another extension', '/avatars/00000000-0000-4000-8000-000000000000.png'],
    ['a path outside the folder', '/avatars/..%2F..%2Fetc%2Fpasswd'],
  ])('GET /avatars answers 404 NOT_FOUND for %s', async (_title, url) => {
    const response = await t.app.inject({ method: 'GET', url });
    expect(response.statusCode).toBe(404);
    expect(response.json<ErrorBody>().code).toBe('NOT_FOUND');
  });
});
