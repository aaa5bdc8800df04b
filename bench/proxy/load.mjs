// The load generator of the proxy benchmark: Debian's wrk (C), cycling every connection through
// a list of paths. Each run is bounded by a fixed duration and returns
// { rps, p99 (ms), bytesPerSec, non2xx, errors }.
import { execFile, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export function hasWrk() {
  return !spawnSync("wrk", ["--version"]).error;
}

const UNITS = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };
const MS = { us: 1e-3, ms: 1, s: 1000 };

/** wrk with `threads` threads and `connections` connections for `seconds` over `paths`. */
export function wrkLoad({ url, paths, threads, connections, seconds, dir }) {
  const id = createHash("sha1").update(paths.join("\n")).digest("hex").slice(0, 12);
  const script = join(dir, `paths-${id}.lua`);
  writeFileSync(
    script,
    `local paths = {\n${paths.map((p) => `  ${JSON.stringify(p)},`).join("\n")}\n}\n` +
      "local i = 0\n" +
      'request = function() i = i % #paths + 1; return wrk.format("GET", paths[i]) end\n',
  );
  const args = [
    `-t${threads}`,
    `-c${connections}`,
    `-d${seconds}s`,
    "--timeout",
    "10s",
    "--latency",
  ];
  return new Promise((resolve, reject) => {
    execFile(
      "wrk",
      [...args, "-s", script, url],
      { timeout: (seconds + 30) * 1000, killSignal: "SIGKILL" },
      (err, stdout) => {
        if (err) return reject(new Error(`wrk: ${err.message}`));
        const transfer = /Transfer\/sec:\s+([\d.]+)(B|KB|MB|GB|TB)/.exec(stdout);
        const p99 = /^\s+99%\s+([\d.]+)(us|ms|s)\s*$/m.exec(stdout);
        const socket = /Socket errors:(.*)$/m.exec(stdout)?.[1] ?? "";
        resolve({
          rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? NaN),
          p99: p99 ? Number(p99[1]) * MS[p99[2]] : NaN,
          bytesPerSec: transfer ? Number(transfer[1]) * UNITS[transfer[2]] : NaN,
          non2xx: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? 0),
          errors: [...socket.matchAll(/\d+/g)].reduce((n, m) => n + Number(m[0]), 0),
        });
      },
    );
  });
}
