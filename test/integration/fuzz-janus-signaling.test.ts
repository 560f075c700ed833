/**
 * Fuzzing what browsers hand the media server, against a real Janus: SDP offers and answers
 * mutated from a browser's (lines dropped, doubled, swapped, cut, garbled, numbers blown up,
 * line ends changed) or made up, and ICE candidates the same way, sent through the room socket
 * to the `media` pseudo-peer. For each, the sender gets Janus's answer, nothing (a candidate
 * taken), or an `error` with a catalogued code (MEDIA_ERROR for what Janus or the server
 * refuses: Janus logs a candidate it cannot parse and says nothing, so the server checks the
 * line itself, media/janus/candidates.ts); its socket stays up. Meanwhile another participant's publishing keeps working, and
 * at the end the Janus process is the same one (it never crashed and restarted), a newcomer
 * still publishes through the same Janus session, and the server answers /healthz.
 *
 * Bounded by FUZZ_MS. Replay a run with FUZZ_SEED=<seed printed below>.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEDIA_PEER_ID, SIGNALING_ERRORS, type ServerFrame } from '../../src/shared/signaling.js';
import { startTestApp, type TestApp } from '../support/harness.js';
import { audioOffer } from '../support/janus-offer.js';
import {
  JANUS_MISSING,
  janusBinary,
  startLocalJanus,
  type StartedJanus,
} from '../support/local-janus.js';
import { RoomClient, guestToken, listen, quickMeeting, roomUrl } from '../support/room-client.js';

const SEED = Number(process.env.FUZZ_SEED) || Math.floor(Math.random() * 2 ** 31);
/** How long cases are sent; the run then checks the room, Janus and the server. */
const FUZZ_MS = 30_000;
/**
 * At most this many cases a second: each is a signal and a ping, and the sender's rate cap is
 * 50 frames a second (a cut would end the run early, and is not what is under test here).
 */
const CASES_PER_SECOND = 20;
/** The well-behaved participant publishes again every this many cases. */
const CHECK_EVERY = 25;

/** A browser-like host candidate for the audio m-line. */
const CANDIDATE = 'candidate:842163049 1 udp 1677729535 192.0.2.10 54400 typ host generation 0';

type Payload = Record<string, unknown>;

