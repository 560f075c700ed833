import { useEffect, useRef } from 'react';

interface VideoViewProps {
  stream: MediaStream;
  className?: string;
  /** Our own camera is mirrored, as people expect from a mirror; screens never are. */
  mirrored?: boolean;
  testId?: string;
}

/** A muted, inline video of one stream (sound plays through RemoteAudio, once per person). */
export function VideoView({ stream, className, mirrored = false, testId }: VideoViewProps) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const video = ref.current;
    if (!video) return;
    video.srcObject = stream;
    // A removed element keeps its stream until garbage collection: its player, decoder and
    // last frame. For a camera that frame is one of the device's few capture buffers, and a
    // new encoder on that camera then waits over a second for its first frame
    // (docs/decisions/005-media-elements-release-their-stream.md).
    return () => {
      video.srcObject = null;
    };
  }, [stream]);
  return (
    <video
      ref={ref}
      className={className}
      style={mirrored ? { transform: 'scaleX(-1)' } : undefined}
      autoPlay
      playsInline
      muted
      data-testid={testId}
    />
  );
}

/**
 * Plays one participant's voice; hidden, and never our own (no echo). Browsers refuse sound on
 * a page nobody has clicked yet (a member opening the link directly): `onBlocked` says so.
 */
export function RemoteAudio({ stream, onBlocked }: { stream: MediaStream; onBlocked: () => void }) {
  const ref = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    const audio = ref.current;
    if (!audio) return;
    audio.srcObject = stream;
    audio.play().catch((error: unknown) => {
      if ((error as { name?: string }).name === 'NotAllowedError') onBlocked();
    });
    return () => {
      audio.srcObject = null;
    };
  }, [stream, onBlocked]);
  return <audio ref={ref} autoPlay data-testid="remote-audio" />;
}

/** After a click on the page, sound may play: start every participant's audio. */
export function resumeAllAudio(): void {
  for (const audio of document.querySelectorAll<HTMLAudioElement>(
    'audio[data-testid="remote-audio"]',
  )) {
    void audio.play().catch(() => {});
  }
}
