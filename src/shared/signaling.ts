/**
 * The room's signaling protocol: every JSON frame a browser and the server exchange over
 * `GET /api/rooms/:token/ws`, as zod schemas (a discriminated union on `type` each way).
 * `docs/protocol.md` explains the conversation; this file is its contract.
 */
import { z } from 'zod';

/** Largest frame the server reads; an SDP with simulcast stays well under 16 KiB. */
export const MAX_FRAME_BYTES = 64 * 1024;
/** Longest chat message, in characters. */
export const MAX_CHAT_CHARS = 2000;

export const SIGNALING_ERRORS = {
  BAD_FRAME: 'The frame is not valid JSON or does not match the protocol.',
  FRAME_TOO_LARGE: 'The frame is larger than 64 KiB.',
  NOT_JOINED: 'Send hello before anything else.',
  ALREADY_JOINED: 'This connection has already joined.',
  UNKNOWN_PEER: 'No participant with that id is in the room.',
  RATE_LIMITED: 'Too many messages; this connection is closed.',
  ROOM_FULL: 'This meeting is full.',
  UNAUTHENTICATED: 'This connection has no session for this meeting.',
  MEETING_NOT_OPEN: 'This meeting is not open for joining now.',
  REPLACED: 'This participant connected again from elsewhere.',
  MEDIA_ERROR: 'The media server refused this request.',
  ROOM_UNAVAILABLE: 'The meeting room cannot be reached for a moment; connect again shortly.',
  FORBIDDEN: 'Only a host of this meeting may do that.',
  NOT_IN_ROOM: 'That participant is no longer in the meeting.',
  THROTTLED: 'Too many hand raises or reactions at once; this one was dropped.',
  NOT_WAITING: 'That guest is no longer waiting.',
  MEETING_LOCKED: 'This meeting is locked: nobody new may join.',
  ADMISSION_DENIED: 'A host did not let you in.',
  REMOVED: 'A host removed you from the meeting.',
  MEETING_ENDED: 'A host ended the meeting for everyone.',
} as const;
export type SignalingErrorCode = keyof typeof SIGNALING_ERRORS;

/** WebSocket close codes (4000-4999 are the application's). */
export const CLOSE_CODES = {
  LEFT: 4000,
  RATE_LIMITED: 4008,
  ROOM_FULL: 4009,
  UNAUTHENTICATED: 4001,
  MEETING_NOT_OPEN: 4003,
  REPLACED: 4010,
  TIMED_OUT: 4011,
  /** The server is shutting down (a deploy): reconnect at once, another node takes the place. */
  NODE_DRAINING: 4012,
  /** The place is now answered for elsewhere (this node was taken for stopped): resume it. */
  RECONNECT: 1012,
  /** The room's shared state (Redis) cannot be reached: try again shortly. */
  ROOM_UNAVAILABLE: 1013,
  /** A host removed this participant; the link starts again from the lobby. */
  REMOVED: 4013,
  /** A host did not let this waiting guest in. */
  ADMISSION_DENIED: 4014,
  /** The meeting is locked: no new participant, waiting or not. */
  MEETING_LOCKED: 4015,
  /** A host ended the meeting for everyone. */
  MEETING_ENDED: 4016,
} as const;

const peerId = z.string().min(1).max(64);

export const mediaStateSchema = z.object({
  audio: z.boolean(),
  video: z.boolean(),
  screen: z.boolean(),
});
export type MediaState = z.infer<typeof mediaStateSchema>;

export const roomParticipantSchema = z.object({
  peerId,
  displayName: z.string(),
  avatarUrl: z.string().nullable(),
  kind: z.enum(['guest', 'member']),
  /** Server time of (first) joining; the default main video is the latest one. */
  joinedAt: z.string(),
  media: mediaStateSchema,
  /** True while the participant's signaling is dropped and may come back (the grace time). */
  reconnecting: z.boolean(),
  /** A host of the meeting (organizer, admin, co-host); absent means not. */
  host: z.boolean().optional(),
  /** Server time the participant raised their hand; absent while it is down. Hosts list by it. */
  handRaisedAt: z.string().optional(),
});
export type RoomParticipant = z.infer<typeof roomParticipantSchema>;

export const chatMessageSchema = z.object({
  id: z.string(),
  peerId,
  displayName: z.string(),
  text: z.string(),
  sentAt: z.string(),
});
export type ChatMessage = z.infer<typeof chatMessageSchema>;

export const iceServerSchema = z.object({
  urls: z.union([z.string(), z.array(z.string())]),
  username: z.string().optional(),
  credential: z.string().optional(),
});
export type IceServerConfig = z.infer<typeof iceServerSchema>;

