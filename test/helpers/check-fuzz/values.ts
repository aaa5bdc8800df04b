import type { Rand } from "./random.js";

/**
 * Values of any YAML/JSON type. The generators use them for the rare field of the wrong type: a
 * schema-invalid file must not crash a rule either (its tool rejects it, gopave reports what it
 * can).
 */
export function junk(r: Rand, depth = 0): unknown {
  return r.oneOf<unknown>([
    [3, () => null],
    [2, () => r.pick([0, 1, -1, 1.5, 65535, 1e21, 0.1])],
    [2, () => r.bool()],
    [
      3,
      () =>
        r.pick([
          "",
          " ",
          "x",
          "${{ github.ref }}",
          "${VAR}",
          "$$",
          "1.22",
          "~",
          "null",
          "[]",
          "{}",
          "a:b:c",
          "\t",
        ]),
    ],
    [depth < 2 ? 2 : 0, () => r.times(r.int(3), () => junk(r, depth + 1))],
    [
      depth < 2 ? 2 : 0,
      () =>
        Object.fromEntries(
          r.times(r.int(3), () => [
            r.pick(["a", "image", "0", "__proto__", "constructor", "toString", ""]),
            junk(r, depth + 1),
          ]),
        ),
    ],
  ]);
}

/** Mostly `good()`, sometimes something of another type. */
export function or<T>(r: Rand, good: () => T, p = 0.06): T | unknown {
  return r.bool(p) ? junk(r) : good();
}

/** A `${{ }}` expression as GitHub Actions writes it. */
export function expr(r: Rand): string {
  return `\${{ ${r.pick(["matrix.go", "matrix.go-version", "inputs.go", "env.GO_VERSION", "fromJSON(needs.setup.outputs.matrix)", "vars.GO", "secrets.TOKEN", "github.event_name == 'push'", "steps.x.outputs.y", ""])} }}`;
}
