import { WASM_OUT_DIR } from "../spec/wasm.js";
import { resolveServices } from "./service-env.js";
import type { Generator } from "./types.js";

/**
 * .env holds local credentials (see .env.example): it must never be committed. The wasm build
 * tasks write their artifacts to dist/wasm, which are built, not sources.
 */
export const generateGitignore: Generator = ({ spec }) => {
  const lines = [
    ...(resolveServices(spec).length > 0 ? [".env"] : []),
    ...(spec.wasm.length > 0 ? [`/${WASM_OUT_DIR}/`] : []),
  ];
  return lines.length === 0
    ? []
    : [{ path: ".gitignore", format: "section", text: `${lines.join("\n")}\n` }];
};
