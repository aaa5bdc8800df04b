import type { Rule, RuleFinding } from "../../types.js";

/** Operators that cap a constraint: `~>` (the right-most part may grow), `=`/bare, `<`, `<=`. */
const CAPPING = new Set(["", "=", "~>", "<", "<="]);

/**
 * Whether a Terraform version constraint ("~> 1.49", "= 1.49.0", ">= 1.4, < 2.0") has an upper
 * bound. Only `>=`, `>` and `!=` parts (or no parts) leave it open.
 */
export function constraintBounded(constraint: string): boolean {
  return constraint
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "")
    .some((p) => CAPPING.has(/^(~>|>=|<=|!=|=|>|<)?/.exec(p)?.[1] ?? ""));
}

export const TF001: Rule = {
  id: "TF001",
  severity: "warning",
  title: "Terraform provider version not pinned",
  doc: {
    why:
      "`terraform init` installs the newest provider release its `required_providers` " +
      "constraint allows. Without a version, or with only a lower bound (`>= 1.40`), the same " +
      "dev box module installs a new provider major on another machine or next month, and a " +
      "major changes resource behaviour (renamed arguments, replaced servers, new defaults). " +
      "The dependency lock file (.terraform.lock.hcl) only helps where it is committed and " +
      "kept; gopave's own devbox/ module pins exact provider versions. Files carrying gopave's " +
      "generated-file marker are not checked.",
    fix:
      'Give every provider a `version` with an upper bound: `version = "~> 1.49"` (any 1.x from ' +
      '1.49) or an exact release (`"1.49.0"`), or a range such as `">= 1.4, < 2.0"`; commit ' +
      ".terraform.lock.hcl too. A shared child module that deliberately states only a minimum " +
      "can say so with `# gopave:ignore TF001` on the entry's line.",
    example: {
      file: "devbox/versions.tf",
      bad:
        "terraform {\n  required_providers {\n" +
        '    hcloud = {\n      source  = "hetznercloud/hcloud"\n      version = ">= 1.40"\n    }\n' +
        "  }\n}\n",
      good:
        "terraform {\n  required_providers {\n" +
        '    hcloud = {\n      source  = "hetznercloud/hcloud"\n      version = "~> 1.49"\n    }\n' +
        "  }\n}\n",
    },
  },
  check({ model }) {
    const out: RuleFinding[] = [];
    for (const file of model.terraform) {
      if (file.kind !== "tf" || file.generated) continue;
      for (const p of file.providers) {
        const name = p.source ? `${p.name} (${p.source})` : p.name;
        if (!p.version) {
          out.push({
            file: file.path,
            line: p.line,
            message:
              `provider ${name} has no version constraint: terraform init installs its newest ` +
              'release, whatever the major — pin it (version = "~> X.Y" or an exact release)',
          });
        } else if (p.version.value !== undefined && !constraintBounded(p.version.value)) {
          out.push({
            file: file.path,
            line: p.line,
            message:
              `provider ${name} has version "${p.version.value}", with no upper bound: terraform ` +
              'init may install a new major that changes resource behaviour — pin it ("~> X.Y" ' +
              "or an exact release)",
          });
        }
      }
    }
    return out;
  },
};
