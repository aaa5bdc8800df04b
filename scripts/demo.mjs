// `npm run demo`: copies the bundled example to demo-output/orders, runs `gopave init` there,
// shows what was generated, then proves a second sync writes nothing and `sync --check` passes.
import { execFileSync } from "node:child_process";
import { cpSync, readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const target = `${root}demo-output/orders`;
const gopave = (...args) => {
  console.log(`\n$ gopave ${args.join(" ")}`);
  execFileSync(process.execPath, [`${root}bin/gopave.js`, ...args], {
    cwd: target,
    stdio: "inherit",
  });
};

rmSync(target, { recursive: true, force: true });
cpSync(`${root}examples/orders`, target, { recursive: true });
console.log(`Copied examples/orders to ${target}`);

gopave("init", "--yes");
for (const file of ["gopave.yaml", "Dockerfile"]) {
  console.log(`\n----- ${file} -----\n${readFileSync(`${target}/${file}`, "utf8")}`);
}
gopave("sync");
gopave("sync", "--check");
console.log(
  `\nEverything is in ${target}: open it in VS Code, or try \`docker compose up\` there.`,
);
