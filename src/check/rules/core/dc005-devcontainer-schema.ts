import { readFileSync } from "node:fs";
import type { ErrorObject, ValidateFunction } from "ajv";
import { didYouMean } from "../../../util/did-you-mean.js";
import type { Rule, RuleFinding, StructuredFile } from "../../types.js";

/** Vendored, so the published package validates without network or sibling checkouts. */
const SCHEMA_URL = new URL(
  "../../../../schema/vendor/devContainer.base.schema.json",
  import.meta.url,
);

interface Validator {
  validate: ValidateFunction;
  /** Every top-level property some shape of the schema defines. */
  knownKeys: string[];
}

let validator: Promise<Validator> | undefined;

/** Compiled once per process, and only when a repo has a devcontainer.json (Ajv is not cheap). */
function loadValidator(): Promise<Validator> {
  validator ??= (async () => {
    const [{ Ajv2019 }, formats] = await Promise.all([
      import("ajv/dist/2019.js"),
      import("ajv-formats"),
    ]);
    // ajv-formats is CommonJS: under NodeNext the function may sit one `default` deeper.
    const mod = formats as unknown as { default: unknown };
    const addFormats = ((mod.default as { default?: unknown }).default ?? mod.default) as (
      ajv: InstanceType<typeof Ajv2019>,
    ) => void;
    // Draft 2019-09 plus VS Code's own keywords (allowComments, ...): strict mode would reject them.
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    addFormats(ajv);
    const schema = JSON.parse(readFileSync(SCHEMA_URL, "utf8")) as SchemaNode;
    return { validate: ajv.compile(schema), knownKeys: [...topLevelKeys(schema, schema)] };
  })();
  return validator;
}

interface SchemaNode {
  properties?: Record<string, unknown>;
  oneOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  allOf?: SchemaNode[];
  $ref?: string;
  definitions?: Record<string, SchemaNode>;
}

function topLevelKeys(
  node: SchemaNode,
  root: SchemaNode,
  seen = new Set<SchemaNode>(),
): Set<string> {
  const keys = new Set<string>();
  if (seen.has(node)) return keys;
  seen.add(node);
  for (const k of Object.keys(node.properties ?? {})) keys.add(k);
  const refName = /^#\/definitions\/(.+)$/.exec(node.$ref ?? "")?.[1];
  const ref = refName === undefined ? undefined : root.definitions?.[refName];
  for (const child of [
    ...(node.oneOf ?? []),
    ...(node.anyOf ?? []),
    ...(node.allOf ?? []),
    ...(ref ? [ref] : []),
  ]) {
    for (const k of topLevelKeys(child, root, seen)) keys.add(k);
  }
  return keys;
}

function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function dotted(path: readonly (string | number)[]): string {
  return path.reduce<string>(
    (acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p),
    "",
  );
}

interface Problem {
  path: (string | number)[];
  message: string;
}

/** The schema's three container shapes, by the definitions Ajv names in each error's schemaPath. */
const SHAPES = {
  image: ["imageContainer", "nonComposeBase"],
  dockerfile: ["dockerfileContainer", "nonComposeBase", "buildOptions"],
  compose: ["composeContainer"],
} as const;
type Shape = keyof typeof SHAPES;
/** Top-level keys each shape requires (a Dockerfile build is satisfied by the key that selects it). */
const SHAPE_REQUIRED: Record<Shape, readonly string[]> = {
  image: ["image"],
  dockerfile: [],
  compose: ["dockerComposeFile", "service", "workspaceFolder"],
};

function shapesOf(data: Record<string, unknown>): Shape[] {
  const out: Shape[] = [];
  if ("image" in data) out.push("image");
  if ("build" in data || "dockerFile" in data) out.push("dockerfile");
  if ("dockerComposeFile" in data) out.push("compose");
  return out;
}

/**
 * The schema is a oneOf of image / Dockerfile / compose shapes (plus a features-only one), so Ajv
 * reports every branch that failed. Keep what a person can act on: the errors of the shape the
 * file uses, values of the wrong type, and keys no shape defines.
 */
