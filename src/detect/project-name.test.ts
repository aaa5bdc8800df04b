import { describe, expect, it } from "vitest";
import { projectName } from "./project-name.js";

describe("projectName", () => {
  it.each([
    ["github.com/acme/orders", "orders"],
    ["github.com/acme/Order_Service/v2", "order-service"],
    ["gopkg.in/yaml.v3", "yaml"],
    ["example.com", "example"],
    ["example.com/x/9lives", "lives"],
    ["example.com/x/__", "x"],
    ["myapp", "myapp"],
    ["github.com/gotify/server/v2", "gotify"],
    ["github.com/umputun/remark42/backend", "remark42"],
    ["miniflux.app/v2", "miniflux"],
    ["go.woodpecker-ci.org/woodpecker/v3", "woodpecker"],
    ["github.com/acme/api", "acme"],
    ["server", "server"],
  ])("%s -> %s", (path, want) => {
    const name = projectName(path);
    expect(name).toBe(want);
    expect(name).toMatch(/^[a-z][a-z0-9-]*$/);
  });
});

describe("projectName with the repo directory", () => {
  it("takes the directory's name when every module path element is generic", () => {
    expect(projectName("example.com/server", "/src/billing")).toBe("billing");
    expect(projectName("app", "/src/Billing_Svc")).toBe("billing-svc");
    expect(projectName("github.com/acme/orders", "/src/checkout")).toBe("orders");
  });
});