const descriptionSchema = z.object({
  type: z.enum(['offer', 'answer']),
  sdp: z.string().max(MAX_FRAME_BYTES),
});
const candidateSchema = z.object({
  candidate: z.string().max(2048),
  sdpMid: z.string().max(64).nullable().optional(),
  sdpMLineIndex: z.number().int().min(0).max(1024).nullable().optional(),
  usernameFragment: z.string().max(256).nullable().optional(),
});
export type IceCandidate = z.infer<typeof candidateSchema>;

/**
 * With an SFU backend (`welcome.media.backend` other than `p2p`), browsers negotiate with the
 * media server through this pseudo-peer: `signal` frames go `to` it and come `from` it. Never a
 * participant's id (those have 12 characters).
 */
export const MEDIA_PEER_ID = 'media';

/** SFU only: which of the browser's two connections a message is about. */
export const sfuConnectionSchema = z.enum(['publish', 'subscribe']);
export type SfuConnectionKind = z.infer<typeof sfuConnectionSchema>;

/** SFU only, in a subscriber offer: the m-line (`mid`) carrying one participant's audio or video. */
export const sfuStreamSchema = z.object({
  mid: z.string().max(64),
  peerId,
  slot: z.enum(['audio', 'camera', 'screen']),
});
export type SfuStream = z.infer<typeof sfuStreamSchema>;

/** SFU only: the camera's simulcast layers by rid, full size (`h`), half (`m`) and quarter (`l`). */
export const cameraLayerSchema = z.enum(['h', 'm', 'l']);
export type CameraLayer = z.infer<typeof cameraLayerSchema>;

// ---- negotiation payloads (`signal` frames) -----------------------------------------------------
// Every payload carries `kind`. Who may send which kind, and to whom, is in the three direction
// schemas below; `signalPayloadSchema` is their vocabulary, what a `signal` frame may carry.

const description = z.object({ kind: z.literal('description'), description: descriptionSchema });
const candidate = z.object({ kind: z.literal('candidate'), candidate: candidateSchema.nullable() });
/** SFU: which of the browser's two connections a description or candidate is for. */
const sfuDescription = description.extend({
  connection: sfuConnectionSchema,
  /** Publish offers and subscribe offers: which mid carries whose audio, camera or screen. */
  streams: z.array(sfuStreamSchema).max(1024).optional(),
});
const sfuCandidate = candidate.extend({ connection: sfuConnectionSchema });
/**
 * p2p, browser to browser: how the receiver shows the sender's camera, `large` in its main area
 * or `small` as a thumbnail. The sender encodes its camera for that peer to match.
 */
const cameraSize = z.object({ kind: z.literal('cameraSize'), size: z.enum(['large', 'small']) });
/**
 * SFU, browser to media: whom this viewer shows large. Their camera comes in the high simulcast
 * layer, every other camera in the low one (thumbnails); null: nobody large.
 */
const view = z.object({ kind: z.literal('view'), main: peerId.nullable() });
/**
 * SFU, browser to media: the subscribe connection lost its path (ICE failed or stayed
 * disconnected). The server answers with a new offer carrying fresh ICE credentials.
 */
const iceRestart = z.object({ kind: z.literal('iceRestart') });
/**
 * SFU, media to browser: the room moved to another media server (the one it was on went
 * down). Close both connections and start them again; the room itself goes on.
 */
const reset = z.object({ kind: z.literal('reset') });
/**
 * SFU, media to browser: the camera layers someone receives. Pause the others until told
 * again; every layer is sent until the first of these.
 */
const cameraLayers = z.object({
  kind: z.literal('cameraLayers'),
  layers: z.array(cameraLayerSchema).max(3),
});

/** p2p: what one browser sends another; the server relays it as is. */
export const peerSignalSchema = z.discriminatedUnion('kind', [description, candidate, cameraSize]);
export type PeerSignal = z.infer<typeof peerSignalSchema>;

/** SFU: what a browser asks of the media server (`to: MEDIA_PEER_ID`). */
export const mediaRequestSchema = z.discriminatedUnion('kind', [
  sfuDescription,
  sfuCandidate,
  view,
  iceRestart,
]);
export type MediaRequest = z.infer<typeof mediaRequestSchema>;

/** SFU: what the media server tells a browser (`from: MEDIA_PEER_ID`). */
export const mediaNoticeSchema = z.discriminatedUnion('kind', [
  sfuDescription,
  sfuCandidate,
  reset,
  cameraLayers,
]);
export type MediaNotice = z.infer<typeof mediaNoticeSchema>;

/** What a browser sends in a `signal` frame: to a peer, or to the media server. */
export type BrowserSignal = PeerSignal | MediaRequest;

