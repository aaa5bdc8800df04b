import { WASM_OUT_DIR } from "../spec/wasm.js";
import { DEVBOX_DIR } from "./devbox/devbox.js";
import { resolveServices } from "./service-env.js";
import type { Generator } from "./types.js";

/**
 * .env holds local credentials (see .env.example): it must never be committed. The wasm build
 * tasks write their artifacts to dist/wasm, which are built, not sources. The dev box module's
 * local state (a box's address and whatever the provider records) and Terraform's provider
 * downloads stay out too; its .terraform.lock.hcl is committed, as Terraform advises.
 */
export const generateGitignore: Generator = ({ spec }) => {
  const lines = [
    ...(resolveServices(spec).length > 0 ? [".env"] : []),
    ...(spec.wasm.length > 0 ? [`/${WASM_OUT_DIR}/`] : []),
    ...(spec.devbox !== undefined
      ? [
          `/${DEVBOX_DIR}/.terraform/`,
          `/${DEVBOX_DIR}/terraform.tfstate`,
          `/${DEVBOX_DIR}/terraform.tfstate.*`,
          `/${DEVBOX_DIR}/terraform.tfstate.d/`,
        ]
      : []),
  ];
  return lines.length === 0
    ? []
    : [{ path: ".gitignore", format: "section", text: `${lines.join("\n")}\n` }];
};
