import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Browser } from '@playwright/test';
import { chromiumLaunch } from '../support/chromium.js';
import { installReceivedWidths, receivedWidthOf } from './support/camera-sizes.js';
import { JANUS_MISSING, janusAppPort, janusBinary } from './support/janus.js';
import {
  joinAsGuest,
  mainVideo,
  newParticipantPage,
  quickMeeting,
  tileOf,
} from './support/room.js';

// Through Janus: who speaks is read from the subscribe connection's per-participant audio, and
// the grid view receives every camera in its low (quarter) layer.
test.skip(!janusBinary(), JANUS_MISSING);
test.use({ baseURL: `http://localhost:${janusAppPort}` });
test.describe.configure({ mode: 'serial' });

test('through Janus, the tone becomes the main video when following the speaker, and the grid gets low layers', async ({
  playwright,
  browser,
  baseURL,
}) => {
  test.setTimeout(180_000);
  const dir = mkdtempSync(join(tmpdir(), 'tertulia-speaker-janus-'));
  const launched: Browser[] = [];
  try {
    const format = ['-r', '48000', '-c', '1', '-b', '16'];
    const tone = join(dir, 'tone.wav');
    const silence = join(dir, 'silence.wav');
    execFileSync('sox', ['-n', ...format, tone, 'synth', '10', 'sine', '440', 'vol', '0.5']);
    execFileSync('sox', ['-n', ...format, silence, 'trim', '0', '10']);
    const withSound = async (file: string) => {
      const args = [...chromiumLaunch.args, `--use-file-for-fake-audio-capture=${file}`];
      const launchedBrowser = await playwright.chromium.launch({ ...chromiumLaunch, args });
      launched.push(launchedBrowser);
      return newParticipantPage(launchedBrowser, baseURL!);
    };
    const api = await playwright.request.newContext({ baseURL });
    const token = await quickMeeting(api, 'Who speaks through Janus');
    const toneSpeaker = await withSound(tone);
    const quiet = await withSound(silence);
    const observer = await newParticipantPage(browser, baseURL!);
    await joinAsGuest(toneSpeaker, token, 'Tone');
    await joinAsGuest(quiet, token, 'Quiet');
    await joinAsGuest(observer, token, 'Observer', { muted: true });
    await expect(observer.getByTestId('tile')).toHaveCount(3, { timeout: 20_000 });

    await expect(tileOf(observer, 'Tone')).toHaveAttribute('data-speaking', 'true', {
      timeout: 30_000,
    });
    await expect(tileOf(observer, 'Quiet')).toHaveAttribute('data-speaking', 'false');
    await expect(mainVideo(observer)).toHaveAttribute('data-name', 'Quiet');
    await observer.getByRole('button', { name: 'Follow the speaker' }).click();
    await expect(mainVideo(observer)).toHaveAttribute('data-name', 'Tone', { timeout: 2000 });

    // The grid: nobody large, so both cameras come in the quarter layer (320 of 1280).
    await observer.evaluate(installReceivedWidths);
    await observer.getByRole('button', { name: 'Grid view' }).click();
    for (const name of ['Tone', 'Quiet']) {
      await expect.poll(() => receivedWidthOf(observer, name), { timeout: 20_000 }).toBe(320);
    }
    await api.dispose();
  } finally {
    for (const b of launched) await b.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
