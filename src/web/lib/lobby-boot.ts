/**
 * The data the server put in a join link's page (src/server/http/lobby-page.ts): the lobby's
 * facts and who is logged in, so the first screen asks nothing before Join works. Each part is
 * used once, by the first screen: anything later asks the API, as the data may have changed.
 */
import type { Member } from '../../shared/api.js';
import { LOBBY_BOOT_ELEMENT_ID, type LobbyBoot } from '../../shared/lobby-boot.js';

let boot: LobbyBoot | null | undefined;
let infoTaken = false;
let sessionTaken = false;

function read(): LobbyBoot | null {
  if (boot === undefined) {
    const element = document.getElementById(LOBBY_BOOT_ELEMENT_ID);
    try {
      boot = element?.textContent ? (JSON.parse(element.textContent) as LobbyBoot) : null;
    } catch {
      boot = null; // not ours to fix here: the screens ask the API instead
    }
  }
  return boot;
}

/**
 * The meeting's facts for `token` and when this device received them (ms since the epoch, for
 * the clock offset), if the page brought them and nobody took them yet.
 */
export function takeBootInfo(
  token: string,
): { info: LobbyBoot['info']; receivedAt: number } | null {
  const data = read();
  if (infoTaken || !data || data.token !== token) return null;
  infoTaken = true;
  const page = performance.getEntriesByType('navigation')[0] as
    PerformanceNavigationTiming | undefined;
  const receivedAt = page ? performance.timeOrigin + page.responseStart : Date.now();
  return { info: data.info, receivedAt };
}

/** Who was logged in when the page was made (null: nobody), if the page says and once. */
export function takeBootSession(): { member: Member | null } | null {
  const data = read();
  if (sessionTaken || !data) return null;
  sessionTaken = true;
  return { member: data.member };
}