function problems(
  data: Record<string, unknown>,
  errors: readonly ErrorObject[],
  knownKeys: readonly string[],
): Problem[] {
  const shapes = shapesOf(data);
  const shape = shapes.length === 1 ? shapes[0] : undefined;
  const otherDefs = Object.entries(SHAPES)
    .filter(([s]) => s !== shape)
    .flatMap(([, defs]) => defs)
    .filter((d) => !(shape && (SHAPES[shape] as readonly string[]).includes(d)));
  const out: Problem[] = [];
  for (const e of errors) {
    if (["oneOf", "anyOf", "allOf", "if", "not", "$ref"].includes(e.keyword)) continue;
    // An error inside a shape the file does not use says nothing about this file.
    if (otherDefs.some((d) => e.schemaPath.includes(`/definitions/${d}/`))) continue;
    const path = pointerToPath(e.instancePath);
    const p = e.params as Record<string, unknown>;
    if (e.keyword === "additionalProperties" || e.keyword === "unevaluatedProperties") {
      const key = String(p.additionalProperty ?? p.unevaluatedProperty);
      if (path.length === 0 && knownKeys.includes(key)) continue;
      const guess = path.length === 0 ? didYouMean(key, knownKeys) : undefined;
      out.push({
        path: [...path, key],
        message: `unknown property "${key}"${guess ? ` (did you mean "${guess}"?)` : ""}`,
      });
    } else if (e.keyword === "required") {
      const missing = String(p.missingProperty);
      // At the top level only the requirements of the shape the file uses apply.
      if (path.length === 0 && !(shape && SHAPE_REQUIRED[shape].includes(missing))) continue;
      out.push({ path, message: `missing required property "${missing}"` });
    } else if (e.keyword === "enum") {
      const allowed = (p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ");
      out.push({ path, message: `must be one of ${allowed}` });
    } else {
      out.push({ path, message: e.message ?? e.keyword });
    }
  }
  // A union (string | object) reports the branch that did not apply as a type error on the
  // parent; a problem found inside the value is the one to show.
  const inside = (x: Problem) =>
    out.some((y) => y.path.length > x.path.length && x.path.every((seg, i) => y.path[i] === seg));
  // Several branches often report the same problem; one of each is enough.
  const seen = new Set<string>();
  return out.filter((x) => {
    if (x.message.startsWith("must be ") && x.path.length > 0 && inside(x)) return false;
    const key = `${dotted(x.path)}|${x.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function findings(file: StructuredFile, v: Validator): RuleFinding[] {
  const data = file.data;
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return [{ file: file.path, line: 1, message: "must be a JSON object" }];
  }
  const obj = data as Record<string, unknown>;
  const shapes = shapesOf(obj);
  const list = shapes.length > 1 ? [] : problems(obj, v.validate.errors ?? [], v.knownKeys);
  if (list.length === 0) {
    const keys = { image: "image", dockerfile: "build", compose: "dockerComposeFile" };
    const second = shapes[1];
    list.push({
      path: second
        ? [second === "dockerfile" && !("build" in obj) ? "dockerFile" : keys[second]]
        : [],
      message:
        shapes.length > 1
          ? `sets ${shapes.map((s) => keys[s]).join(" and ")}: use exactly one of image, build (or dockerFile), dockerComposeFile`
          : "needs one of image, build (with dockerfile), dockerFile or dockerComposeFile",
    });
  }
  return list.map((x) => ({
    file: file.path,
    line: file.lineOf(x.path),
    message: `does not match the dev container schema: ${x.path.length > 0 && shapes.length <= 1 ? `${dotted(x.path)}: ` : ""}${x.message}`,
  }));
}

export const DC005: Rule = {
  id: "DC005",
  severity: "error",
  title: "devcontainer.json does not match the official schema",
  doc: {
    why:
      "The dev container CLI and VS Code read devcontainer.json without validating it: a misspelt key is " +
      "silently ignored and a wrong type fails only when someone opens the container. gopave validates it " +
      "against the official devcontainer.json schema (devcontainers/spec), so the mistake shows up in review.",
    fix:
      "Correct the property named in the message: check its spelling and type against " +
      "https://containers.dev/implementors/json_reference/. Custom settings belong under " +
      "`customizations.<tool>`, which the schema leaves open.",
    example: {
      file: ".devcontainer/devcontainer.json",
      bad: '{\n  "image": "mcr.microsoft.com/devcontainers/go:1",\n  "forwardPort": [8080]\n}\n',
      good: '{\n  "image": "mcr.microsoft.com/devcontainers/go:1",\n  "forwardPorts": [8080]\n}\n',
    },
  },
  async check({ model }) {
    if (model.devcontainers.length === 0) return [];
    const v = await loadValidator();
    return model.devcontainers.flatMap((file) => (v.validate(file.data) ? [] : findings(file, v)));
  },
};
