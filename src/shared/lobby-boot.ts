import type { JoinInfo, Member } from './api.js';

/**
 * What the page for a join link (`/m/<token>`) carries for the lobby's first render, so it asks
 * nothing before Join works: the answers of `GET /api/join/<token>` and of `GET /api/me` (null
 * when nobody is logged in). A module of its own, without zod: the lobby imports its constant.
 */
export interface LobbyBoot {
  token: string;
  info: JoinInfo;
  member: Member | null;
}

/** The id of the `<script type="application/json">` element that holds it. */
export const LOBBY_BOOT_ELEMENT_ID = 'lobby-boot';
