/**
 * The browser starts its WebRTC machinery on first use: threads, codec factories, and a DTLS
 * certificate for each connection. Done while the guest is still in the lobby, none of that
 * waits between the server's welcome and the first offer.
 */

let certificate: RTCCertificate | null = null;
let started = false;

/** Starts WebRTC once per page: a throwaway offer, and the certificate every connection uses. */
export function warmUpWebRtc(): void {
  if (started || typeof RTCPeerConnection === 'undefined') return;
  started = true;
  // ECDSA P-256 is what browsers generate by default; one per page is enough, as every peer
  // already knows who is behind each connection.
  const keyParams: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
  RTCPeerConnection.generateCertificate(keyParams).then(
    (generated) => (certificate = generated),
    () => {},
  );
  const pc = new RTCPeerConnection();
  pc.addTransceiver('audio');
  pc.addTransceiver('video');
  pc.createOffer()
    .catch(() => {})
    .finally(() => pc.close());
}

/**
 * A connection for the room: with the page's certificate once generated and still valid, else
 * the browser makes one for this connection.
 */
export function newPeerConnection(config: RTCConfiguration): RTCPeerConnection {
  const ready = certificate && certificate.expires > Date.now() ? certificate : null;
  return new RTCPeerConnection(ready ? { ...config, certificates: [ready] } : config);
}
