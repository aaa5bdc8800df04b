import { SERVICE_KINDS } from "../spec/services.js";
import type { ServiceKind } from "../spec/services.js";
import { splitWords } from "./go-structs.js";
import type { ImportGraph } from "./import-graph.js";
import type { ChoiceArm, RawChoice } from "./go-choices.js";
import type { PackageFacts } from "./package-facts.js";
import { ALTERNATIVE_GROUPS, BACKEND_WORDS, EMBEDDED_NAMES, backendOf } from "./service-drivers.js";
import type { Backend } from "./service-drivers.js";

/*
 * When is a service an app reaches optional? Three rules, each from evidence in the app's own
 * import graph and sources, each recorded with where it was found:
 *
 * 1. Alternatives. The app talks to two services that stand in for each other (postgres, mysql or
 *    an embedded sqlite; redis or memcached; elasticsearch or opensearch) from one place: the same
 *    package, or sibling packages named after their backends (store/db/mysql, store/db/postgres).
 *    It uses one of them, picked by its configuration, so none is required. Drivers used apart
 *    (loki's goldfish on mysql, its compactor on sqlite) are not alternatives.
 * 2. Plugins chosen by configuration. A switch statement, or a map literal keyed by strings, whose
 *    arms refer to packages (or name backends in their labels: case "postgres") that lead to
 *    different services, or to an embedded backend (a package named memory, local, sqlite...):
 *    dex's `storages` map, memos' `switch profile.Driver`, a `switch cfg.Backend` over storage
 *    clients. The arms must lead to the same or to disjoint sets of services, which tells such a
 *    choice apart from a switch over subcommands that each use several services.
 * 3. Switched on by configuration. A bool setting named after the service and nothing but
 *    switch words (KafkaEnabled, ConsumeFromKafka, REDIS_ENABLED), or every package of the app
 *    that imports the service's driver has an `Enabled` field (a feature off by default).
 *
 * Anything else the app reaches is required. The repo's own compose file running a service
 * overrides all three (see services.ts).
 */

type Pick = Backend | "embedded";

const SWITCH_WORDS = new Set([
  "enable",
  "enabled",
  "use",
  "uses",
  "using",
  "with",
  "consume",
  "consumes",
  "from",
  "to",
  "write",
  "writes",
  "produce",
  "produces",
  "ingestion",
]);

const isService = (b: Pick): b is ServiceKind => (SERVICE_KINDS as readonly string[]).includes(b);
const lastElement = (p: string) => p.split("/").pop() ?? p;

/**
 * Rule 1, for one app (`pkgs`: the packages its main package reaches): the services it talks to
 * from the same place as another of their group.
 */
export function alternativeReasons(
  pkgs: readonly string[],
  graph: ImportGraph,
): Map<ServiceKind, string> {
  const parent = (p: string) => p.slice(0, Math.max(0, p.lastIndexOf("/")));
  // Where each backend's drivers are imported: the repo's packages, and their parents.
  const places = new Map<Backend, Set<string>>();
  for (const p of pkgs) {
    if (graph.packages.get(p)?.dir === undefined) continue;
    for (const i of graph.packages.get(p)?.imports ?? []) {
      const b = backendOf(i);
      if (!b) continue;
      const set = places.get(b) ?? new Set<string>();
      set.add(`pkg ${p}`);
      // A package named after its backend (store/db/mysql) is one plugin among its siblings.
      if (BACKEND_WORDS[lastElement(p)] !== undefined) set.add(`dir ${parent(p)}`);
      places.set(b, set);
    }
  }
  const reasons = new Map<ServiceKind, string>();
  for (const group of ALTERNATIVE_GROUPS) {
    for (const b of group) {
      if (!isService(b) || reasons.has(b)) continue;
      const mine = places.get(b);
      if (!mine) continue;
      const beside = group.filter(
        (o) => o !== b && [...(places.get(o) ?? [])].some((place) => mine.has(place)),
      );
      if (beside.length > 0) reasons.set(b, `an alternative to ${beside.join(", ")}`);
    }
  }
  return reasons;
}

