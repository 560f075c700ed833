/**
 * One person's time in a room, outside React: signaling, the media connection and local media
 * put together into one immutable state the page renders (`subscribe` + `getState`, for
 * useSyncExternalStore). Signaling starts at once, so a full room says so before any media.
 */
import type {
  ChatMessage,
  MediaState,
  Reaction,
  Moderation,
  RoomParticipant,
  RoomEvent,
  SignalingErrorCode,
  WaitingGuest,
  Welcome,
} from '../../../shared/signaling.js';
import { callEach } from '../../../shared/listeners.js';
import type { MediaProblem } from '../../lib/media-devices.js';
import { sendsVideo, type MediaPreferences } from '../../lib/media-preferences.js';
import { LocalMedia } from './local-media.js';
import { chooseMain } from './main-choice.js';
import type { MediaConnection, MediaConnectionClass, Slot } from './media-connection.js';
import { watchPageExit } from './page-exit.js';
import { PeerMesh } from './peer-mesh.js';
import { forgetPlace, loadPlace, savePlace } from './saved-place.js';
import { SfuConnection } from './sfu-connection.js';
import { followSpeaker, type SpeakerChoice } from './speaker-hold.js';
import { SpeakingMonitor } from './speaking-monitor.js';
import {
  SignalingClient,
  roomSocketUrl,
  type HostCommand,
  type HostNoticeFrame,
  type SignalingStatus,
} from './signaling-client.js';

export type RoomStatus = SignalingStatus | 'left';

export interface RemoteMedia {
  audio?: MediaStream;
  camera?: MediaStream;
  screen?: MediaStream;
}

export interface RoomState {
  status: RoomStatus;
  /** Why the room closed (full, meeting over, opened elsewhere, no session). */
  closedBecause: SignalingErrorCode | 'upgrade' | null;
  selfId: string | null;
  /** In the order they connected. */
  participants: RoomParticipant[];
  chat: ChatMessage[];
  remote: Record<string, RemoteMedia>;
  local: { mic: boolean; camera: MediaStream | null; screen: MediaStream | null };
  pinnedId: string | null;
  latestSharerId: string | null;
  mediaProblem: MediaProblem | null;
  /** Whether the last chat message could not be sent (offline); cleared by the next try. */
  chatFailed: boolean;
  /** The reaction shown over each participant's tile right now (REACTION_SHOWN_MS). */
  reactions: Record<string, { reaction: Reaction; id: number }>;
  /** Who speaks now (ourselves included), loudest first. */
  speaking: string[];
  /** "Follow the speaker": the main area shows whoever speaks, unless a click pinned someone. */
  followSpeaker: boolean;
  /** Whom "follow the speaker" shows (kept through silences, held against flicker). */
  speaker: SpeakerChoice;
  /** The grid view: every camera the same size (all in the low layer), paged. */
  grid: boolean;
  /** This person is a host of the meeting (welcome). */
  host: boolean;
  locked: boolean;
  /** In the waiting room: whether a host is in the meeting yet (null when not waiting). */
  waiting: { hostPresent: boolean } | null;
  /** Hosts: the guests waiting now, oldest first. */
  knocks: WaitingGuest[];
  /** What a host last did to this person, and who (shown until dismissed or replaced). */
  moderation: { action: Moderation; by: string } | null;
}

/** How long a reaction stays over its sender's tile. */
export const REACTION_SHOWN_MS = 4000;

export class RoomSession {
  private state: RoomState = {
    status: 'connecting',
    closedBecause: null,
    selfId: null,
    participants: [],
    chat: [],
    remote: {},
    local: { mic: false, camera: null, screen: null },
    pinnedId: null,
    latestSharerId: null,
    mediaProblem: null,
    chatFailed: false,
    reactions: {},
    speaking: [],
    followSpeaker: false,
    speaker: { speakerId: null, since: 0 },
    grid: false,
    host: false,
    locked: false,
    waiting: null,
    knocks: [],
    moderation: null,
  };
  private reactionsShown = 0;
  private readonly listeners = new Set<() => void>();
  private readonly media: LocalMedia;
  private readonly signaling: SignalingClient;
  /** The media: a p2p mesh, or two connections to an SFU; the welcome says which. */
  private mediaConnection: MediaConnection | null = null;
  private mediaReady: Promise<void> = Promise.resolve();
  private ended = false;
  private stopWatchingExit: () => void = () => {};
  private readonly speakingMonitor: SpeakingMonitor;