/** SDP lines from a real offer, mutated. */
function mutatedSdp(): fc.Arbitrary<string> {
  const lines = audioOffer().split('\r\n');
  const at = fc.nat({ max: lines.length - 1 });
  const junk = fc.oneof(
    fc.string({ maxLength: 80 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom(
      'm=audio 99999999999999999999 UDP/TLS/RTP/SAVPF 111',
      'm=video 9 UDP/TLS/RTP/SAVPF ' + Array.from({ length: 300 }, (_, i) => i).join(' '),
      'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
      'a=rtpmap:111 opus/4294967296/2',
      'a=fmtp:111 ' + 'x'.repeat(3000),
      'a=ssrc:4294967295 cname:' + 'c'.repeat(500),
      'a=simulcast:send h;m;l',
      'a=rid:h send',
      'a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid',
      'a=mid:',
      'a=fingerprint:sha-256 00',
      'a=setup:banana',
      'a=ice-ufrag:',
      'c=IN IP6 ::',
      'a=candidate:1 1 udp 1 256.256.256.256 99999 typ host',
      'v=1',
      'b=AS:-1',
    ),
  );
  type Edit = (l: string[]) => string[];
  /**
   * An edit at line `i` of whatever the earlier edits left: indexes wrap around the lines there
   * are now (a deletion before a swap must not make it reach past the end).
   */
  const atLine =
    (change: (l: string[], i: number) => string[]) =>
    (i: number): Edit =>
    (l) =>
      l.length === 0 ? l : change(l, i % l.length);
  const edit: fc.Arbitrary<Edit> = fc.oneof(
    at.map(atLine((l, i) => l.filter((_, j) => j !== i))),
    at.map(atLine((l, i) => [...l.slice(0, i + 1), l[i]!, ...l.slice(i + 1)])),
    fc.tuple(at, at).map(([i, j]): Edit =>
      atLine((l, a) => {
        const b = j % l.length;
        const out = [...l];
        [out[a], out[b]] = [out[b]!, out[a]!];
        return out;
      })(i),
    ),
    fc
      .tuple(at, junk)
      .map(([i, line]) => atLine((l, a) => l.map((x, j) => (j === a ? line : x)))(i)),
    fc
      .tuple(at, junk)
      .map(([i, line]) => atLine((l, a) => [...l.slice(0, a), line, ...l.slice(a)])(i)),
    fc
      .tuple(at, fc.nat({ max: 60 }))
      .map(([i, cut]) => atLine((l, a) => l.map((x, j) => (j === a ? x.slice(0, cut) : x)))(i)),
  );
  return fc
    .tuple(
      fc.array(edit, { minLength: 1, maxLength: 6 }),
      fc.constantFrom('\r\n', '\n', '\r', ' ', ''),
      fc.nat(),
    )
    .map(([edits, eol, cut]) => {
      const sdp = edits.reduce((l, e) => e(l), lines).join(eol);
      // Now and then cut the whole text short.
      return cut % 5 === 0 ? sdp.slice(0, cut % sdp.length) : sdp;
    });
}

const anySdp = fc.oneof(
  { arbitrary: mutatedSdp(), weight: 6 },
  { arbitrary: fc.string({ maxLength: 400 }), weight: 1 },
  { arbitrary: fc.constant(''), weight: 1 },
);

const description: fc.Arbitrary<Payload> = fc.record({
  kind: fc.constant('description'),
  connection: fc.constantFrom('publish', 'subscribe'),
  description: fc.record({ type: fc.constantFrom('offer', 'answer'), sdp: anySdp }),
});

const candidateLine = fc.oneof(
  fc.constant(CANDIDATE),
  fc
    .tuple(fc.nat({ max: 9 }), fc.oneof(fc.string({ maxLength: 30 }), fc.nat().map(String)))
    .map(([i, token]) => {
      const words = CANDIDATE.split(' ');
      words[i] = token;
      return words.join(' ');
    }),
  fc.string({ maxLength: 200 }),
  fc.constantFrom(
    '',
    'candidate:',
    'candidate:1 1 tcp 1 ::1 9 typ host tcptype active',
    'candidate:1 1 udp 1 example.invalid 1 typ relay raddr 0.0.0.0 rport 0',
    `${CANDIDATE} ${'ufrag x '.repeat(200)}`,
  ),
);

const candidate: fc.Arbitrary<Payload> = fc.record({
  kind: fc.constant('candidate'),
  connection: fc.constantFrom('publish', 'subscribe'),
  candidate: fc.option(
    fc.record(
      {
        candidate: candidateLine,
        sdpMid: fc.option(fc.string({ maxLength: 64 })),
        sdpMLineIndex: fc.option(fc.nat({ max: 1024 })),
        usernameFragment: fc.option(fc.string({ maxLength: 256 })),
      },
      { requiredKeys: ['candidate'] },
    ),
  ),
});

const payload: fc.Arbitrary<Payload> = fc.oneof(
  { arbitrary: description, weight: 3 },
  { arbitrary: candidate, weight: 2 },
);

/** What one case earned its sender: `answered`, `silent`, or an error code. */
type Outcome = string;

function publishOffer(): Payload {
  return {
    kind: 'description',
    connection: 'publish',
    description: { type: 'offer', sdp: audioOffer() },
  };
}

describe.skipIf(!janusBinary())('fuzzing SDP and ICE through the room, against Janus', () => {
  let janus: StartedJanus;
  let janusDir: string;
  let t: TestApp;
  let base: string;
  let token: string;
  let bearer: (name: string) => Promise<string>;

  beforeAll(async () => {
    janusDir = mkdtempSync(path.join(os.tmpdir(), 'tertulia-janus-fuzz-'));
    janus = await startLocalJanus(janusDir);
    t = await startTestApp('sqlite', { ...janus.env, ROOM_HEARTBEAT_MS: '5000' });
    const organizer = await t.createMember();
    base = await listen(t);
    token = (await quickMeeting(t, await t.login(organizer.email, organizer.password))).token;
    bearer = (name) => guestToken(t, token, name);
    console.log(`fuzz-janus-signaling: seed ${SEED} (replay with FUZZ_SEED=${SEED})`);
  });
  afterAll(async () => {
    await t?.close();
    await janus?.stop();
    if (janusDir) rmSync(janusDir, { recursive: true, force: true });
  });

  async function joined(name: string): Promise<RoomClient> {
    const client = await RoomClient.connect(roomUrl(base, token), { bearer: await bearer(name) });
    await client.hello();
    client.keepAlive(1_000);
    return client;
  }

  /** Publishes a fresh audio offer and waits for Janus's answer. */
  async function publishes(client: RoomClient): Promise<void> {
    client.send({ type: 'signal', to: MEDIA_PEER_ID, payload: publishOffer() as never });
    const answer = await client.next(
      'signal',
      (f) => f.from === MEDIA_PEER_ID && f.payload.kind === 'description',
      15_000,
    );
    expect(answer.payload).toMatchObject({ description: { type: 'answer' } });
  }

  it('answers every malformed offer, answer and candidate with an answer, nothing, or a catalogued error; the room, Janus and the server stay up', async () => {
    const janusPid = janus.janus.pid;
    expect(janusPid).toBeDefined();
    const ana = await joined('Ana');
    const bob = await joined('Bob');
    await publishes(bob);
    // Ana has a publish connection, so candidates and re-offers reach a real Janus handle.
    await publishes(ana);

    const cases = fc.sample(payload, { numRuns: 2_000, seed: SEED });
    const outcomes = new Map<Outcome, number>();
    const started = Date.now();
    let run = 0;
    for (const [index, sent] of cases.entries()) {
      if (Date.now() - started > FUZZ_MS) break;
      const caseStarted = Date.now();
      const seenBefore = ana.frames.length;
      ana.send({ type: 'signal', to: MEDIA_PEER_ID, payload: sent as never });
      // Frames are handled in order: the pong comes after whatever the signal earned.
      await ana.roundTrip();
      const earned = ana.frames.slice(seenBefore).filter((f) => f.type !== 'pong');
      const context = `case ${index} (seed ${SEED}): ${JSON.stringify(sent).slice(0, 300)}`;
      expect(ana.isOpen, context).toBe(true);
      const outcome = outcomeOf(earned, context);
      // A description always earns something: Janus's answer or an error, never silence.
      if (sent.kind === 'description') expect(outcome, context).not.toBe('silent');
      // A browser's own candidate, or the end of them, is taken without a word.
      const line = (sent.candidate as { candidate?: string } | null)?.candidate;
      if (sent.kind === 'candidate' && (line === undefined || line === CANDIDATE)) {
        expect(outcome, context).toBe('silent');
      }
      const key = `${String(sent.kind)} ${outcome}`;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      run += 1;
      if (run % CHECK_EVERY === 0) await publishes(bob);
      const spare = 1000 / CASES_PER_SECOND - (Date.now() - caseStarted);
      if (spare > 0) await new Promise((resolve) => setTimeout(resolve, spare));
    }
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `fuzz-janus-signaling: ${run} cases in ${seconds.toFixed(1)} s ` +
        `(${(run / seconds).toFixed(1)}/s): ${JSON.stringify(Object.fromEntries(outcomes))}`,
    );

    expect(run).toBeGreaterThan(100);
    expect(outcomes.get('description MEDIA_ERROR') ?? 0, 'Janus refused some').toBeGreaterThan(0);
    expect(outcomes.get('candidate MEDIA_ERROR') ?? 0, 'broken candidates refused').toBeGreaterThan(
      0,
    );
    expect(outcomes.get('candidate silent') ?? 0, 'candidates taken').toBeGreaterThan(0);
    // The room goes on: Bob still publishes, a newcomer too, through the same Janus process.
    await publishes(bob);
    const cy = await joined('Cy');
    await publishes(cy);
    expect(janus.janus.pid, 'Janus never crashed and restarted').toBe(janusPid);
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    for (const client of [ana, bob, cy]) {
      expect(client.isOpen).toBe(true);
      client.close();
    }
    // Only Ana was ever told of an error.
    expect(bob.frames.filter((f) => f.type === 'error')).toEqual([]);
    expect(cy.frames.filter((f) => f.type === 'error')).toEqual([]);
  }, 90_000);
});

/** One case's frames, judged: Janus's answer, nothing, or one catalogued error. */
function outcomeOf(earned: ServerFrame[], context: string): Outcome {
  const errors = earned.filter((f) => f.type === 'error');
  for (const error of errors) {
    expect(Object.keys(SIGNALING_ERRORS), context).toContain(error.code);
    // What Janus or the media backend refuses; BAD_FRAME for what the frame schema refuses.
    expect(['MEDIA_ERROR', 'BAD_FRAME'], context).toContain(error.code);
  }
  if (errors.length > 0) {
    expect(errors, context).toHaveLength(1);
    return errors[0]!.code;
  }
  const answers = earned.filter((f) => f.type === 'signal' && f.from === MEDIA_PEER_ID);
  return answers.length > 0 ? 'answered' : 'silent';
}

if (!janusBinary()) {
  console.warn(`fuzz-janus-signaling.test.ts: the janus fuzz test skips: ${JANUS_MISSING}`);
}
