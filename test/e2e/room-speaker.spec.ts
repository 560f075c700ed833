import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Browser } from '@playwright/test';
import { chromiumLaunch } from '../support/chromium.js';
import {
  joinAsGuest,
  mainVideo,
  newParticipantPage,
  quickMeeting,
  tileOf,
} from './support/room.js';

test.describe.configure({ mode: 'serial' });

/** Sound files for the fake microphones, made with sox for this run: a tone and silence. */
function soundFiles(dir: string): { tone: string; silence: string } {
  const tone = join(dir, 'tone.wav');
  const silence = join(dir, 'silence.wav');
  const format = ['-r', '48000', '-c', '1', '-b', '16'];
  execFileSync('sox', ['-n', ...format, tone, 'synth', '10', 'sine', '440', 'vol', '0.5']);
  execFileSync('sox', ['-n', ...format, silence, 'trim', '0', '10']);
  return { tone, silence };
}

test('follow the speaker: the tone becomes the main video within 2 s; every tile shows who speaks', async ({
  playwright,
  browser,
  baseURL,
}) => {
  test.setTimeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'tertulia-speaker-'));
  const launched: Browser[] = [];
  try {
    const { tone, silence } = soundFiles(dir);
    const withSound = async (file: string) => {
      const args = [...chromiumLaunch.args, `--use-file-for-fake-audio-capture=${file}`];
      const launchedBrowser = await playwright.chromium.launch({ ...chromiumLaunch, args });
      launched.push(launchedBrowser);
      return newParticipantPage(launchedBrowser, baseURL!);
    };
    const api = await playwright.request.newContext({ baseURL });
    const token = await quickMeeting(api, 'Who speaks');
    const toneSpeaker = await withSound(tone);
    const quiet = await withSound(silence);
    // The observer's own microphone stays muted, so it never speaks over the others.
    const observer = await newParticipantPage(browser, baseURL!);
    await joinAsGuest(toneSpeaker, token, 'Tone');
    await joinAsGuest(quiet, token, 'Quiet');
    await joinAsGuest(observer, token, 'Observer', { muted: true });
    for (const page of [toneSpeaker, quiet, observer]) {
      await expect(page.getByTestId('tile')).toHaveCount(3, { timeout: 20_000 });
    }

    // The speaking ring: on the tone's tile for every viewer, never on the silent one's.
    await expect(tileOf(observer, 'Tone')).toHaveAttribute('data-speaking', 'true', {
      timeout: 20_000,
    });
    await expect(tileOf(quiet, 'Tone')).toHaveAttribute('data-speaking', 'true');
    await expect(tileOf(toneSpeaker, 'Tone')).toHaveAttribute('data-speaking', 'true');
    await expect(tileOf(observer, 'Quiet')).toHaveAttribute('data-speaking', 'false');

    // The manual's rule by default: the last one in other than oneself.
    await expect(mainVideo(observer)).toHaveAttribute('data-name', 'Quiet');
    const startedAt = Date.now();
    await observer.getByRole('button', { name: 'Follow the speaker' }).click();
    await expect(mainVideo(observer)).toHaveAttribute('data-name', 'Tone', { timeout: 2000 });
    test.info().annotations.push({
      type: 'follow the speaker',
      description: `main video on the speaker ${Date.now() - startedAt} ms after the click`,
    });

    // A click pins: the choice stays though Tone goes on speaking.
    await tileOf(observer, 'Quiet').click();
    await expect(mainVideo(observer)).toHaveAttribute('data-name', 'Quiet');
    await observer.waitForTimeout(1500);
    await expect(mainVideo(observer)).toHaveAttribute('data-name', 'Quiet');
    await api.dispose();
  } finally {
    for (const b of launched) await b.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
