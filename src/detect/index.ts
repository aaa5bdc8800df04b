export { detect, isOffline } from "./detect.js";
export { readRepoFacts } from "./repo-files.js";
export type {
  DetectedApp,
  Detection,
  DetectOptions,
  GoVersionSource,
  MainPackage,
  PrivateReason,
} from "./types.js";
