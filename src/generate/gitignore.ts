import { resolveServices } from "./service-env.js";
import type { Generator } from "./types.js";

/** .env holds local credentials (see .env.example): it must never be committed. */
export const generateGitignore: Generator = ({ spec }) =>
  resolveServices(spec).length === 0
    ? []
    : [{ path: ".gitignore", format: "section", text: ".env\n" }];
