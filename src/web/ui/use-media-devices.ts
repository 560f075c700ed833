import { useEffect, useState } from 'react';
import { listDevices } from '../lib/media-devices.js';

/**
 * The cameras, microphones and speakers of this device, kept current when one is plugged in or
 * out. Pass the live stream as `refreshKey`: labels appear only once access is allowed.
 */
export function useMediaDevices(refreshKey?: unknown): MediaDeviceInfo[] {
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  useEffect(() => {
    let active = true;
    const refresh = () =>
      void listDevices().then((list) => {
        if (active) setDevices(list);
      });
    refresh();
    const media = globalThis.navigator?.mediaDevices;
    media?.addEventListener?.('devicechange', refresh);
    return () => {
      active = false;
      media?.removeEventListener?.('devicechange', refresh);
    };
  }, [refreshKey]);
  return devices;
}
