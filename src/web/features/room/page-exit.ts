/**
 * When the room page goes away for good: the tab closes, the browser goes to another site, or
 * the page reloads. A page put in the back-forward cache (`persisted`) is not gone: it may come
 * back as it was. A reload is told apart where the browser has the Navigation API, which
 * announces it before the page hides; elsewhere it looks like a close, and the room's short
 * hold on a closing page's place lets the reloaded page take it back all the same.
 */
interface NavigateEvent extends Event {
  navigationType?: 'push' | 'replace' | 'reload' | 'traverse';
}

export function watchPageExit(onExit: (reloading: boolean) => void): () => void {
  const navigation = (globalThis as { navigation?: EventTarget }).navigation;
  let reloading = false;
  const onNavigate = (event: Event) => {
    reloading = (event as NavigateEvent).navigationType === 'reload';
  };
  const onPageHide = (event: PageTransitionEvent) => {
    if (!event.persisted) onExit(reloading);
  };
  navigation?.addEventListener('navigate', onNavigate);
  globalThis.addEventListener?.('pagehide', onPageHide);
  return () => {
    navigation?.removeEventListener('navigate', onNavigate);
    globalThis.removeEventListener?.('pagehide', onPageHide);
  };
}
