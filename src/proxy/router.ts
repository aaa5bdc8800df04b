import { matchPrefixPatterns } from "../gomod/glob.js";
import { parseGoproxy } from "../gomod/goproxy-list.js";
import type { ProxyEntry } from "../gomod/goproxy-list.js";
import type { Route, Target } from "./types.js";

/**
 * Ordered routing: `GLOB=TARGET` rules, first match wins, globs with Go's GOPRIVATE semantics
 * (MatchPrefixPatterns: a glob of N elements matches the first N elements of the module path).
 * Anything no rule matches goes to the default route, a public upstream.
 *
 * Which routes are public (verified against the checksum database, guarded against private
 * addresses): the default route, and any rule whose target is the very same upstream list as the
 * default. Everything else — `direct`, `deny`, another upstream — is private: a team routes a
 * prefix elsewhere precisely because those modules are not in the public checksum database.
 */
export type TargetSpec =
  | { kind: "direct" }
  | { kind: "deny" }
  /** A GOPROXY-syntax list (may contain direct or off entries). */
  | { kind: "upstream"; list: string; entries: ProxyEntry[] };

export interface RouteRule {
  pattern: string;
  target: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export function parseTargetSpec(text: string): Parsed<TargetSpec> {
  const t = text.trim();
  if (t === "direct") return { ok: true, value: { kind: "direct" } };
  if (t === "deny") return { ok: true, value: { kind: "deny" } };
  const parsed = parseGoproxy(t);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  if (parsed.entries.length === 0) return { ok: false, error: "empty target" };
  return { ok: true, value: { kind: "upstream", list: t, entries: parsed.entries } };
}

/** "GLOB=TARGET": split at the first "=" (module paths and globs never contain one). */
export function parseRouteRule(rule: string): Parsed<RouteRule> {
  const eq = rule.indexOf("=");
  if (eq < 0) {
    return {
      ok: false,
      error: `route "${rule}" is not GLOB=TARGET (e.g. "*.corp.example.com=direct")`,
    };
  }
  const pattern = rule.slice(0, eq).trim();
  const target = rule.slice(eq + 1).trim();
  if (pattern.split(",").every((g) => g.trim() === "")) {
    return { ok: false, error: `route "${rule}" has an empty glob` };
  }
  if (/\s/.test(pattern)) return { ok: false, error: `route glob "${pattern}" contains a space` };
  const t = parseTargetSpec(target);
  if (!t.ok) return { ok: false, error: `route "${rule}": ${t.error}` };
  return { ok: true, value: { pattern, target } };
}

/** Two upstream lists are the same route target when they parse to the same entries. */
export function sameUpstream(a: string, b: string): boolean {
  const pa = parseGoproxy(a);
  const pb = parseGoproxy(b);
  if (!pa.ok || !pb.ok || pa.entries.length !== pb.entries.length) return false;
  const norm = (e: ProxyEntry) =>
    e.kind === "url" ? `${e.url.replace(/\/+$/, "")}${e.fallbackOnError ? "|" : ","}` : e.kind;
  return pa.entries.every((e, i) => norm(e) === norm(pb.entries[i] as ProxyEntry));
}

export interface TargetFactories {
  /** `guardDirect`: the list is on a public route, so a `direct` entry must refuse private hosts. */
  upstream(list: string, opts: { guardDirect: boolean }): Target;
  direct(): Target;
  deny(): Target;
}

export const DEFAULT_ROUTE_NAME = "default";

/** Builds the ordered routes: the rules in order, then the default route (a public upstream). */
export function buildRoutes(
  rules: readonly RouteRule[],
  defaultUpstream: string,
  make: TargetFactories,
): Route[] {
  const cache = new Map<string, Target>();
  const upstream = (list: string, guardDirect: boolean) => {
    const key = `${guardDirect}|${list}`;
    let t = cache.get(key);
    if (!t) {
      t = make.upstream(list, { guardDirect });
      cache.set(key, t);
    }
    return t;
  };
  let direct: Target | undefined;
  let deny: Target | undefined;
  const routes: Route[] = rules.map((rule) => {
    const spec = parseTargetSpec(rule.target);
    if (!spec.ok) throw new Error(`route "${rule.pattern}=${rule.target}": ${spec.error}`);
    const pub = spec.value.kind === "upstream" && sameUpstream(spec.value.list, defaultUpstream);
    let target: Target;
    if (spec.value.kind === "direct") target = direct ??= make.direct();
    else if (spec.value.kind === "deny") target = deny ??= make.deny();
    else target = upstream(spec.value.list, pub);
    return { pattern: rule.pattern, name: rule.pattern, target, verify: pub };
  });
  routes.push({
    pattern: "*",
    name: DEFAULT_ROUTE_NAME,
    target: upstream(defaultUpstream, true),
    verify: true,
  });
  return routes;
}

/** First matching route; the last route is the catch-all default. */
export class Router {
  constructor(readonly routes: readonly Route[]) {
    if (routes.length === 0) throw new Error("a router needs at least a default route");
  }

  select(module: string): Route {
    const last = this.routes.length - 1;
    for (let i = 0; i < last; i++) {
      const r = this.routes[i] as Route;
      if (matchPrefixPatterns(r.pattern, module)) return r;
    }
    return this.routes[last] as Route;
  }

  /** Private modules skip checksum-database verification and must not be looked up there. */
  isPrivate(module: string): boolean {
    return !this.select(module).verify;
  }
}

export function routeLabel(route: Route): string {
  return route.name ?? route.pattern;
}
