import { useCallback, useEffect, useRef, useState } from 'react';
import { joinApi } from '../../lib/join-api.js';

export type PictureState =
  | { status: 'none' }
  | { status: 'preparing' }
  | { status: 'uploading'; previewUrl: string | null }
  | { status: 'ready'; previewUrl: string; avatarId: string };

export type PictureProblem =
  { kind: 'notImage' } | { kind: 'selfie' } | { kind: 'upload'; error: unknown };

/**
 * The guest's optional picture: cut to a centred square in the browser and uploaded at once
 * (with the join token), so Join only has to name it. A newer choice or a removal wins over an
 * upload still on its way.
 */
export function useGuestPicture(token: string) {
  const [state, setState] = useState<PictureState>({ status: 'none' });
  const [problem, setProblem] = useState<PictureProblem | null>(null);
  const generation = useRef(0);
  const upload = useRef<Promise<string | null>>(Promise.resolve(null));
  const objectUrl = useRef<string | null>(null);

  const forgetPreview = useCallback(() => {
    if (objectUrl.current) URL.revokeObjectURL(objectUrl.current);
    objectUrl.current = null;
  }, []);
  useEffect(() => forgetPreview, [forgetPreview]);

  const send = useCallback(
    (blob: Blob, fileName: string, localPreview: boolean) => {
      const mine = generation.current;
      forgetPreview();
      const previewUrl = localPreview ? URL.createObjectURL(blob) : null;
      objectUrl.current = previewUrl;
      setState({ status: 'uploading', previewUrl });
      const sent = joinApi.uploadGuestAvatar(token, blob, fileName);
      upload.current = sent.then(
        (avatar) => (mine === generation.current ? avatar.id : null),
        () => null,
      );
      sent.then(
        (avatar) => {
          if (mine !== generation.current) return;
          setState({ status: 'ready', previewUrl: previewUrl ?? avatar.url, avatarId: avatar.id });
        },
        (error: unknown) => {
          if (mine !== generation.current) return;
          forgetPreview();
          setState({ status: 'none' });
          setProblem({ kind: 'upload', error });
        },
      );
    },
    [token, forgetPreview],
  );

  const fromFile = useCallback(
    async (file: File) => {
      const mine = ++generation.current;
      setProblem(null);
      // HEIC files often come with an empty type; let the server sniff those.
      if (file.type && !file.type.startsWith('image/')) {
        setState({ status: 'none' });
        return setProblem({ kind: 'notImage' });
      }
      setState({ status: 'preparing' });
      const square = await squareOf(file);
      if (mine !== generation.current) return;
      if (square) send(square, fileNameFor(square), true);
      // The browser cannot decode it (HEIC outside Safari): the server can, and crops it too.
      else send(file, file.name || 'picture', false);
    },
    [send],
  );

  const fromVideo = useCallback(
    async (video: HTMLVideoElement) => {
      const mine = ++generation.current;
      setProblem(null);
      setState({ status: 'preparing' });
      try {
        const { squareBlob } = await loadSquareImage();
        const square = await squareBlob(video);
        if (mine === generation.current) send(square, fileNameFor(square), true);
      } catch {
        if (mine !== generation.current) return;
        setState({ status: 'none' });
        setProblem({ kind: 'selfie' });
      }
    },
    [send],
  );

  const remove = useCallback(() => {
    generation.current += 1;
    forgetPreview();
    upload.current = Promise.resolve(null);
    setProblem(null);
    setState({ status: 'none' });
  }, [forgetPreview]);

  /** The uploaded picture's id once any upload in flight has finished; null without one. */
  const avatarId = useCallback(() => upload.current, []);

  return { state, problem, fromFile, fromVideo, remove, avatarId };
}

/** The cropping code: fetched when a guest picks a picture, not with the lobby. */
const loadSquareImage = () => import('../../lib/square-image.js');

async function squareOf(file: File): Promise<Blob | null> {
  try {
    const { decodeFile, squareBlob } = await loadSquareImage();
    const bitmap = await decodeFile(file);
    try {
      return await squareBlob(bitmap);
    } finally {
      bitmap.close();
    }
  } catch {
    return null;
  }
}

function fileNameFor(blob: Blob): string {
  return blob.type === 'image/webp' ? 'avatar.webp' : 'avatar.jpg';
}
