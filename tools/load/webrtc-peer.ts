/**
 * werift peer connections as a synthetic participant uses them: Opus and VP8 only (what our
 * rooms negotiate), the mid and rid header extensions (for Janus's simulcast), one bundled
 * transport, and the clips sent as RTP (rtp-loop.ts), either through a werift sender (one
 * layer) or straight onto the DTLS transport with a stream per simulcast layer.
 */
import { randomInt } from 'node:crypto';
import {
  MediaStreamTrack,
  OpusPacketizer,
  PictureLossIndication,
  RtcpPayloadSpecificFeedback,
  RTCPeerConnection,
  RTCRtpCodecParameters,
  RtpHeader,
  usePLI,
  useSdesMid,
  useSdesRTPStreamId,
  Vp8Packetizer,
  type RTCRtpTransceiver,
  type RtpPacket,
} from 'werift';
import type { IceCandidate, IceServerConfig } from '../../src/shared/signaling.js';
import type { CameraLayerName, Clip } from './media-clip.js';
import type { ReceiveCounter } from './receive-counter.js';
import { RtpLoop } from './rtp-loop.js';

const MID_URI = 'urn:ietf:params:rtp-hdrext:sdes:mid';
const RID_URI = 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id';
const FIR_FORMAT = 4;
/** Below a typical 1200-byte MTU budget once SRTP and header extensions are added. */
const MAX_PAYLOAD_BYTES = 1100;

export function newPeerConnection(iceServers: IceServerConfig[]): RTCPeerConnection {
  // werift numbers header extensions by their place in these lists; one object in both gives
  // mid one id for the whole bundle, as browsers do. Janus reads one mid id per connection:
  // with two, it could not tell which m-line the camera's packets belong to.
  const mid = useSdesMid();
  return new RTCPeerConnection({
    iceServers: iceServers.map(({ urls, username, credential }) => ({
      urls,
      ...(username ? { username } : {}),
      ...(credential ? { credential } : {}),
    })),
    bundlePolicy: 'max-bundle',
    // A packet written before the sender is ready waits instead of leaving a sequence gap.
    pendingRtp: true,
    codecs: {
      audio: [
        new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48_000, channels: 2 }),
      ],
      video: [
        new RTCRtpCodecParameters({
          mimeType: 'video/VP8',
          clockRate: 90_000,
          // No NACK: the tool counts what is lost instead of having it sent again, so a
          // loaded tool does not add retransmissions to the load it measures.
          rtcpFeedback: [usePLI()],
        }),
      ],
    },
    headerExtensions: { audio: [mid], video: [mid, useSdesRTPStreamId()] },
  });
}

/** Calls `send` with each local candidate as the signaling carries it (null: the end). */
export function onLocalCandidate(
  pc: RTCPeerConnection,
  send: (candidate: IceCandidate | null) => void,
): void {
  pc.onIceCandidate.subscribe((candidate) => {
    if (!candidate) return send(null);
    const { candidate: line, sdpMid, sdpMLineIndex } = candidate.toJSON();
    send({ candidate: line, sdpMid: sdpMid ?? null, sdpMLineIndex: sdpMLineIndex ?? null });
  });
}

/** Resolves once `pc` is connected (ICE and DTLS); rejects if it fails or closes first. */
export function connected(pc: RTCPeerConnection): Promise<void> {
  if (pc.connectionState === 'connected') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const { unSubscribe } = pc.connectionStateChange.subscribe((state) => {
      if (state === 'connected') resolve();
      else if (state === 'failed' || state === 'closed') reject(new Error(`connection ${state}`));
      else return;
      unSubscribe();
    });
  });
}

/** A clip sent through the transceiver's own sender: its SSRC, payload type and extensions. */
export function sendThroughSender(transceiver: RTCRtpTransceiver, clip: Clip): RtpLoop {
  const track = new MediaStreamTrack({ kind: transceiver.kind });
  void transceiver.sender.replaceTrack(track);
  const packetizer = packetizerFor(transceiver.kind, randomInt(1, 2 ** 32));
  const loop = new RtpLoop(
    clip,
    (data, ts) => packetizer.packetize(data, ts),
    (packet) => {
      track.writeRtp(packet);
    },
  );
  // The sender sends under its own SSRC, which the receiver's PLI names.
  transceiver.sender.onRtcp.subscribe((rtcp) => {
    if (keyframeRequestFor(rtcp) === transceiver.sender.ssrc) loop.requestKeyframe();
  });
  return loop;
}