  constructor(
    private readonly token: string,
    private readonly preferences: MediaPreferences,
  ) {
    this.media = new LocalMedia(preferences);
    this.signaling = new SignalingClient(
      roomSocketUrl(token),
      this.mediaState(),
      {
        status: (status, detail) => this.onStatus(status, detail),
        welcome: (welcome) => this.onWelcome(welcome),
        event: (event) => this.onEvent(event),
        signal: (from, payload) => this.mediaConnection?.handle(from, payload),
        error: () => {},
        reaction: (peerId, reaction) => this.onReaction(peerId, reaction),
        hostNotice: (frame) => this.onHostNotice(frame),
      },
      loadPlace(token),
    );
    this.speakingMonitor = new SpeakingMonitor(
      {
        connections: () => this.peerConnections(),
        remoteAudio: () =>
          Object.fromEntries(
            Object.entries(this.state.remote).map(([id, m]) => [id, m.audio?.getAudioTracks()[0]]),
          ),
        selfId: () => this.state.selfId,
      },
      (speaking) => this.onSpeaking(speaking),
    );
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): RoomState => this.state;

  start(): void {
    this.signaling.start();
    this.speakingMonitor.start();
    this.stopWatchingExit = watchPageExit((reloading) => this.onPageExit(reloading));
    this.mediaReady = this.media.open(this.token).then(() => {
      if (this.ended) return this.media.stopAll();
      this.mediaConnection?.setTrack('audio', this.media.audio);
      this.mediaConnection?.setTrack('camera', this.media.camera);
      this.set({ mediaProblem: this.media.problem, local: this.localView() });
      this.signaling.setMedia(this.mediaState());
    });
  }

  /** Once the offers made on joining are answered (MediaConnection); at once before. */
  offersAnswered(): Promise<void> {
    return this.mediaConnection?.offersAnswered() ?? Promise.resolve();
  }

  leave(): void {
    this.signaling.leave();
    forgetPlace(this.token);
    this.shutDown('left', null);
  }

  /**
   * The room page went away within the app (a link, the back button): others see us drop, and
   * coming back to the room page in this tab takes the same place back (saved-place.ts).
   */
  dispose(): void {
    if (this.ended) return;
    this.signaling.stop();
    this.shutDown('closed', null);
  }

  toggleMic(): void {
    this.media.setMic(!this.media.micOn);
    this.publishLocal();
  }

  async toggleCamera(): Promise<void> {
    await this.mediaReady;
    const track = await this.media.setCamera(!this.media.camera).catch(() => null);
    this.mediaConnection?.setTrack('camera', track);
    this.publishLocal();
  }

  async toggleScreen(): Promise<void> {
    if (this.media.screen) {
      this.media.stopScreen();
      this.mediaConnection?.setTrack('screen', null);
      return this.publishLocal();
    }
    const track = await this.media.startScreen(() => {
      this.media.screen = null;
      this.mediaConnection?.setTrack('screen', null);
      this.publishLocal();
    });
    if (!track) return;
    this.mediaConnection?.setTrack('screen', track);
    this.publishLocal();
  }

  async switchDevice(kind: 'camera' | 'microphone', deviceId: string | null): Promise<void> {
    await this.mediaReady;
    if (kind === 'camera') {
      const track = await this.media.switchCamera(deviceId);
      if (track) this.mediaConnection?.setTrack('camera', track);
    } else {
      const track = await this.media.switchMicrophone(deviceId);
      this.mediaConnection?.setTrack('audio', track);
    }
    this.publishLocal();
  }

  sendChat(text: string): boolean {
    const sent = this.signaling.sendChat(text);
    this.set({ chatFailed: !sent });
    return sent;
  }

  /** Raises or lowers our hand; a host may lower another's (`peerId`). */
  setHand(raised: boolean, peerId?: string): void {
    this.signaling.sendHand(raised, peerId);
  }

  react(reaction: Reaction): void {
    this.signaling.sendReaction(reaction);
  }

  /** "Follow the speaker" on or off; a click (pin) still wins while it is on. */
  setFollowSpeaker(on: boolean): void {
    this.set({ followSpeaker: on, ...(on ? { pinnedId: null } : {}) });
  }

  setGrid(on: boolean): void {
    this.set({ grid: on });
  }

  /** Hosts: admit, deny, mute, remove, lock, end (docs/protocol.md, host frames). */
  host(command: HostCommand): void {
    this.signaling.sendHost(command);
  }

  dismissModeration(): void {
    this.set({ moderation: null });
  }

  /** Shows this participant in the main area for this viewer only (null: back to automatic). */
  pin(peerId: string | null): void {
    this.set({ pinnedId: peerId });
  }

  /** The peer connections, for stats (diagnostics and end-to-end tests). */
  peerConnections(): RTCPeerConnection[] {
    return this.mediaConnection?.connections() ?? [];
  }

