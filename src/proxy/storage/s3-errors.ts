/**
 * S3 failures as errors a person can act on: which operation on which bucket/key, the S3 error
 * code and HTTP status, and what usually fixes it. Built only from the service's answer and our
 * own names — the SDK's error objects carry request metadata, never credentials, and neither
 * does this message (the secret key never leaves this process: SigV4 only sends signatures).
 */
export class S3StorageError extends Error {
  constructor(
    message: string,
    /** The S3 error code ("AccessDenied", "NoSuchBucket", "NotFound" …) or a socket error code. */
    readonly code: string,
    /** The HTTP status, when the service answered at all. */
    readonly status: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "S3StorageError";
  }
}

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  Code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/** Codes the SDK gives when the answer had no error body (HEAD requests never have one). */
const NO_CODE: ReadonlySet<string> = new Set(["Error", "Unknown", "UnknownError"]);

/** What a body-less answer's status stands for. */
const STATUS_CODES: Readonly<Record<number, string>> = {
  301: "PermanentRedirect",
  400: "BadRequest",
  403: "Forbidden",
  404: "NotFound",
  500: "InternalError",
  503: "ServiceUnavailable",
};

/** The error code S3 (or the socket) gave: "NoSuchKey", "PreconditionFailed", "ECONNREFUSED" … */
export function s3ErrorCode(err: unknown): string {
  const e = (typeof err === "object" && err !== null ? err : {}) as SdkErrorShape;
  for (const c of [e.Code, e.code, e.name]) {
    if (typeof c === "string" && c !== "" && !NO_CODE.has(c)) return c;
  }
  const status = s3ErrorStatus(err);
  return (status !== undefined ? STATUS_CODES[status] : undefined) ?? "UnknownError";
}

export function s3ErrorStatus(err: unknown): number | undefined {
  const e = (typeof err === "object" && err !== null ? err : {}) as SdkErrorShape;
  const status = e.$metadata?.httpStatusCode;
  return typeof status === "number" ? status : undefined;
}

/** Not there: a missing key (GET answers NoSuchKey; HEAD has no body, so only its 404). */
export function isS3NotFound(err: unknown): boolean {
  const code = s3ErrorCode(err);
  return (
    code === "NoSuchKey" ||
    code === "NotFound" ||
    (s3ErrorStatus(err) === 404 && code !== "NoSuchBucket")
  );
}

const CREDENTIALS_HINT =
  "check the AWS credentials (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, role) and " +
  "that they may use this bucket";

function hintFor(code: string, status: number | undefined): string | undefined {
  switch (code) {
    case "NoSuchBucket":
      return "the bucket does not exist: create it, or fix the bucket name in --storage";
    case "InvalidAccessKeyId":
    case "SignatureDoesNotMatch":
    case "AccessDenied":
    case "ExpiredToken":
    case "InvalidToken":
    case "CredentialsProviderError":
      return CREDENTIALS_HINT;
    case "ECONNREFUSED":
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "ETIMEDOUT":
    case "TimeoutError":
      return "cannot reach the S3 endpoint: check ?endpoint= and the network";
    default:
      if (status === 403) return CREDENTIALS_HINT;
      return undefined;
  }
}

/** Wraps an SDK failure of `op` on `s3://bucket/key`; the original stays as `cause`. */
export function s3Error(op: string, bucket: string, key: string, err: unknown): S3StorageError {
  if (err instanceof S3StorageError) return err;
  const code = s3ErrorCode(err);
  const status = s3ErrorStatus(err);
  const raw = err instanceof Error ? err.message : "";
  // HEAD answers carry no body, so the SDK's message is just the code or "UnknownError".
  const detail = raw !== "" && raw !== code && !NO_CODE.has(raw) ? `: ${oneLine(raw)}` : "";
  const hint = hintFor(code, status);
  return new S3StorageError(
    `S3 ${op} s3://${bucket}/${key} failed: ${code}${status ? ` (HTTP ${status})` : ""}${detail}` +
      (hint ? ` — ${hint}` : ""),
    code,
    status,
    { cause: err },
  );
}

function oneLine(s: string): string {
  const line = s.replace(/\s+/g, " ").trim();
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
