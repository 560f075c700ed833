/**
 * The floor of a join: the least the browser itself needs to show a remote camera. Two bare
 * pages (each in its own browser context, as each participant is), served by a bare `node:http`
 * server, open the fake camera (the constraints the app asks for: 1280x720 ideal, no audio)
 * and wait until their own preview plays, as the lobby does; then page A creates one
 * RTCPeerConnection with one sendrecv video transceiver carrying its camera, offers, and B
 * answers with its own camera. SDP and trickled ICE candidates go between the pages through
 * this process (`page.evaluate` one way, an exposed binding the other), as our signaling relays
 * them through the server. Timed on A's clock by the join probe: from `createOffer` to the
 * first frame of B's camera on A.
 */
import http from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  joinProbeScript,
  pageScript,
  type CameraTimeline,
  type ConnectionTimeline,
} from './join-probe.js';

interface FloorPage {
  open(): Promise<void>;
  previewReady(): boolean;
  offer(): Promise<RTCSessionDescriptionInit>;
  answer(offer: RTCSessionDescriptionInit): Promise<RTCSessionDescriptionInit>;
  accept(answer: RTCSessionDescriptionInit): Promise<void>;
  candidate(candidate: RTCIceCandidateInit | null): Promise<void>;
}

declare global {
  interface Window {
    __floor?: FloorPage;
    /** Exposed by the bench: hands a local ICE candidate to the other page. */
    __floorSignal?: (candidate: RTCIceCandidateInit | null) => Promise<void>;
  }
}

function installFloorPage(): void {
  let stream: MediaStream | null = null;
  let pc: RTCPeerConnection | null = null;
  let described: () => void = () => undefined;
  // Candidates wait for the remote description, as the app's per-peer queue makes them.
  const remoteSet = new Promise<void>((resolve) => (described = resolve));
  const connection = (): RTCPeerConnection => {
    if (pc) return pc;
    pc = new RTCPeerConnection();
    pc.onicecandidate = ({ candidate }) =>
      void window.__floorSignal?.(candidate ? candidate.toJSON() : null);
    return pc;
  };
  const camera = () => stream?.getVideoTracks()[0] ?? null;
  const preview = document.createElement('video');
  preview.muted = true;
  preview.playsInline = true;
  preview.style.cssText = 'width:64px;height:36px';

  window.__floor = {
    open: async () => {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: false,
        video: { width: { ideal: 1280 }, height: { ideal: 720 } },
      });
      preview.srcObject = stream;
      document.body.append(preview);
      await preview.play();
    },
    previewReady: () => preview.videoWidth > 0,
    offer: async () => {
      const created = connection();
      created.addTransceiver(camera() ?? 'video', { direction: 'sendrecv' });
      const offer = await created.createOffer();
      await created.setLocalDescription(offer);
      return offer;
    },
    answer: async (offer) => {
      const created = connection();
      await created.setRemoteDescription(offer);
      described();
      // The offer's transceiver carries our camera back, as the app's answering side does.
      const transceiver = created.getTransceivers()[0];
      if (transceiver) {
        transceiver.direction = 'sendrecv';
        await transceiver.sender.replaceTrack(camera());
      }
      const answer = await created.createAnswer();
      await created.setLocalDescription(answer);
      return answer;
    },
    accept: async (answer) => {
      await connection().setRemoteDescription(answer);
      described();
    },
    candidate: async (candidate) => {
      await remoteSet;
      if (candidate) await connection().addIceCandidate(candidate);
    },
  };
}

const BARE_PAGE =
  '<!doctype html><html lang="en"><head><meta charset="UTF-8" /><title>Floor</title></head>' +
  '<body></body></html>';

/** A bare page on loopback (a secure context, so getUserMedia works). */
export async function startBareServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' });
    res.end(BARE_PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('bare server has no port');
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface FloorSample {
  /** From `createOffer` on A to the first frame of B's camera on A. */
  totalMs: number;
  connection: ConnectionTimeline;
  camera: CameraTimeline;
}

async function floorPage(browser: Browser, url: string): Promise<[BrowserContext, Page]> {
  const context = await browser.newContext();
  await context.addInitScript({ content: joinProbeScript(0) });
  await context.addInitScript({ content: pageScript(installFloorPage) });
  const page = await context.newPage();
  await page.goto(url);
  await page.evaluate(() => window.__floor?.open());
  await page.waitForFunction(() => window.__floor?.previewReady());
  return [context, page];
}

export async function floorRound(
  browser: Browser,
  url: string,
  timeoutMs: number,
): Promise<FloorSample> {
  const contexts: BrowserContext[] = [];
  try {
    const [contextA, a] = await floorPage(browser, url);
    contexts.push(contextA);
    const [contextB, b] = await floorPage(browser, url);
    contexts.push(contextB);
    const relay = (to: Page) => (_source: unknown, candidate: RTCIceCandidateInit | null) =>
      to.evaluate((c) => window.__floor?.candidate(c), candidate);
    await a.exposeBinding('__floorSignal', relay(b));
    await b.exposeBinding('__floorSignal', relay(a));

    const offer = await a.evaluate(() => window.__floor?.offer());
    if (!offer) throw new Error('floor: no offer');
    const answer = await b.evaluate((o) => window.__floor?.answer(o), offer);
    if (!answer) throw new Error('floor: no answer');
    await a.evaluate((d) => window.__floor?.accept(d), answer);
    await a.waitForFunction(() => window.__joinProbe?.framesFrom() === 1, undefined, {
      timeout: timeoutMs,
      polling: 50,
    });
    const timeline = await a.evaluate(() => window.__joinProbe?.timeline());
    const connection = timeline?.connections[0];
    const camera = timeline?.cameras[0];
    if (!connection?.offerAt || !camera?.firstFrameAt) {
      throw new Error('floor: no offer or frame time');
    }
    return { totalMs: camera.firstFrameAt - connection.offerAt, connection, camera };
  } finally {
    for (const context of contexts) await context.close();
  }
}
