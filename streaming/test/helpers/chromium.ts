// Debian's Chromium for the browser test, installed with apt-get the first time a machine runs it (as the webapp's
// browser tests do); CHROME_PATH points elsewhere.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

export const CHROMIUM_PATH = process.env.CHROME_PATH ?? "/usr/bin/chromium";

export function ensureChromium(): string {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  console.log(`# ${CHROMIUM_PATH} is missing: installing Debian's chromium with apt-get`);
  const sudo = process.getuid?.() === 0 ? [] : ["sudo", "-n"];
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [
    ["apt-get", "update", "-qq"],
    ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"],
  ]) {
    const [command, ...rest] = [...sudo, ...args];
    execFileSync(command!, rest, { stdio: "inherit", env });
  }
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`apt-get installed chromium but ${CHROMIUM_PATH} is still missing`);
  return CHROMIUM_PATH;
}

/** Headless flags, with the fake camera and microphone. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--use-fake-device-for-media-stream",
  "--use-fake-ui-for-media-stream",
];

// The page's whole client: HEAD then POST a complete (non-trickle) offer, as @livepeer/core-web does.
export const CLIENT = `
async function negotiate(pc, url, headers) {
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((resolve) => {
    if (pc.iceGatheringState === "complete") return resolve();
    pc.addEventListener("icegatheringstatechange", () => pc.iceGatheringState === "complete" && resolve());
    setTimeout(resolve, 2000);
  });
  const head = await fetch(url, { method: "HEAD" });
  if (!head.ok) throw new Error("HEAD " + head.status);
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/sdp", ...headers }, body: pc.localDescription.sdp });
  const text = await response.text();
  if (!response.ok) return { status: response.status, text };
  await pc.setRemoteDescription({ type: "answer", sdp: text });
  return { status: response.status };
}
window.publish = async (whipUrl, width = 640, height = 360, videoCodec) => {
  const media = await navigator.mediaDevices.getUserMedia({ video: { width, height }, audio: true });
  const pc = new RTCPeerConnection({ iceServers: [] });
  for (const track of media.getTracks()) {
    const transceiver = pc.addTransceiver(track, { direction: "sendonly" });
    // A browser that prefers another codec (e.g. "video/VP8"), as some publish over WHIP.
    if (videoCodec && track.kind === "video") {
      transceiver.setCodecPreferences(RTCRtpReceiver.getCapabilities("video").codecs.filter((c) => c.mimeType === videoCodec));
    }
  }
  window.publisher = pc;
  return negotiate(pc, whipUrl, {});
};
window.play = async (url, accessKey, eventsUrl) => {
  const pc = new RTCPeerConnection({ iceServers: [] });
  pc.addTransceiver("video", { direction: "recvonly" });
  pc.addTransceiver("audio", { direction: "recvonly" });
  const video = document.createElement("video");
  video.muted = true; video.autoplay = true; video.playsInline = true;
  document.body.append(video);
  pc.ontrack = (event) => { if (event.track.kind === "video") video.srcObject = new MediaStream([event.track]); };
  window.viewer = { pc, video, removed: null };
  if (eventsUrl) {
    const events = new EventSource(eventsUrl);
    events.addEventListener("removed", (e) => {
      window.viewer.removed = { ...JSON.parse(e.data), at: performance.now() };
      video.remove(); // the page unmounts the player at once
      pc.close();
    });
  }
  window.viewer.started = performance.now();
  return negotiate(pc, url, accessKey ? { "Livepeer-Access-Key": accessKey } : {});
};
window.framesDecoded = async () => {
  if (window.viewer.pc.connectionState === "closed") return -1;
  const stats = await window.viewer.pc.getStats();
  let frames = 0;
  stats.forEach((r) => { if (r.type === "inbound-rtp" && r.kind === "video") frames = r.framesDecoded ?? 0; });
  return frames;
};
window.firstFrame = () => new Promise((resolve) => {
  const v = window.viewer.video;
  v.requestVideoFrameCallback(() => resolve({ ms: performance.now() - window.viewer.started, width: v.videoWidth, height: v.videoHeight }));
});
`;
