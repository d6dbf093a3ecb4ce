export { canonicalEvidence, evidenceHash, fileHash, type Evidence, type EvidenceFile } from "./evidence";
export {
  checkReport,
  sniffImageType,
  MAX_SCREENSHOTS,
  MAX_SCREENSHOT_BYTES,
  SCREENSHOT_TYPES,
  type ReportProblem,
} from "./checkReport";
