/**
 * The contract between `gopave doctor --explain`'s matchers and its output. A matcher looks at
 * one normalised, already-redacted line (with the lines around it for context) and names a
 * cause and a fix; it never sees raw input, so nothing it echoes can leak a credential.
 */

export interface Explanation {
  id: string;
  title: string;
  /** Two or three sentences: what went wrong and why. */
  cause: string;
  /** Concrete steps, most likely first. */
  fix: string[];
  /** The input line that matched, redacted. */
  evidence: string;
  /** 1-based line number in the input. */
  line: number;
  module?: string;
}

/** What a matcher returns; the runner adds id, evidence and line. */
export interface MatcherResult {
  title: string;
  cause: string;
  fix: string[];
  module?: string;
  /**
   * What makes two results the same problem, besides the id. Defaults to the module; problems
   * of a host rather than a module (timeouts, certificates, rate limits) use the host, so ten
   * modules behind one unreachable proxy give one explanation.
   */
  dedupKey?: string;
}

export interface MatchContext {
  /** Every normalised, redacted line of the input. */
  lines: readonly string[];
  /** Index of the line being matched in `lines`. */
  index: number;
}

export interface Matcher {
  id: string;
  match(line: string, ctx: MatchContext): MatcherResult | undefined;
}
