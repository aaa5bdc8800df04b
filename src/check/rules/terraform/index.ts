import type { Rule } from "../../types.js";
import { TF001 } from "./tf001-provider-version-unpinned.js";
import { TF002 } from "./tf002-devbox-go-version.js";

/** Hand-written Terraform modules that provision dev boxes (TF). */
export const TERRAFORM_RULES: Rule[] = [TF001, TF002];