/**
 * Rules 2 and 3, over all the packages the apps reach: a choice or a switch is a fact about the
 * code base, whichever app's graph it sits in (loki's CLI reaches kafka's client for its types,
 * the server has the KafkaEnabled switch).
 */
export function switchReasons(
  pkgs: readonly string[],
  graph: ImportGraph,
  factsOf: (importPath: string) => PackageFacts | undefined,
): { strong: Map<ServiceKind, string>; labels: Map<ServiceKind, string> } {
  const reasons = new Map<ServiceKind, string>();
  // Choices made by case labels alone (switch on a driver name to pick SQL syntax, say) are
  // evidence too, but the weakest: rule 1 explains such a service better when it applies.
  const labels = new Map<ServiceKind, string>();
  const add = (kind: ServiceKind, why: string, to = reasons) => {
    if (!to.has(kind)) to.set(kind, why);
  };
  const dirOf = (p: string) => graph.packages.get(p)?.dir?.replace(/^\.\//, "") ?? p;

  const direct = new Map<ServiceKind, string[]>();
  for (const p of pkgs) {
    if (graph.packages.get(p)?.dir === undefined) continue;
    for (const i of graph.packages.get(p)?.imports ?? []) {
      const b = backendOf(i);
      if (b && isService(b)) direct.set(b, [...(direct.get(b) ?? []), p]);
    }
  }

  const nearCache = new Map<string, Set<Backend>>();
  const near: Near = (p) => {
    let set = nearCache.get(p);
    if (!set) {
      const own = backendOf(p);
      set = new Set(own ? [own] : []);
      if (!own) {
        for (const i of graph.packages.get(p)?.imports ?? []) {
          const b = backendOf(i);
          if (b) set.add(b);
        }
      }
      nearCache.set(p, set);
    }
    return set;
  };
  for (const p of pkgs) {
    const facts = factsOf(p);
    if (!facts) continue;
    for (const choice of facts.choices) {
      const chosen = chosenServices(choice, near);
      for (const k of chosen.kinds) {
        const why = `one of ${choiceNames(choice, near)} chosen by configuration at ${choice.where}`;
        add(k, why, chosen.fromCode ? reasons : labels);
      }
    }
  }
  for (const p of pkgs) {
    const facts = factsOf(p);
    if (!facts) continue;
    for (const b of facts.bools) {
      const k = switchedService(splitWords(b.name).map((w) => w.toLowerCase()));
      if (k) add(k, `switched on by ${b.name} (${b.where})`);
    }
    for (const e of facts.env) {
      if (e.how !== "code") continue;
      const k = switchedService(e.name.toLowerCase().split("_"));
      if (k) add(k, `switched on by ${e.name} (${e.where})`);
    }
  }
  for (const [kind, importers] of direct) {
    if (importers.every((p) => factsOf(p)?.hasEnabledField === true)) {
      const dirs = [...new Set(importers.map(dirOf))].join(", ");
      add(kind, `used by ${dirs}, switched on by its Enabled setting`);
    }
  }
  return { strong: reasons, labels };
}

/** The service a switch-like name is about: one service word, the rest switch words. */
function switchedService(words: string[]): ServiceKind | undefined {
  const services = words.map((w) => BACKEND_WORDS[w]).filter((b): b is Pick => b !== undefined);
  const k = services[0];
  if (services.length !== 1 || k === undefined || !isService(k)) return undefined;
  return words.every((w) => BACKEND_WORDS[w] !== undefined || SWITCH_WORDS.has(w)) ? k : undefined;
}

/** Backends a package is or talks to directly: a driver, or a package importing one. */
type Near = (importPath: string) => ReadonlySet<Backend>;

/** Embedded backends a case label or map key may name (not "none" or "file": too common). */
const EMBEDDED_LABELS = new Set([
  "local",
  "memory",
  "inmemory",
  "inmem",
  "filesystem",
  "embedded",
  "bolt",
  "boltdb",
  "badger",
]);

/** What the setting a switch looks at is called, when it picks a backend by name. */
const SETTING = /(?:type|driver|backend|dialect|store|storage|engine|provider|kind|dbms)$/i;

interface ArmPicks {
  services: ServiceKind[];
  embedded: boolean;
  /** Picks from the code the arm refers to, not only from its labels. */
  fromCode: boolean;
}

function armPicks(arm: ChoiceArm, near: Near, kind: RawChoice["kind"]): ArmPicks {
  const picks = new Set<Pick>();
  for (const ref of arm.refs) {
    for (const b of near(ref)) picks.add(b);
    if (EMBEDDED_NAMES.has(lastElement(ref))) picks.add("embedded");
  }
  const fromCode = picks.size > 0;
  // A map's keys count only for entries that refer to code (an enum's name table does not).
  if (kind === "switch" || arm.refs.length > 0) {
    for (const label of arm.labels) {
      const w = label.toLowerCase();
      const b = BACKEND_WORDS[w];
      if (b && (b !== "embedded" || EMBEDDED_LABELS.has(w))) picks.add(b);
    }
  }
  return {
    services: [...picks].filter(isService).sort(),
    embedded: picks.has("embedded") || picks.has("sqlite"),
    fromCode,
  };
}

interface Chosen {
  kinds: ServiceKind[];
  /** Some arm runs a backend's code (not only names one in its label). */
  fromCode: boolean;
}

const chosenCache = new WeakMap<RawChoice, Chosen>();

/** Rule 2: the services a choice picks between, or none when it is not a choice of backends. */
function chosenServices(choice: RawChoice, near: Near): Chosen {
  let chosen = chosenCache.get(choice);
  if (!chosen) {
    chosen = choose(choice, near);
    chosenCache.set(choice, chosen);
  }
  return chosen;
}

/** The arms without the packages every arm refers to: those say nothing about the choice. */
function distinctArms(choice: RawChoice): ChoiceArm[] {
  const common = choice.arms
    .slice(1)
    .reduce((acc, a) => acc.filter((r) => a.refs.includes(r)), choice.arms[0]?.refs ?? []);
  return choice.arms.map((a) => ({
    labels: a.labels,
    refs: a.refs.filter((r) => !common.includes(r)),
  }));
}

/**
 * A choice of backends: two or more arms picking a backend, at least one of them by the code it
 * runs (labels alone are a string switch, not a plugin), picking different things, and any two
 * arms picking services pick the same ones or none in common.
 */
function choose(choice: RawChoice, near: Near): Chosen {
  const none = { kinds: [], fromCode: false };
  const arms = distinctArms(choice)
    .map((a) => armPicks(a, near, choice.kind))
    .filter((a) => a.services.length > 0 || a.embedded);
  if (arms.length < 2) return none;
  const fromCode = arms.some((a) => a.fromCode);
  // Labels alone (no arm runs a backend's code) only on a setting's name: switch cfg.Driver.
  if (!fromCode && !SETTING.test(choice.subject ?? "")) return none;
  const signature = (a: ArmPicks) => (a.services.length > 0 ? a.services.join(",") : "embedded");
  if (new Set(arms.map(signature)).size < 2) return none;
  for (const a of arms) {
    for (const b of arms) {
      if (a === b || a.services.length === 0 || b.services.length === 0) continue;
      const shared = a.services.filter((k) => b.services.includes(k)).length;
      if (shared > 0 && signature(a) !== signature(b)) return none;
    }
  }
  return { kinds: [...new Set(arms.flatMap((a) => a.services))], fromCode };
}

/** The backends a choice names, for the reason: "sqlite, mysql, postgres". */
function choiceNames(choice: RawChoice, near: Near): string {
  const names = new Set<string>();
  for (const arm of distinctArms(choice)) {
    const picks = armPicks(arm, near, choice.kind);
    if (picks.services.length === 0 && !picks.embedded) continue;
    const label = arm.labels.find((l) => BACKEND_WORDS[l.toLowerCase()] !== undefined);
    if (label) names.add(label.toLowerCase());
    else if (picks.services.length > 0) for (const k of picks.services) names.add(k);
    else
      names.add(
        lastElement(arm.refs.find((r) => EMBEDDED_NAMES.has(lastElement(r))) ?? "embedded"),
      );
  }
  return [...names].join(", ");
}
