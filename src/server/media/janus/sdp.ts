/**
 * Janus's SDP as browsers may see it: Janus names its room in the session line
 * (`s=VideoRoom <room id>`); browsers get the neutral `s=-` instead, so no Janus id reaches them.
 */
export function sdpForBrowser(sdp: string): string {
  return sdp.replace(/^s=.*$/m, 's=-');
}
