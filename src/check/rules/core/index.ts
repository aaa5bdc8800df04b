import type { Rule } from "../../types.js";
import { DC005 } from "./dc005-devcontainer-schema.js";
import { GP001 } from "./gp001-drift.js";
import { GP002 } from "./gp002-spec-invalid.js";
import { PA001 } from "./pa001-malformed-file.js";
import { PA002 } from "./pa002-rule-failed.js";

/** Rules about the repo's files as a whole: parsing, gopave's own failures, the spec, drift, official schemas. */
export const CORE_RULES: Rule[] = [PA001, PA002, GP001, GP002, DC005];
