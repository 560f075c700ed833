import { useEffect, useState } from 'react';
import { levelOf } from '../../lib/audio-level.js';
import { isHandedOff } from '../../lib/media-handoff.js';
import {
  openCapture,
  stopStream,
  type Capture,
  type CaptureWish,
} from '../../lib/media-devices.js';

export interface LocalMedia extends Capture {
  /** True while the browser is asked for the camera and microphone. */
  starting: boolean;
}

/**
 * The lobby's own camera and microphone, opened for what `wish` asks and reopened when it
 * changes. Every track is stopped when the wish changes and when the page closes.
 */
export function useLocalMedia(wish: CaptureWish): LocalMedia {
  const { video, cameraId, microphoneId } = wish;
  const [capture, setCapture] = useState<LocalMedia>({
    stream: null,
    problem: null,
    cameraOnly: false,
    starting: true,
  });

  useEffect(() => {
    let active = true;
    let opened: MediaStream | null = null;
    setCapture((previous) => ({ ...previous, starting: true }));
    void openCapture({ video, cameraId, microphoneId }).then((result) => {
      if (!active) return stopStream(result.stream);
      opened = result.stream;
      setCapture({ ...result, starting: false });
    });
    return () => {
      active = false;
      // Joining hands the stream to the room instead: it keeps running.
      if (!isHandedOff(opened)) stopStream(opened);
    };
  }, [video, cameraId, microphoneId]);

  return capture;
}

const METER_INTERVAL_MS = 100;

/** The microphone's loudness, 0–100, ten times a second (Web Audio AnalyserNode). */
export function useMicLevel(stream: MediaStream | null): number {
  const [level, setLevel] = useState(0);

  useEffect(() => {
    const track = stream?.getAudioTracks()[0];
    if (!track || typeof AudioContext === 'undefined') return;
    const context = new AudioContext();
    const source = context.createMediaStreamSource(new MediaStream([track]));
    const analyser = context.createAnalyser();
    analyser.fftSize = 512;
    source.connect(analyser);
    const samples = new Uint8Array(analyser.fftSize);
    const interval = window.setInterval(() => {
      analyser.getByteTimeDomainData(samples);
      setLevel(Math.round(levelOf(samples) * 100));
    }, METER_INTERVAL_MS);
    // Browsers may start audio suspended until the person interacts with the page.
    const resume = () => void context.resume();
    window.addEventListener('pointerdown', resume);
    window.addEventListener('keydown', resume);
    resume();
    return () => {
      window.clearInterval(interval);
      window.removeEventListener('pointerdown', resume);
      window.removeEventListener('keydown', resume);
      source.disconnect();
      void context.close();
      setLevel(0);
    };
  }, [stream]);

  return stream ? level : 0;
}
