import type { RepoModel, Rule, RuleFinding, TerraformFile } from "../../types.js";
import { versionPrecision } from "../go/sources/go-image.js";
import { pinBelow, pinsAgree, requiredGo } from "../go/sources/go-lines.js";
import { exactPin } from "../go/sources/setup-go.js";

const RELEASE = String.raw`1\.\d+(?:\.\d+)?(?:(?:rc|beta)\d+)?`;

/**
 * How user data and provisioning scripts pin Go: a release name (`go1.22.3`, the tarball
 * `go1.22.3.linux-amd64.tar.gz`, `GOTOOLCHAIN=go1.22.3`), a variable whose name ends in
 * go_version (`GO_VERSION=1.22.3`, `go_version = "1.22.3"`), a golang image tag.
 */
// A version followed by a glob character is a pattern (`go1.2[1-9]*` in a case), not a pin.
const END = String.raw`(?![\w[*?])`;
const PATTERNS: RegExp[] = [
  new RegExp(String.raw`(?<![\w.-])go(${RELEASE})${END}`, "g"),
  new RegExp(
    String.raw`\b[a-z0-9_]*go_version["']?\s*[=:]\s*["']?(?:go)?(${RELEASE})${END}["']?`,
    "gi",
  ),
  new RegExp(String.raw`\bgolang:(${RELEASE})${END}`, "g"),
];

interface Mention {
  version: string;
  precision: "exact" | "minor";
  line: number;
  /** The text that pins it, for the message. */
  written: string;
}

/** Go versions a file names, one per line and version; whole-line comments are skipped. */
export function goVersionMentions(file: TerraformFile): Mention[] {
  const out: Mention[] = [];
  const seen = new Set<string>();
  file.lines.forEach((text, i) => {
    if (/^\s*(?:#|\/\/)/.test(text)) return;
    for (const re of PATTERNS) {
      for (const m of text.matchAll(re)) {
        const p = versionPrecision(m[1] as string);
        const key = `${i}:${p?.version}`;
        if (!p || seen.has(key)) continue;
        seen.add(key);
        out.push({ ...p, line: i + 1, written: m[0].replace(/\s+/g, " ") });
      }
    }
  });
  return out;
}

/** `variable "<x>go_version" { default = "1.22.3" }` whose default a .tfvars beside it does not override. */
function variableDefaults(model: RepoModel, file: TerraformFile): Mention[] {
  const overridden = (name: string) =>
    model.terraform.some(
      (f) =>
        f.dir === file.dir &&
        f.kind === "tfvars" &&
        /^(?:terraform\.tfvars|.*\.auto\.tfvars)$/.test(f.path.split("/").pop() ?? "") &&
        f.assigns.some((a) => a.name === name),
    );
  return file.variables.flatMap((v) => {
    const d = v.default;
    if (!/go_version$/i.test(v.name) || d?.value === undefined || overridden(v.name)) return [];
    const p = versionPrecision(d.value);
    return p ? [{ ...p, line: d.line, written: `variable "${v.name}" default "${d.value}"` }] : [];
  });
}

const shown = (m: { version: string; precision: string }) =>
  m.precision === "minor" ? `${m.version}.x` : m.version;

export const TF002: Rule = {
  id: "TF002",
  severity: "error",
  title: "Go version in a dev box's user data disagrees with the repo's Go",
  doc: {
    why:
      "A Terraform module that provisions developer VMs installs Go from its cloud-init user " +
      "data or a provisioning script. When that Go is not the release the repo declares " +
      "(gopave.yaml's go.version, else the governing toolchain line, as GV001 decides), every " +
      "dev box builds and tests with another Go than CI and the Dockerfile: different vet " +
      "findings, different bugs. Read are the module's .tf and .tfvars files and, beside them " +
      "or named by templatefile()/file() through ${path.module}, .tftpl/.tpl templates, " +
      "#cloud-config YAML and shell scripts: go1.X.Y (tarball names, GOTOOLCHAIN=go1.X.Y), " +
      'variables ending in go_version (GO_VERSION=1.X.Y, go_version = "1.X.Y"), golang:1.X.Y ' +
      'image tags, and the default of a `variable "go_version"` the templates interpolate. A ' +
      "version without a patch (golang:1.26, GO_VERSION=1.26) is read as the newest 1.26.x, as " +
      "GV001 and DF012 read golang:1.26: it agrees with any 1.26 release, and another minor is " +
      "a warning. Without a declared release, only a Go below go.mod's go line is reported. " +
      "Files carrying gopave's generated-file marker are not checked.",
    fix:
      "Install the declared release: write it in the user data, or pass it in from one place " +
      '(variable "go_version" { default = "1.26.8" } and ${go_version} in the template), or let ' +
      "gopave generate the dev box module from gopave.yaml.",
    example: {
      file: "devbox/cloud-init.yaml.tftpl",
      bad:
        "#cloud-config\n# gopave.yaml: go.version 1.26.8\nruncmd:\n" +
        '  - curl -fsSL -o /tmp/go.tgz "$GO_MIRROR/go1.22.3.linux-amd64.tar.gz"\n',
      good:
        "#cloud-config\n# gopave.yaml: go.version 1.26.8\nruncmd:\n" +
        '  - curl -fsSL -o /tmp/go.tgz "$GO_MIRROR/go1.26.8.linux-amd64.tar.gz"\n',
    },
  },
  check({ model }) {
    const out: RuleFinding[] = [];
    const pin = exactPin(model);
    const declared = pin && versionPrecision(pin.version);
    for (const file of model.terraform) {
      if (file.generated) continue;
      const mentions = [...goVersionMentions(file), ...variableDefaults(model, file)].filter(
        (m, i, all) => all.findIndex((o) => o.line === m.line && o.version === m.version) === i,
      );
      for (const m of mentions) {
        const here = `Go ${shown(m)} in this dev box module (${m.written.trim()})`;
        if (pin && declared) {
          if (pinsAgree(m, declared)) continue;
          out.push({
            ...(m.precision === "minor" ? { severity: "warning" as const } : {}),
            file: file.path,
            line: m.line,
            message:
              `${here}, but ${pin.what} pins Go ${pin.version}: dev boxes would build and test ` +
              "with another Go than the repo declares",
            related: [{ file: pin.file, line: pin.line, message: `Go ${pin.version}` }],
          });
          continue;
        }
        const need = requiredGo(model, file.path, "repo");
        if (need && pinBelow(m.version, m.precision, need.version)) {
          out.push({
            file: file.path,
            line: m.line,
            message:
              `${here}, below the go line \`go ${need.version}\` in ${need.file}: that Go ` +
              "cannot build the module without downloading a newer toolchain",
            related: [{ file: need.file, line: need.line, message: `go ${need.version}` }],
          });
        }
      }
    }
    return out;
  },
};