  /**
   * The page itself goes away. A reload keeps the place (the new page resumes it); a closed tab
   * or a visit elsewhere is a departure the others see within a couple of seconds, not after
   * the reconnect grace that a dropped network gets.
   */
  private onPageExit(reloading: boolean): void {
    const place = this.signaling.savedPlace();
    if (place) savePlace(this.token, place);
    if (!reloading) this.signaling.closePage(leaveBeaconUrl(this.token));
  }

  private onHostNotice(frame: HostNoticeFrame): void {
    switch (frame.type) {
      case 'waiting':
        return this.set({ waiting: { hostPresent: frame.hostPresent } });
      case 'knock': {
        const others = this.state.knocks.filter((k) => k.waitingId !== frame.guest.waitingId);
        return this.set({ knocks: [...others, frame.guest] });
      }
      case 'knockEnded':
        return this.set({
          knocks: this.state.knocks.filter((k) => k.waitingId !== frame.waitingId),
        });
      case 'moderated':
        // p2p has no media server to enforce it: this page stops sending (docs/protocol.md).
        if (frame.action === 'muted' && this.media.micOn) this.toggleMic();
        if (frame.action === 'videoStopped' && this.media.camera) void this.toggleCamera();
        return this.set({ moderation: { action: frame.action, by: frame.by } });
    }
  }

  private onWelcome(welcome: Welcome): void {
    const place = this.signaling.savedPlace();
    if (place) savePlace(this.token, place);
    this.set({
      host: welcome.host ?? false,
      locked: welcome.locked ?? false,
      waiting: null,
      knocks: mergeKnocks(welcome.waiting ?? [], this.state.knocks),
    });
    if (!welcome.resumed || !this.mediaConnection) {
      // A fresh place: whatever we had (an expired one) is gone for everyone else too.
      this.mediaConnection?.close();
      const Media: MediaConnectionClass =
        welcome.media.backend === 'janus' ? SfuConnection : PeerMesh;
      this.mediaConnection = new Media(
        welcome.peerId,
        welcome.media.iceServers,
        (to, payload) => this.signaling.sendSignal(to, payload),
        { track: (peerId, slot, stream) => this.onTrack(peerId, slot, stream) },
        this.preferences.audioOnly,
      );
      this.mediaConnection.setTrack('audio', this.media.audio);
      this.mediaConnection.setTrack('camera', this.media.camera);
      this.mediaConnection.setTrack('screen', this.media.screen);
      for (const participant of welcome.participants) {
        if (participant.peerId !== welcome.peerId) {
          this.mediaConnection.call(participant.peerId, welcome.participants.length - 1);
        }
      }
      this.set({
        selfId: welcome.peerId,
        participants: welcome.participants,
        chat: welcome.chat,
        remote: {},
      });
      return;
    }
    const present = new Set(welcome.participants.map((p) => p.peerId));
    for (const participant of this.state.participants) {
      if (!present.has(participant.peerId)) this.mediaConnection.remove(participant.peerId);
    }
    this.mediaConnection.restartBroken();
    this.set({ participants: welcome.participants, chat: welcome.chat });
  }

  private onEvent(event: RoomEvent): void {
    switch (event.type) {
      case 'joined':
      case 'updated': {
        const previous = this.state.participants.find((p) => p.peerId === event.participant.peerId);
        const startedSharing = event.participant.media.screen && !previous?.media.screen;
        const participants = previous
          ? this.state.participants.map((p) => (p === previous ? event.participant : p))
          : [...this.state.participants, event.participant];
        this.set({
          participants,
          // A new share is everyone's main view, over an earlier click.
          ...(startedSharing ? { latestSharerId: event.participant.peerId, pinnedId: null } : {}),
        });
        return;
      }
      case 'left': {
        this.mediaConnection?.remove(event.peerId);
        const remote = { ...this.state.remote };
        delete remote[event.peerId];
        this.set({
          participants: this.state.participants.filter((p) => p.peerId !== event.peerId),
          remote,
        });
        return;
      }
      case 'chat':
        this.set({ chat: mergeChat(this.state.chat, [event.message]) });
        return;
      case 'locked':
        this.set({ locked: event.locked });
        return;
      case 'restarted': {
        // Their page reloaded: the connection to the old page is dead; the new one calls us.
        if (event.peerId === this.state.selfId) return;
        this.mediaConnection?.remove(event.peerId);
        const remote = { ...this.state.remote };
        delete remote[event.peerId];
        this.set({ remote });
        return;
      }
    }
  }

  /** Shown over the sender's tile for REACTION_SHOWN_MS; a newer one replaces it. */
  private onReaction(peerId: string, reaction: Reaction): void {
    const id = ++this.reactionsShown;
    this.set({ reactions: { ...this.state.reactions, [peerId]: { reaction, id } } });
    setTimeout(() => {
      if (this.state.reactions[peerId]?.id !== id) return;
      const reactions = { ...this.state.reactions };
      delete reactions[peerId];
      this.set({ reactions });
    }, REACTION_SHOWN_MS);
  }

