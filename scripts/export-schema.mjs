// Writes schema/gopave.schema.json from the zod spec schema (run by `npm run schema`).
import { writeFileSync } from "node:fs";
import { specJsonSchema } from "../dist/spec/json-schema.js";

const file = new URL("../schema/gopave.schema.json", import.meta.url);
writeFileSync(file, `${JSON.stringify(specJsonSchema(), null, 2)}\n`);
console.log(`wrote ${file.pathname}`);