/** What the server delivers in a `signal` frame: a peer's message, or the media server's. */
export type ServerSignal = MediaNotice | PeerSignal;

/**
 * Every kind a `signal` frame may carry, either way. A frame that parses is then held to its
 * direction: the server parses a browser's payload with `mediaRequestSchema` when it goes to
 * the media server (failure: `MEDIA_ERROR`) and with `peerSignalSchema` when it goes to a peer
 * (failure: `BAD_FRAME`), so a browser cannot send what only the server sends.
 */
export const signalPayloadSchema = z.discriminatedUnion('kind', [
  sfuDescription.partial({ connection: true }),
  sfuCandidate.partial({ connection: true }),
  cameraSize,
  view,
  iceRestart,
  reset,
  cameraLayers,
]);
export type SignalPayload = z.infer<typeof signalPayloadSchema>;

/**
 * The reactions a participant may send, shown a moment over their tile. Names on the wire, not
 * emoji: the page picks the picture, and a name cannot smuggle text into other pages.
 */
export const REACTIONS = ['thumbsUp', 'clap', 'laugh', 'heart', 'party', 'surprised'] as const;
export const reactionSchema = z.enum(REACTIONS);
export type Reaction = z.infer<typeof reactionSchema>;

/**
 * Hand raises and reactions a participant may send (a burst, then `perSecond`): more are
 * dropped with `THROTTLED`, the connection stays.
 */
export const GESTURE_LIMIT = { perSecond: 2, burst: 6 } as const;

/** Everyone's own gestures: raise or lower a hand, send a reaction. */
const gestureFrames = [
  /**
   * Raise or lower a hand; `peerId` (another participant's) lets a host lower theirs. Anyone
   * else naming another participant gets `FORBIDDEN`; one who left, `NOT_IN_ROOM`.
   */
  z.object({ type: z.literal('hand'), raised: z.boolean(), peerId: peerId.optional() }),
  z.object({ type: z.literal('reaction'), reaction: reactionSchema }),
] as const;
/** A guest in the waiting room, as hosts see them. */
export const waitingGuestSchema = z.object({
  waitingId: z.string().min(1).max(64),
  displayName: z.string(),
  avatarUrl: z.string().nullable(),
  knockedAt: z.string(),
});
export type WaitingGuest = z.infer<typeof waitingGuestSchema>;

/** What a host did to someone, as that person is told (`by`: the host's name). */
export const moderationSchema = z.enum(['muted', 'videoStopped', 'removed', 'denied', 'ended']);
export type Moderation = z.infer<typeof moderationSchema>;

/** Host frames: a participant who is no host gets `FORBIDDEN` and nothing happens. */
const hostFrames = [
  /** Let a waiting guest in; they enter with no further click. */
  z.object({ type: z.literal('admit'), waitingId: waitingGuestSchema.shape.waitingId }),
  z.object({ type: z.literal('deny'), waitingId: waitingGuestSchema.shape.waitingId }),
  z.object({ type: z.literal('admitAll') }),
  /** Mute someone's microphone (`audio`) or stop their camera (`video`); they may turn it on again. */
  z.object({ type: z.literal('mute'), peerId, what: z.enum(['audio', 'video']) }),
  /** Mute every microphone but the sender's. */
  z.object({ type: z.literal('muteAll') }),
  z.object({ type: z.literal('remove'), peerId }),
  /** Locked: nobody new may join or knock. */
  z.object({ type: z.literal('lock'), locked: z.boolean() }),
  z.object({ type: z.literal('endMeeting') }),
] as const;
export const HOST_FRAME_TYPES = hostFrames.map((f) => f.shape.type.value);
export type HostFrameType = (typeof HOST_FRAME_TYPES)[number];

// ---- browser -> server --------------------------------------------------------------------------

export const clientFrameSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('hello'),
    media: mediaStateSchema,
    /** After a dropped socket: take the same place back and get the events missed since `lastSeq`. */
    resume: z
      .object({
        peerId,
        resumeToken: z.string().min(1).max(128),
        lastSeq: z.number().int(),
        /**
         * The page was reloaded: its media connections are new, so the others drop theirs to
         * this participant (`restarted`) and negotiate again, as with a newcomer.
         */
        reload: z.boolean().optional(),
      })
      .optional(),
  }),
  z.object({ type: z.literal('media'), media: mediaStateSchema }),
  z.object({ type: z.literal('signal'), to: peerId, payload: signalPayloadSchema }),
  z.object({
    type: z.literal('chat'),
    text: z.string().trim().min(1).max(MAX_CHAT_CHARS),
  }),
  z.object({ type: z.literal('ping'), at: z.number().optional() }),
  z.object({
    type: z.literal('leave'),
    /**
     * The page is closing (the tab, or a navigation away). The place is held a moment
     * (PAGE_CLOSE_GRACE_MS) for a reload to resume it, then the others see `left`.
     */
    pageClosing: z.boolean().optional(),
  }),
  ...gestureFrames,
  ...hostFrames,
]);
export type ClientFrame = z.infer<typeof clientFrameSchema>;

