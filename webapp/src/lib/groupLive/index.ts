// Group → live: what the messenger pages use.
export { liveCardText, parseLiveCard, type LiveCard } from "./liveCard";