/** The SSRC a PLI or FIR asks a key frame of; undefined for any other RTCP packet. */
function keyframeRequestFor(rtcp: { type: number }): number | undefined {
  if (!(rtcp instanceof RtcpPayloadSpecificFeedback)) return undefined;
  const { feedback } = rtcp;
  if (feedback instanceof PictureLossIndication) return feedback.mediaSsrc;
  // A FIR (RFC 5104: format 4; werift does not export its class) names the SSRC in its entries.
  if (feedback.count === FIR_FORMAT && 'fir' in feedback) return feedback.fir[0]?.ssrc;
  return undefined;
}

/**
 * Simulcast as a browser sends it with rids: one RTP stream per layer, each with its own SSRC
 * and the rid and mid header extensions on every packet, over the transceiver's transport.
 * werift's sender has one SSRC and writes one rid, so the layers bypass it.
 */
export function sendSimulcast(
  transceiver: RTCRtpTransceiver,
  remoteSdp: string,
  layers: [CameraLayerName, Clip][],
): Map<CameraLayerName, RtpLoop> {
  const mid = transceiver.mid ?? '';
  const ids = extensionIds(remoteSdp, mid);
  const midId = ids.get(MID_URI);
  const ridId = ids.get(RID_URI);
  const payloadType = transceiver.sender.codec?.payloadType;
  if (midId === undefined || ridId === undefined || payloadType === undefined) {
    throw new Error('the answer accepted no simulcast (mid and rid extensions, VP8)');
  }
  const loops = new Map<CameraLayerName, RtpLoop>();
  const bySsrc = new Map<number, RtpLoop>();
  for (const [rid, clip] of layers) {
    const ssrc = randomInt(1, 2 ** 32);
    const packetizer = new Vp8Packetizer({
      ssrc,
      payloadType,
      maxPayloadSize: MAX_PAYLOAD_BYTES,
    });
    const extensions = [
      { id: midId, payload: Buffer.from(mid) },
      { id: ridId, payload: Buffer.from(rid) },
    ];
    const send = (packet: RtpPacket) => {
      const header = new RtpHeader({ ...packet.header, extensions });
      void transceiver.sender.dtlsTransport.sendRtp(packet.payload, header);
    };
    const loop = new RtpLoop(clip, (data, ts) => packetizer.packetize(data, ts), send);
    loops.set(rid, loop);
    bySsrc.set(ssrc, loop);
  }
  // werift's router knows none of these SSRCs: key frame requests are read off the transport.
  transceiver.sender.dtlsTransport.onRtcp.subscribe((rtcp) => {
    const ssrc = keyframeRequestFor(rtcp);
    if (ssrc !== undefined) bySsrc.get(ssrc)?.requestKeyframe();
  });
  return loops;
}

/** Counts what arrives on every track `pc` receives. */
export function countIncoming(pc: RTCPeerConnection, counter: ReceiveCounter): void {
  pc.onTrack.subscribe((track) => {
    const video = track.kind === 'video';
    track.onReceiveRtp.subscribe((packet) => counter.add(packet, video));
  });
}

function packetizerFor(kind: string, ssrc: number): OpusPacketizer | Vp8Packetizer {
  return kind === 'audio'
    ? new OpusPacketizer({ ssrc })
    : new Vp8Packetizer({ ssrc, maxPayloadSize: MAX_PAYLOAD_BYTES });
}

/** The header extension ids (uri -> id) of the m-section with this mid. */
function extensionIds(sdp: string, mid: string): Map<string, number> {
  const ids = new Map<string, number>();
  const midLine = new RegExp(`^a=mid:${mid.replace(/\W/g, '\\$&')}\r?$`, 'm');
  const section = sdp.split(/\r?\nm=/).find((part) => midLine.test(part));
  for (const [, id, uri] of section?.matchAll(/^a=extmap:(\d+)(?:\/\w+)? (\S+)/gm) ?? []) {
    ids.set(uri!, Number(id));
  }
  return ids;
}