  private onSpeaking(speaking: string[]): void {
    const others = speaking.filter((id) => id !== this.state.selfId);
    const speaker = followSpeaker(this.state.speaker, others, Date.now());
    const same = speaking.join() === this.state.speaking.join();
    if (same && speaker === this.state.speaker) return;
    this.set({ speaking: same ? this.state.speaking : speaking, speaker });
  }

  private onTrack(peerId: string, slot: Slot, stream: MediaStream): void {
    const current = this.state.remote[peerId] ?? {};
    this.set({ remote: { ...this.state.remote, [peerId]: { ...current, [slot]: stream } } });
  }

  private onStatus(status: SignalingStatus, detail?: SignalingErrorCode | 'upgrade'): void {
    if (status === 'full' || status === 'closed' || status === 'refused') {
      forgetPlace(this.token);
      return this.shutDown(status, detail ?? null);
    }
    this.set({ status });
  }

  private shutDown(status: RoomStatus, because: SignalingErrorCode | 'upgrade' | null): void {
    this.ended = true;
    this.stopWatchingExit();
    this.speakingMonitor.stop();
    this.mediaConnection?.close();
    this.mediaConnection = null;
    this.media.stopAll();
    this.set({ status, closedBecause: because, remote: {}, local: this.localView() });
  }

  private publishLocal(): void {
    this.set({ local: this.localView() });
    this.signaling.setMedia(this.mediaState());
  }

  private mediaState(): MediaState {
    const started = this.media.audio !== null || this.media.camera !== null;
    return {
      audio: started ? this.media.micOn : !this.preferences.muted,
      video: started ? this.media.camera !== null : sendsVideo(this.preferences),
      screen: this.media.screen !== null,
    };
  }

  private localView(): RoomState['local'] {
    const current = this.state.local;
    const cameraTrack = this.media.camera;
    const screenTrack = this.media.screen;
    return {
      mic: this.media.micOn,
      camera: sameTrack(current.camera, cameraTrack) ?? streamOf(cameraTrack),
      screen: sameTrack(current.screen, screenTrack) ?? streamOf(screenTrack),
    };
  }

  private set(changes: Partial<RoomState>): void {
    this.state = { ...this.state, ...changes };
    // Whose camera this viewer shows large decides what it receives: the high simulcast layer
    // from an SFU, or the full encoding from that peer in the mesh; thumbnails get little.
    this.mediaConnection?.show(largeCameraOf(this.state));
    callEach(
      this.listeners,
      (listener) => listener(),
      (error) => console.error('Room state listener failed', error),
    );
  }
}

/** Whom this viewer shows in the main area (the rules are in main-choice.ts). */
export function mainOf(state: RoomState): string | null {
  return chooseMain({
    participants: state.participants.map((p) => ({ peerId: p.peerId, screen: p.media.screen })),
    selfId: state.selfId,
    pinnedId: state.pinnedId,
    latestSharerId: state.latestSharerId,
    speakerId: state.followSpeaker ? state.speaker.speakerId : null,
  });
}

/**
 * Whose camera the main area shows: the main participant's, unless that is us or a screen.
 * Nobody's in the grid view: every camera comes as a thumbnail does (the low simulcast layer).
 */
function largeCameraOf(state: RoomState): string | null {
  if (state.grid) return null;
  const mainId = mainOf(state);
  const main = state.participants.find((p) => p.peerId === mainId);
  if (!main || mainId === state.selfId || main.media.screen) return null;
  return mainId;
}

/** The waiting list of a welcome, with knocks that came meanwhile; each guest once. */
function mergeKnocks(listed: WaitingGuest[], live: WaitingGuest[]): WaitingGuest[] {
  const ids = new Set(listed.map((k) => k.waitingId));
  return [...listed, ...live.filter((k) => !ids.has(k.waitingId))];
}

/** Chat by id, in sending order: a replayed or echoed message never shows twice. */
function mergeChat(current: ChatMessage[], incoming: ChatMessage[]): ChatMessage[] {
  const seen = new Set(current.map((m) => m.id));
  const added = incoming.filter((m) => !seen.has(m.id));
  return added.length ? [...current, ...added] : current;
}

function streamOf(track: MediaStreamTrack | null): MediaStream | null {
  return track ? new MediaStream([track]) : null;
}

/** The current stream when it still holds this track (keeps video elements from reloading). */
function sameTrack(stream: MediaStream | null, track: MediaStreamTrack | null) {
  if (!track) return null;
  return stream?.getTracks()[0] === track ? stream : undefined;
}

function leaveBeaconUrl(token: string): string {
  return `/api/rooms/${encodeURIComponent(token)}/leave`;
}
