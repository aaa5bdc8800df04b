import type { Rule } from "../types.js";
import { CORE_RULES } from "./core/index.js";
import { DOCKER_RULES } from "./docker/index.js";
import { GO_RULES } from "./go/index.js";
import { TERRAFORM_RULES } from "./terraform/index.js";

/** Every rule `gopave check` runs, in id order for --explain listings and SARIF. */
export const RULES: Rule[] = [...CORE_RULES, ...DOCKER_RULES, ...GO_RULES, ...TERRAFORM_RULES].sort(
  (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
);
