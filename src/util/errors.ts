/** Where in an input file a problem is. Lines and columns are 1-based. */
export interface SourcePosition {
  file: string;
  line: number;
  col: number;
}

export type ErrorCode =
  | "SPEC_INVALID"
  | "SPEC_MISSING"
  | "SPEC_EXISTS"
  | "DEVBOX_EXISTS"
  | "GOMOD_INVALID"
  | "GOMOD_MISSING"
  | "USAGE"
  | "IO";

/**
 * A problem the user can fix (bad input, bad usage). The CLI prints it without a stack trace
 * and exits 2; anything else that escapes is a bug in gopave.
 */
export class GopaveError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly position: SourcePosition | undefined;
  readonly exitCode = 2;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { hint?: string; position?: SourcePosition } = {},
  ) {
    super(message);
    this.name = "GopaveError";
    this.code = code;
    this.hint = opts.hint;
    this.position = opts.position;
  }

  /** `file:line:col: message` followed by the hint, as a user sees it. */
  format(): string {
    const where = this.position
      ? `${this.position.file}:${this.position.line}:${this.position.col}: `
      : "";
    return `${where}${this.message}${this.hint ? `\n  ${this.hint}` : ""}`;
  }
}

/** Several problems found in one input, reported together so the user fixes them in one pass. */
export class GopaveErrors extends GopaveError {
  readonly errors: readonly GopaveError[];

  constructor(errors: readonly GopaveError[]) {
    const first = errors[0];
    super(first?.code ?? "SPEC_INVALID", first?.message ?? "invalid input");
    this.errors = errors;
  }

  override format(): string {
    return this.errors.map((e) => e.format()).join("\n");
  }
}
