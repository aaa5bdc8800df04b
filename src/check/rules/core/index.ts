import type { Rule } from "../../types.js";
import { DC005 } from "./dc005-devcontainer-schema.js";
import { GP001 } from "./gp001-drift.js";
import { GP002 } from "./gp002-spec-invalid.js";
import { PA001 } from "./pa001-malformed-file.js";

/** Rules about the repo's files as a whole: parsing, the spec, drift, official schemas. */
export const CORE_RULES: Rule[] = [PA001, GP001, GP002, DC005];
