/** The checksum-database proxy (/sumdb/<name>/…) and a small local checksum database. */
export {
  createSumdbProxy,
  type SumdbProxy,
  type SumdbProxyOptions,
  type SumdbRequest,
} from "./handler.js";
export { LocalSumdb } from "./local-sumdb.js";
