import { describe, expect, it } from "vitest";
import { projectName } from "./project-name.js";
import { serviceOfModule } from "./services.js";

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

describe("serviceOfModule", () => {
  it.each([
    ["github.com/jackc/pgx/v5", "postgres"],
    ["github.com/jackc/pgx", "postgres"],
    ["go.mongodb.org/mongo-driver/v2", "mongo"],
    ["github.com/twmb/franz-go/pkg/kadm", "kafka"],
    ["github.com/redis/go-redis/v9", "redis"],
    ["github.com/jackc/pgx-zerolog", undefined],
    ["github.com/lib/pqx", undefined],
  ])("%s -> %s", (path, want) => {
    expect(serviceOfModule(path)).toBe(want);
  });
});
