/**
 * Types for the part of janode (Meetecho's Janus client, plain JavaScript) this backend uses:
 * a connection, its session, VideoRoom handles and the events we listen to.
 */
declare module 'janode' {
  import type { EventEmitter } from 'node:events';

  export interface Jsep {
    type: 'offer' | 'answer';
    sdp: string;
  }

  export interface JanodeHandle extends EventEmitter {
    readonly id: number;
    trickle(candidate: object | null): Promise<void>;
    trickleComplete(): Promise<void>;
    hangup(): Promise<void>;
    detach(): Promise<void>;
    /** A plugin request with no helper of its own (VideoRoom `moderate`); the plugin's reply. */
    message(body: object): Promise<unknown>;
  }

  export interface JanodeSession extends EventEmitter {
    readonly id: number;
    attach<H extends JanodeHandle>(plugin: { id: string; Handle: unknown }): Promise<H>;
    destroy(): Promise<void>;
  }

  export interface JanodeConnection extends EventEmitter {
    create(ka_interval?: number): Promise<JanodeSession>;
    close(): Promise<void>;
  }

  const Janode: {
    connect(config: {
      address: { url: string; apisecret?: string } | { url: string; apisecret?: string }[];
      retry_time_secs?: number;
      max_retries?: number;
    }): Promise<JanodeConnection>;
    Logger: { setLevel(level: 'none' | 'error' | 'warning' | 'info' | 'verbose' | 'debug'): void };
    EVENT: {
      CONNECTION_CLOSED: string;
      CONNECTION_ERROR: string;
      SESSION_DESTROYED: string;
      HANDLE_DETACHED: string;
      HANDLE_ICE_FAILED: string;
      HANDLE_HANGUP: string;
      HANDLE_WEBRTCUP: string;
      HANDLE_TRICKLE: string;
    };
  };
  export default Janode;
}

declare module 'janode/plugins/videoroom' {
  import type { JanodeHandle, Jsep } from 'janode';

  /** One stream of a subscription as Janus describes it (multistream API). */
  export interface SubscriberStream {
    mid: string;
    type: 'audio' | 'video' | 'data';
    feed_id?: number;
    feed_mid?: string;
    active?: boolean;
  }

  export interface VideoRoomHandle extends JanodeHandle {
    create(params: {
      room?: number;
      description?: string;
      max_publishers?: number;
      is_private?: boolean;
      secret?: string;
      bitrate?: number;
      audiocodec?: string;
      videocodec?: string;
      notify_joining?: boolean;
    }): Promise<{ room: number }>;
    destroy(params: { room: number; secret?: string }): Promise<unknown>;
    exists(params: { room: number }): Promise<{ exists: boolean }>;
    /** Joins without publishing: Janus then tells this handle of the room's publishers. */
    joinPublisher(params: {
      room: number;
      display?: string;
    }): Promise<{ feed: number; publishers: unknown[] }>;
    joinConfigurePublisher(params: {
      room: number;
      feed?: number;
      display?: string;
      audio?: boolean;
      video?: boolean;
      /** Per mid, a text every participant of the room is told with the publisher's streams. */
      descriptions?: { mid: string; description: string }[];
      jsep: Jsep;
    }): Promise<{ feed: number; jsep?: Jsep }>;
    configure(params: {
      jsep?: Jsep;
      descriptions?: { mid: string; description: string }[];
      restart?: boolean;
      /** Subscribers: per subscription mid, e.g. the simulcast layer to receive (0-2). */
      streams?: { mid: string; substream?: number; temporal?: number }[];
    }): Promise<{ jsep?: Jsep }>;
    joinSubscriber(params: {
      room: number;
      streams: { feed: number; mid?: string; substream?: number }[];
      autoupdate?: boolean;
      use_msid?: boolean;
    }): Promise<{ streams?: SubscriberStream[]; jsep?: Jsep }>;
    update(params: {
      subscribe?: { feed: number; mid?: string; substream?: number }[];
      unsubscribe?: { feed: number; mid?: string }[];
    }): Promise<{ streams?: SubscriberStream[]; jsep?: Jsep }>;
    start(params: { jsep: Jsep }): Promise<unknown>;
    leave(): Promise<unknown>;
  }

  const VideoRoomPlugin: {
    id: string;
    Handle: unknown;
    EVENT: {
      /** Publishers whose media came up: `{ publishers: [{ feed, display, streams }] }`. */
      VIDEOROOM_PUB_LIST: string;
      /** `{ feed }` stopped publishing. */
      VIDEOROOM_UNPUBLISHED: string;
      /** `{ feed }` left the room. */
      VIDEOROOM_LEAVING: string;
    };
  };
  export default VideoRoomPlugin;
}
