import { useState } from 'react';

export const AVATAR_MAX_BYTES = 5 * 1024 * 1024;

export type PictureChoice =
  { kind: 'keep' } | { kind: 'remove' } | { kind: 'new'; file: File; previewUrl: string };

export type PictureProblem = 'tooLarge' | 'notImage' | null;

/**
 * The picture the person picked but has not saved yet. Previews are data: URLs rather than
 * blob: URLs because the server's Content-Security-Policy allows only 'self' and data: images.
 */
export function usePictureChoice() {
  const [choice, setChoice] = useState<PictureChoice>({ kind: 'keep' });
  const [problem, setProblem] = useState<PictureProblem>(null);

  function pick(file: File | undefined) {
    setProblem(null);
    if (!file) return setChoice({ kind: 'keep' });
    // HEIC files often come with an empty type; let the server sniff those.
    if (file.type && !file.type.startsWith('image/')) return setProblem('notImage');
    if (file.size > AVATAR_MAX_BYTES) return setProblem('tooLarge');
    const reader = new FileReader();
    reader.onload = () => {
      if (typeof reader.result === 'string') {
        setChoice({ kind: 'new', file, previewUrl: reader.result });
      }
    };
    reader.onerror = () => setProblem('notImage');
    reader.readAsDataURL(file);
  }

  return {
    choice,
    problem,
    pick,
    remove: () => setChoice({ kind: 'remove' }),
    reset: () => setChoice({ kind: 'keep' }),
  };
}
