/**
 * How Debian's Chromium is launched for end-to-end tests and benchmarks: as root, headless, with
 * no background network traffic (nothing beyond loopback is needed or may be waited for) and a
 * fake camera and microphone.
 */
export const chromiumLaunch = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
  ],
};
