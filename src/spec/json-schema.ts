import { z } from "zod";
import { specSchema } from "./schema.js";

/** The JSON Schema of gopave.yaml, as editors (yaml-language-server) read it. */
export function specJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(specSchema, {
    io: "input",
    target: "draft-7",
    unrepresentable: "any",
  });
  return {
    ...schema,
    $id: "https://gopave.dev/schema/gopave.schema.json",
    title: "gopave.yaml",
    description:
      "gopave spec: one definition of a Go team's environment; run `gopave sync` after editing.",
  };
}
