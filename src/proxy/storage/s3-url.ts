import { GopaveError } from "../../util/errors.js";

/** Where an `s3://` storage lives. Credentials are never part of it: they come from the AWS chain. */
export interface S3Location {
  bucket: string;
  /** "" or a key prefix ending in "/" ("team/cache/"). */
  prefix: string;
  region: string;
  /** An S3-compatible server's base URL (MinIO, versitygw, Ceph …); absent for AWS itself. */
  endpoint?: string;
  /** Bucket in the path rather than the host name (most self-hosted servers need this). */
  forcePathStyle: boolean;
}

const HINT =
  "e.g. --storage s3://my-bucket/gopave?region=eu-west-1 (credentials come from the AWS " +
  "environment: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, web identity or an instance role)";

const PARAMS: ReadonlySet<string> = new Set(["region", "endpoint", "pathStyle"]);

/**
 * Bucket names as S3 accepts them: 3–63 characters of lowercase letters, digits, dots and
 * hyphens (underscores too: old us-east-1 buckets and self-hosted servers allow them).
 */
const BUCKET = /^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/;
const REGION = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * Parses `s3://BUCKET[/PREFIX][?region=R&endpoint=URL&pathStyle=true]`. The region defaults to
 * AWS_REGION, then AWS_DEFAULT_REGION, then us-east-1 (what the AWS CLI does without a profile).
 */
export function parseS3Url(url: string, env: NodeJS.ProcessEnv): S3Location {
  const shown = redactS3Url(url);
  const fail = (why: string): GopaveError => usage(shown, why);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw fail("not a valid URL");
  }
  if (u.protocol !== "s3:") throw fail(`not an s3:// URL`);
  if (u.username !== "" || u.password !== "") {
    throw fail("credentials do not belong in the storage URL; set them in the AWS environment");
  }
  if (u.port !== "")
    throw fail("a port belongs in ?endpoint=http://host:port, not after the bucket");
  if (u.hash !== "") throw fail("a storage URL has no #fragment");
  const bucket = u.hostname;
  if (!BUCKET.test(bucket) || bucket.includes("..")) {
    throw fail(
      bucket === ""
        ? "no bucket name (s3://BUCKET/PREFIX)"
        : `"${bucket}" is not a bucket name (3-63 lowercase letters, digits, ".", "-")`,
    );
  }
  // From the text as typed: URL parsing would quietly resolve "a/../b" to "b".
  const prefix = parsePrefix(rawPath(url), fail);

  const seen = new Set<string>();
  for (const name of u.searchParams.keys()) {
    if (!PARAMS.has(name)) {
      // Named only when it looks like a mistyped parameter, not a pasted secret.
      const shownName = /^[A-Za-z_]{1,20}$/.test(name) ? ` "${name}"` : "";
      throw fail(`unknown parameter${shownName} (known: region, endpoint, pathStyle)`);
    }
    if (seen.has(name)) throw fail(`parameter "${name}" given twice`);
    seen.add(name);
  }
  // An empty variable counts as unset, as it does for the AWS CLI.
  const region =
    u.searchParams.get("region") ?? (env.AWS_REGION || env.AWS_DEFAULT_REGION || "us-east-1");
  if (!REGION.test(region)) throw fail(`"${region}" is not a region name`);
  const endpointParam = u.searchParams.get("endpoint");
  const endpoint = endpointParam === null ? undefined : parseEndpoint(endpointParam, fail);
  const pathStyle = u.searchParams.get("pathStyle") ?? "false";
  if (pathStyle !== "true" && pathStyle !== "false") {
    throw fail(`pathStyle is "true" or "false", not "${pathStyle}"`);
  }
  return {
    bucket,
    prefix,
    region,
    ...(endpoint === undefined ? {} : { endpoint }),
    forcePathStyle: pathStyle === "true",
  };
}

/** The path as written: after "s3://bucket", before any "?" or "#". */
function rawPath(url: string): string {
  const rest = url.slice(url.indexOf("//") + 2).split(/[?#]/, 1)[0] ?? "";
  const slash = rest.indexOf("/");
  return slash < 0 ? "" : rest.slice(slash);
}

/** "/a/b/" or "/a/b" → "a/b/"; every element a plain name, so keys stay under the prefix. */
function parsePrefix(pathname: string, fail: (why: string) => GopaveError): string {
  const trimmed = pathname.replace(/^\//, "").replace(/\/$/, "");
  if (trimmed === "") return "";
  const parts = trimmed.split("/").map((p) => {
    let part: string;
    try {
      part = decodeURIComponent(p);
    } catch {
      throw fail(`prefix element "${p}" is not valid percent-encoding`);
    }
    // eslint-disable-next-line no-control-regex
    if (part === "" || part === "." || part === ".." || /[\x00-\x1f\x7f\\/]/.test(part)) {
      throw fail(
        `prefix "${trimmed}" has an empty, "." or ".." element, an encoded slash or a control character`,
      );
    }
    return part;
  });
  return `${parts.join("/")}/`;
}

function parseEndpoint(value: string, fail: (why: string) => GopaveError): string {
  let e: URL;
  try {
    e = new URL(value);
  } catch {
    throw fail(`endpoint "${value}" is not a URL (e.g. endpoint=http://127.0.0.1:9000)`);
  }
  if (e.protocol !== "http:" && e.protocol !== "https:") {
    throw fail(`endpoint must be http:// or https://, not ${e.protocol}//`);
  }
  if (e.username !== "" || e.password !== "") {
    throw fail("credentials do not belong in the endpoint URL; set them in the AWS environment");
  }
  if (e.search !== "" || e.hash !== "") throw fail("the endpoint URL takes no query or #fragment");
  return e.href.replace(/\/$/, "");
}

/**
 * The URL as it may be shown: userinfo (here or in the endpoint parameter, encoded or not, even
 * when a "/" in a secret broke the URL) and the values of unknown parameters replaced, so an error
 * never repeats a secret someone pasted into a flag. Redacting too much is fine; too little is not.
 */
export function redactS3Url(url: string): string {
  const userinfo = /(\/\/|%2F%2F)(?:(?!@|%40).)*(@|%40)/gi;
  const shown = url.replace(userinfo, "$1***$2");
  const q = shown.indexOf("?");
  if (q < 0) return shown;
  const query = shown
    .slice(q + 1)
    .split("&")
    .map((pair) => {
      const eq = pair.indexOf("=");
      const name = eq < 0 ? pair : pair.slice(0, eq);
      if (PARAMS.has(name)) return pair;
      return eq < 0 ? "***" : `${name}=***`;
    })
    .join("&");
  return `${shown.slice(0, q)}?${query}`;
}

function usage(shown: string, why: string): GopaveError {
  return new GopaveError("USAGE", `invalid --storage "${shown}": ${why}`, { hint: HINT });
}
