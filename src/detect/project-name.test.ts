import { describe, expect, it } from "vitest";
import { projectName } from "./project-name.js";

describe("projectName", () => {
  it.each([
    ["github.com/acme/orders", "orders"],
    ["github.com/acme/Order_Service/v2", "order-service"],
    ["gopkg.in/yaml.v3", "yaml"],
    ["example.com", "example-com"],
    ["example.com/x/9lives", "lives"],
    ["example.com/x/__", "app"],
    ["myapp", "myapp"],
  ])("%s -> %s", (path, want) => {
    const name = projectName(path);
    expect(name).toBe(want);
    expect(name).toMatch(/^[a-z][a-z0-9-]*$/);
  });
});
