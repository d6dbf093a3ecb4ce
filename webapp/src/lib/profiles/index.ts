export { normalizeProfile, resolveUri, shortAddress, type Profile } from "./profile";
