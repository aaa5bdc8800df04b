import { splitPathVersion } from "../gomod/module-escape.js";

/**
 * A project name from a module path: its last element without a major-version suffix,
 * lowercased, runs of other characters turned into "-", starting with a letter
 * ("github.com/acme/Order_Service/v2" -> "order-service").
 */
export function projectName(modulePath: string): string {
  const split = splitPathVersion(modulePath);
  const base = split.ok ? split.prefix : modulePath;
  const last =
    base
      .split("/")
      .filter((e) => e !== "")
      .pop() ?? "";
  const name = last
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^[^a-z]+/, "")
    .replace(/-+$/, "");
  return name === "" ? "app" : name;
}
