import { Command, CommanderError, Option } from "@commander-js/extra-typings";
import { GopaveError } from "../util/errors.js";
import { gopaveVersion, processIo } from "./io.js";
import type { CliIo } from "./io.js";

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * The command tree. Commands are imported lazily so `gopave --version` and `--help` stay fast.
 * Returns the exit code: 0 ok, 1 findings/drift, 2 usage or input error.
 */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let code = 0;
  const program = new Command()
    .name("gopave")
    .description(
      "A paved road for Go teams: one gopave.yaml renders every place a Go environment is defined.",
    )
    .version(gopaveVersion(), "-v, --version")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError("(run `gopave --help` for usage)");

  program
    .command("init")
    .description("detect the Go repo, write gopave.yaml and generate every environment file")
    .argument("[dir]", "repository root", ".")
    .option("-y, --yes", "do not ask for confirmation")
    .option(
      "-f, --force",
      "replace an existing gopave.yaml and hand-written files at generated paths",
    )
    .option("--offline", "do not ask the public module proxy which dependencies are private")
    .option(
      "--apps <list>",
      "the main packages to build as apps, by name or ./dir, comma-separated (default: detected)",
    )
    .addOption(
      new Option(
        "--devbox <provider>",
        "also write a Terraform module for a remote dev box per developer (devbox/)",
      ).choices(["hcloud", "openstack"] as const),
    )
    .option("--json", "print the result as JSON")
    .action(async (dir, opts) => {
      const { runInit } = await import("./init.js");
      code = await runInit({ dir, ...opts }, io);
    });

  program
    .command("sync")
    .description("regenerate every file from gopave.yaml (a second run writes nothing)")
    .argument("[dir]", "repository root", ".")
    .option("--check", "write nothing; exit 1 with a diff when a file differs from gopave.yaml")
    .option("-f, --force", "overwrite generated files that were edited by hand")
    .option("--json", "print the result as JSON")
    .action(async (dir, opts) => {
      const { runSync } = await import("./sync.js");
      code = await runSync({ dir, ...opts }, io);
    });

  program
    .command("check")
    .description("lint a repo's Go environment files for disagreements and known mistakes")
    .argument("[dir]", "repository root", ".")
    .addOption(
      new Option("--format <format>", "output format")
        .choices(["text", "json", "sarif"])
        .default("text"),
    )
    .option("--explain <rule>", "explain a rule: why it matters, how to fix it, an example")
    .option("--offline", "do not ask the public module proxy which dependencies are private")
    .action(async (dir, opts) => {
      const { runCheck } = await import("./check.js");
      code = await runCheck({ dir, ...opts, format: opts.format as "text" | "json" | "sarif" }, io);
    });

  program
    .command("doctor")
    .description("audit this machine's Go setup against gopave.yaml (or go.mod)")
    .argument("[dir]", "repository root", ".")
    .option("--json", "print the audit as JSON")
    .option("--fix", "apply module settings with go env -w and install missing or mismatched tools")
    .option("--explain <file>", "explain a failing go command's output (a file, or - for stdin)")
    .action(async (dir, opts) => {
      const { runDoctor } = await import("./doctor.js");
      code = await runDoctor({ dir, ...opts }, io);
    });

  const proxy = program
    .command("proxy")
    .description("a caching, routing Go module proxy, and a prober for module mirrors");

  proxy
    .command("serve")
    .description("serve the GOPROXY protocol: route by module path, cache, verify, stream")
    .option("--config <file>", "YAML config file (flags override it)")
    .option("--listen <addr>", "address to listen on, e.g. 127.0.0.1:3000")
    .option("--storage <url>", "where modules are kept, e.g. file:///var/cache/gopave")
    .option(
      "--upstream <list>",
      "default upstream GOPROXY list (',' next on 404/410, '|' next on any error)",
    )
    .option(
      "--route <glob=target>",
      "route modules matching a glob to a target (repeatable)",
      collect,
      [],
    )
    .option(
      "--sumdb <name>",
      "checksum database to verify public modules against (name[+key] [url])",
    )
    .option(
      "--cache-max <size>",
      "size cap of cached zips, e.g. 20GiB (least recently used evicted)",
    )
    .option(
      "--memory-cache <size>",
      "memory for serving hot zips without reading storage (default: 64MiB with S3 storage, 0 with a file system)",
    )
    .option("--no-prefetch", "do not fetch a version's zip when its .info is asked for")
    .action(async (opts) => {
      const { runProxyServe } = await import("./proxy-serve.js");
      code = await runProxyServe(opts, io);
    });

  proxy
    .command("probe")
    .description("check module mirrors for protocol conformance and latency; rank them")
    .argument("[url...]", "proxy base URLs (default: a built-in list of public mirrors)")
    .option("--json", "print the report as JSON")
    .option("-n, --requests <n>", "latency samples per proxy", "10")
    .action(async (urls, opts) => {
      const { runProxyProbe } = await import("./proxy-probe.js");
      code = await runProxyProbe({ urls, ...opts }, io);
    });

  proxy
    .command("seed")
    .description("fill the proxy's storage from an existing module cache, verifying every module")
    .argument("<dir>", "a GOMODCACHE (or its cache/download directory)")
    .option("--config <file>", "YAML config file")
    .option("--storage <url>", "where modules are kept, e.g. file:///var/cache/gopave")
    .option("--sumdb <name>", "checksum database to verify against")
    .action(async (dir, opts) => {
      const { runProxySeed } = await import("./proxy-seed.js");
      code = await runProxySeed({ dir, ...opts }, io);
    });

  proxy
    .command("verify")
    .description(
      "re-hash every stored .mod and .zip against the checksum database (or go.sum files)",
    )
    .option("--config <file>", "YAML config file")
    .option("--storage <url>", "the proxy's storage, e.g. file:///var/cache/gopave or s3://bucket")
    .option("--sumdb <name>", "checksum database to verify against")
    .option("--go-sum <file>", "a go.sum whose lines are trusted (repeatable)", collect, [])
    .option("--purge", "remove the files that fail (never those that could not be checked)")
    .option("--json", "print the result as JSON")
    .action(async (opts) => {
      const { runProxyVerify } = await import("./proxy-verify.js");
      code = await runProxyVerify(opts, io);
    });

  try {
    await program.parseAsync(argv, { from: "user" });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof GopaveError) {
      io.stderr(`gopave: ${err.format()}\n`);
      return err.exitCode;
    }
    throw err;
  }
}