// ---- server -> browser --------------------------------------------------------------------------

/** Room events: numbered per room (`seq`), kept for replay after a reconnect. */
export const roomEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('joined'), seq: z.number(), participant: roomParticipantSchema }),
  z.object({ type: z.literal('updated'), seq: z.number(), participant: roomParticipantSchema }),
  z.object({
    type: z.literal('left'),
    seq: z.number(),
    peerId,
    reason: z.enum(['left', 'timeout', 'replaced']),
  }),
  z.object({ type: z.literal('chat'), seq: z.number(), message: chatMessageSchema }),
  /**
   * The participant's page was reloaded and took its place back with new media connections:
   * close yours to it; it negotiates again as a newcomer does.
   */
  z.object({ type: z.literal('restarted'), seq: z.number(), peerId }),
  /** A host locked or unlocked the meeting (`by`: their name). */
  z.object({ type: z.literal('locked'), seq: z.number(), locked: z.boolean(), by: z.string() }),
]);
export type RoomEvent = z.infer<typeof roomEventSchema>;

export const welcomeSchema = z.object({
  type: z.literal('welcome'),
  peerId,
  /** Secret to present with `resume` after a dropped socket. */
  resumeToken: z.string(),
  /** The room's last event number; events after it arrive as frames. */
  seq: z.number(),
  /** True when this welcome took back an earlier place; missed events follow it. */
  resumed: z.boolean(),
  participants: z.array(roomParticipantSchema),
  chat: z.array(chatMessageSchema),
  media: z.object({
    backend: z.string(),
    iceServers: z.array(iceServerSchema),
    roomCap: z.number(),
  }),
  /** Send a ping at least this often; the server drops a silent connection after 5 periods. */
  heartbeatMs: z.number(),
  /** This participant is a host: it may send host frames and gets `knock` frames. */
  host: z.boolean().optional(),
  /** The meeting is locked (see the `locked` event). */
  locked: z.boolean().optional(),
  /** Hosts only: the guests waiting now, oldest first. */
  waiting: z.array(waitingGuestSchema).optional(),
});
export type Welcome = z.infer<typeof welcomeSchema>;

export const serverFrameSchema = z.discriminatedUnion('type', [
  welcomeSchema,
  ...roomEventSchema.options,
  z.object({
    type: z.literal('signal'),
    from: peerId,
    // The media server's first: a peer's description has no `connection`, so it fails there.
    payload: z.union([mediaNoticeSchema, peerSignalSchema]),
  }),
  z.object({ type: z.literal('pong'), at: z.number().optional() }),
  /** Someone's reaction, to show a moment over their tile; not numbered, never replayed. */
  z.object({ type: z.literal('reaction'), peerId, reaction: reactionSchema }),
  /**
   * The answer to an unadmitted guest's hello while the waiting room is on: nothing of the room
   * (no roster, no signals) until a host decides; then `welcome`, or `moderated` denied.
   */
  z.object({ type: z.literal('waiting'), hostPresent: z.boolean() }),
  /** Hosts: a guest started waiting. */
  z.object({ type: z.literal('knock'), guest: waitingGuestSchema }),
  /** Hosts: a guest stopped waiting (let in, turned away, or gone). */
  z.object({
    type: z.literal('knockEnded'),
    waitingId: waitingGuestSchema.shape.waitingId,
    outcome: z.enum(['admitted', 'denied', 'left']),
  }),
  /** To the person a host acted on, with the host's name; removed, denied, ended then close. */
  z.object({ type: z.literal('moderated'), action: moderationSchema, by: z.string() }),
  z.object({
    type: z.literal('error'),
    code: z.enum(Object.keys(SIGNALING_ERRORS) as [SignalingErrorCode, ...SignalingErrorCode[]]),
    message: z.string(),
  }),
]);
export type ServerFrame = z.infer<typeof serverFrameSchema>;

/**
 * How long a place is held after its page said it is closing: long enough for a reload on a
 * fair connection to resume it, short enough that the others see a closed tab leave within 2 s.
 */
export const PAGE_CLOSE_GRACE_MS = 1500;

/** Messages per second a connection may send (a burst allowance on top); more closes it. */
export const RATE_LIMIT = { perSecond: 50, burst: 200 } as const;
