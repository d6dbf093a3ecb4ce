// Publishing a fake camera from a page over WHIP, as @livepeer/core-web's Broadcast does it (HEAD, then a complete
// offer): the streaming suites' broadcaster. Runs inside the page (`page.evaluate(publishFromPage, whipUrl)`).
export const publishFromPage = async (whipUrl: string): Promise<number> => {
  const media = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 360 }, audio: true });
  const pc = new RTCPeerConnection({ iceServers: [] });
  for (const track of media.getTracks()) pc.addTransceiver(track, { direction: "sendonly" });
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise<void>((resolve) => {
    if (pc.iceGatheringState === "complete") return resolve();
    pc.addEventListener("icegatheringstatechange", () => pc.iceGatheringState === "complete" && resolve());
    setTimeout(resolve, 2000);
  });
  const head = await fetch(whipUrl, { method: "HEAD" });
  if (!head.ok) throw new Error(`HEAD ${head.status}`);
  const response = await fetch(whipUrl, {
    method: "POST",
    headers: { "content-type": "application/sdp" },
    body: pc.localDescription!.sdp,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`WHIP ${response.status}: ${text}`);
  await pc.setRemoteDescription({ type: "answer", sdp: text });
  (window as unknown as { publisher: RTCPeerConnection }).publisher = pc;
  return response.status;
};
