import { describe, expect, it } from "vitest";
import type { Detection } from "../src/detect/index.js";
import type { DetectedService } from "../src/detect/services.js";
import { draftServices, serviceEvidence } from "../src/spec/draft-services.js";
import { specSchema } from "../src/spec/schema.js";

const service = (s: Partial<DetectedService> & Pick<DetectedService, "kind">): DetectedService => ({
  chain: undefined,
  optional: undefined,
  kept: undefined,
  env: [],
  envSource: "default",
  ...s,
});

const detection = (services: DetectedService[], keptPath?: string): Detection =>
  ({
    services,
    keptCompose: keptPath ? { path: keptPath, services: [], appEnv: {} } : undefined,
  }) as unknown as Detection;

describe("draftServices", () => {
  it("writes optional and env only when detected, moves a colliding port up, comments the evidence", () => {
    const d = detection(
      [
        service({
          kind: "postgres",
          kept: "db",
          chain: ["cmd/api", "internal/a", "internal/b", "internal/store", "github.com/lib/pq"],
          env: [{ name: "PG_URL", role: "url", where: "config/config.go:9" }],
          envSource: "code",
        }),
        service({
          kind: "clickhouse",
          chain: ["cmd/api", "github.com/ClickHouse/clickhouse-go/v2"],
        }),
        service({
          kind: "minio",
          optional: "one of s3, local chosen by configuration at store/store.go:12",
          chain: ["cmd/api", "store", "github.com/minio/minio-go/v7"],
        }),
      ],
      "docker-compose.yml",
    );
    const draft = draftServices(d);
    expect(draft.services).toEqual({
      postgres: { env: { PG_URL: "url" } },
      clickhouse: {},
      // clickhouse has 9000 on 127.0.0.1 already.
      minio: { port: 9001, optional: true },
    });
    expect(specSchema.shape.services.safeParse(draft.services).success).toBe(true);
    expect(draft.comments["services.postgres"]).toBe(
      "in docker-compose.yml as db; cmd/api → … → internal/store → github.com/lib/pq",
    );
    expect(draft.comments["services.minio"]).toBe(
      "cmd/api → store → github.com/minio/minio-go/v7; optional: one of s3, local chosen by configuration at store/store.go:12",
    );
    expect(draft.notes).toEqual([
      "optional services (minio) start only with `docker compose --profile <service> up`; nothing waits for them and the apps get no variables for them (.env.example lists them, commented out)",
    ]);
    expect(serviceEvidence(service({ kind: "redis" }))).toBe("");
  });
});
