import { lookup } from "node:dns/promises";
import { isIP } from "node:net";

/**
 * Egress guard for public routes. In `direct` mode the first element of a module path becomes a
 * host the proxy connects to (`https://<path>?go-get=1`), so without a guard anyone who can ask
 * for `169.254.169.254/x` or `localhost.example/x` makes the proxy probe its own network.
 */
export class ForbiddenHostError extends Error {
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(
      `refusing to connect to ${host}${address === host ? "" : ` (${address})`}: ` +
        "loopback, link-local, private and reserved addresses are not reachable from a public route",
    );
    this.name = "ForbiddenHostError";
  }
}

/** [first address, prefix length] of IPv4 ranges no public module can live in. */
const V4_RANGES: readonly [string, number][] = [
  ["0.0.0.0", 8], // "this network", unspecified
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // CGNAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, cloud metadata
  ["172.16.0.0", 12],
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // TEST-NET-1
  ["192.88.99.0", 24], // 6to4 relay anycast
  ["192.168.0.0", 16],
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // TEST-NET-2
  ["203.0.113.0", 24], // TEST-NET-3
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
];

function v4ToInt(ip: string): number | undefined {
  const parts = ip.split(".");
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

function v4Forbidden(n: number): boolean {
  return V4_RANGES.some(([base, bits]) => {
    const b = v4ToInt(base) as number;
    const size = 2 ** (32 - bits);
    return n >= b && n < b + size;
  });
}

/** 16 bytes of an IPv6 address (zone id dropped), or undefined when it does not parse. */
function v6Bytes(ip: string): Uint8Array | undefined {
  let s = ip.replace(/%.*$/, "");
  const out = new Uint8Array(16);
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted) {
    const n = v4ToInt(dotted[1] as string);
    if (n === undefined) return undefined;
    s = `${s.slice(0, -(dotted[1] as string).length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  if (halves.length === 1 && head.length !== 8) return undefined;
  if (head.length + tail.length > (halves.length === 2 ? 7 : 8)) return undefined;
  const groups = [...head, ...Array<string>(8 - head.length - tail.length).fill("0"), ...tail];
  for (let i = 0; i < 8; i++) {
    const g = groups[i] as string;
    if (!/^[0-9a-f]{1,4}$/i.test(g)) return undefined;
    const v = parseInt(g, 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  }
  return out;
}

function prefixIs(b: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((v, i) => b[i] === v);
}

function embeddedV4(b: Uint8Array, at: number): number {
  return (
    (((b[at] as number) << 24) |
      ((b[at + 1] as number) << 16) |
      ((b[at + 2] as number) << 8) |
      (b[at + 3] as number)) >>>
    0
  );
}

function v6Forbidden(b: Uint8Array): boolean {
  const first = b[0] as number;
  const second = b[1] as number;
  if (b.every((x) => x === 0)) return true; // ::
  if (b.slice(0, 15).every((x) => x === 0) && b[15] === 1) return true; // ::1
  if ((first & 0xfe) === 0xfc) return true; // fc00::/7 unique local
  if (first === 0xfe && (second & 0xc0) === 0x80) return true; // fe80::/10 link-local
  if (first === 0xfe && (second & 0xc0) === 0xc0) return true; // fec0::/10 site-local
  if (first === 0xff) return true; // multicast
  if (prefixIs(b, [0x20, 0x01, 0x0d, 0xb8])) return true; // documentation
  if (prefixIs(b, [0x01, 0, 0, 0, 0, 0, 0, 0])) return true; // 100::/64 discard
  // Addresses that carry an IPv4 address are as private as that address.
  if (prefixIs(b, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]))
    return v4Forbidden(embeddedV4(b, 12));
  if (prefixIs(b, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])) return v4Forbidden(embeddedV4(b, 12));
  if (prefixIs(b, [0, 0x64, 0xff, 0x9b])) return v4Forbidden(embeddedV4(b, 12)); // NAT64
  if (prefixIs(b, [0x20, 0x02])) return v4Forbidden(embeddedV4(b, 2)); // 6to4
  return false;
}

/**
 * True for loopback, link-local, private (RFC 1918, ULA), CGNAT, multicast, unspecified,
 * documentation and reserved addresses, IPv6 forms that embed such an IPv4 address
 * (v4-mapped, v4-compatible, NAT64, 6to4), and anything that is not an IP address (fail closed).
 */
export function isForbiddenAddress(ip: string): boolean {
  const bare = ip.replace(/^\[|\]$/g, "");
  const family = isIP(bare.replace(/%.*$/, ""));
  if (family === 4) return v4Forbidden(v4ToInt(bare) as number);
  if (family === 6) {
    const b = v6Bytes(bare);
    return b === undefined || v6Forbidden(b);
  }
  return true;
}

export type Resolver = (host: string) => Promise<string[]>;

const systemResolver: Resolver = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/**
 * Throws ForbiddenHostError when `host` is, or resolves to, a forbidden address. A name that does
 * not resolve passes: the connection that follows fails on its own, with the resolver's message.
 * Every resolved address is checked, so a name with one public and one private record is refused.
 */
export async function assertPublicHost(
  host: string,
  resolve: Resolver = systemResolver,
): Promise<void> {
  const bare = host.replace(/^\[|\]$/g, "").replace(/\.$/, "");
  if (isIP(bare.replace(/%.*$/, "")) !== 0) {
    if (isForbiddenAddress(bare)) throw new ForbiddenHostError(host, bare);
    return;
  }
  if (bare.toLowerCase() === "localhost" || bare.toLowerCase().endsWith(".localhost")) {
    throw new ForbiddenHostError(host, "loopback");
  }
  let addresses: string[];
  try {
    addresses = await resolve(bare);
  } catch {
    return;
  }
  for (const a of addresses) {
    if (isForbiddenAddress(a)) throw new ForbiddenHostError(host, a);
  }
}

/** The host a module path names in direct mode: its first path element. */
export function moduleHost(module: string): string {
  const slash = module.indexOf("/");
  return slash < 0 ? module : module.slice(0, slash);
}
