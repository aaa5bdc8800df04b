import { spawn } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { connect } from "node:net";
import type { Socket } from "node:net";
import { dirname, join, relative } from "node:path";
import { parse as parseJsonc, printParseErrorCode } from "jsonc-parser";
import type { ParseError } from "jsonc-parser";

/**
 * A client for Delve's JSON-RPC API (api-version 2), enough to prove the debug configurations
 * gopave writes into .vscode/launch.json with the real `dlv`: start what the Go extension starts,
 * set a breakpoint where VS Code would, read a local when it is hit.
 *
 * The wire format is Go's net/rpc/jsonrpc: one JSON object per line each way,
 * `{"method":"RPCServer.X","params":[arg],"id":n}` and `{"id":n,"result":...,"error":...}`.
 * Field names are those of service/rpc2/server.go and service/api/types.go (Delve v1.27).
 */

// ---------------------------------------------------------------------------------------------
// Delve's types, as far as this client reads them.

export interface DelveBreakpoint {
  id: number;
  name: string;
  file: string;
  line: number;
  functionName?: string;
  addr: number;
}

export interface DelveThread {
  id: number;
  file: string;
  line: number;
  goroutineID: number;
  function?: { name: string };
  breakPoint?: DelveBreakpoint;
}

export interface DelveState {
  Pid: number;
  Running: boolean;
  currentThread?: DelveThread;
  Threads?: DelveThread[] | null;
  exited: boolean;
  exitStatus: number;
  stopReason?: string;
}

export interface DelveVariable {
  name: string;
  type: string;
  kind: number;
  /** The value as Delve prints it; a string's contents without quotes. */
  value: string;
  len: number;
  children: DelveVariable[] | null;
}

export interface DelveEvalScope {
  /** -1: the goroutine the target stopped on. */
  GoroutineID: number;
  Frame: number;
}

export interface DelveLoadConfig {
  FollowPointers: boolean;
  MaxVariableRecurse: number;
  MaxStringLen: number;
  MaxArrayValues: number;
  MaxStructFields: number;
}

/** Each method this client calls: [its argument, its result]. */
export interface DelveMethods {
  "RPCServer.State": [{ NonBlocking: boolean }, { State: DelveState }];
  "RPCServer.Command": [{ name: "halt" | "continue" }, { State: DelveState }];
  "RPCServer.CreateBreakpoint": [
    { Breakpoint: { file: string; line: number } },
    { Breakpoint: DelveBreakpoint },
  ];
  "RPCServer.ClearBreakpoint": [{ Id: number }, { Breakpoint: DelveBreakpoint }];
  "RPCServer.ListLocalVars": [
    { Scope: DelveEvalScope; Cfg: DelveLoadConfig },
    { Variables: DelveVariable[] | null },
  ];
  "RPCServer.Eval": [
    { Scope: DelveEvalScope; Expr: string; Cfg?: DelveLoadConfig },
    { Variable: DelveVariable },
  ];
}

export type DelveMethod = keyof DelveMethods;

/** What `dlv` and the Go extension load by default: enough for a string or a small struct. */
export const LOAD_CONFIG: DelveLoadConfig = {
  FollowPointers: true,
  MaxVariableRecurse: 1,
  MaxStringLen: 256,
  MaxArrayValues: 64,
  MaxStructFields: -1,
};

/** The goroutine and frame the target stopped in. */
export const CURRENT_FRAME: DelveEvalScope = { GoroutineID: -1, Frame: 0 };

const CALL_TIMEOUT_MS = 10_000;
const CONNECT_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 30_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// The client.

interface Pending {
  method: string;
  resolve: (result: unknown) => void;
  reject: (err: Error) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export interface CallOptions {
  /** 0: wait as long as the connection lasts (a `continue` that is meant to keep running). */
  timeoutMs?: number;
}

export class DelveClient {
  private nextId = 1;
  private buffer = "";
  private readonly pending = new Map<number, Pending>();
  private closedBecause: string | undefined;

  private constructor(
    readonly address: string,
    private readonly socket: Socket,
  ) {
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => this.onData(chunk));
    socket.on("error", (err) => this.fail(`connection error: ${err.message}`));
    socket.on("close", () => this.fail("connection closed"));
  }

  /**
   * Connects to a headless Delve at host:port, retrying (Delve may still be building or starting)
   * until `timeoutMs` has passed; the error names the address and the last refusal.
   */
  static async connect(
    address: string,
    { timeoutMs = CONNECT_TIMEOUT_MS }: { timeoutMs?: number } = {},
  ): Promise<DelveClient> {
    const { host, port } = splitAddress(address);
    const deadline = Date.now() + timeoutMs;
    let last = "no attempt";
    while (Date.now() < deadline) {
      try {
        const socket = await connectOnce(host, port, Math.max(100, deadline - Date.now()));
        return new DelveClient(address, socket);
      } catch (err) {
        last = (err as Error).message;
      }
      await sleep(100);
    }
    throw new Error(`could not connect to Delve at ${address} within ${timeoutMs} ms: ${last}`);
  }

  /** Calls a method; rejects with Delve's error, or when no answer came within the timeout. */
  call<M extends DelveMethod>(
    method: M,
    params: DelveMethods[M][0],
    { timeoutMs = CALL_TIMEOUT_MS }: CallOptions = {},
  ): Promise<DelveMethods[M][1]> {
    if (this.closedBecause !== undefined) {
      return Promise.reject(
        new Error(`Delve ${method} at ${this.address}: ${this.closedBecause} before the call`),
      );
    }
    const id = this.nextId++;
    return new Promise<DelveMethods[M][1]>((resolve, reject) => {
      const timer =
        timeoutMs > 0
          ? setTimeout(() => {
              this.pending.delete(id);
              reject(
                new Error(`Delve ${method} at ${this.address}: no answer within ${timeoutMs} ms`),
              );
            }, timeoutMs)
          : undefined;
      this.pending.set(id, {
        method,
        resolve: (r) => resolve(r as DelveMethods[M][1]),
        reject,
        timer,
      });
      this.socket.write(`${JSON.stringify({ method, params: [params], id })}\n`);
    });
  }

  /** Closes the connection; calls still waiting reject. The debuggee keeps its state. */
  close(): void {
    this.fail("connection closed by the client");
    this.socket.destroy();
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf("\n")) >= 0) {
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      if (line === "") continue;
      let msg: { id?: number; result?: unknown; error?: unknown };
      try {
        msg = JSON.parse(line) as typeof msg;
      } catch {
        this.fail(`not JSON from Delve: ${line.slice(0, 200)}`);
        this.socket.destroy();
        return;
      }
      const p = msg.id === undefined ? undefined : this.pending.get(msg.id);
      if (!p || msg.id === undefined) continue; // an answer to a call that timed out
      this.pending.delete(msg.id);
      if (p.timer) clearTimeout(p.timer);
      if (msg.error !== null && msg.error !== undefined) {
        p.reject(new Error(`Delve ${p.method} at ${this.address}: ${String(msg.error)}`));
      } else {
        p.resolve(msg.result);
      }
    }
  }

  private fail(reason: string): void {
    this.closedBecause ??= reason;
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      if (p.timer) clearTimeout(p.timer);
      p.reject(new Error(`Delve ${p.method} at ${this.address}: ${reason} before an answer`));
    }
  }
}

function splitAddress(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(":");
  const port = Number(address.slice(i + 1));
  if (i < 0 || !Number.isInteger(port) || port <= 0) {
    throw new Error(`not a host:port address: ${address}`);
  }
  return { host: address.slice(0, i).replace(/^\[|\]$/g, "") || "127.0.0.1", port };
}

function connectOnce(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise<Socket>((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`connect timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.removeAllListeners("error");
      resolve(socket);
    });
    socket.once("error", (err) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// A breakpoint, hit by a request.

export interface BreakAndReadOptions<T> {
  /** host:port of a headless Delve (api-version 2, --accept-multiclient). */
  address: string;
  /** The file name as Delve knows it (see remotePathFor). */
  file: string;
  line: number;
  /**
   * What makes the program reach the line, e.g. an HTTP request. It starts once the target runs
   * with the breakpoint set and is expected to finish only after the target continues; the signal
   * aborts it when breakAndRead gives up.
   */
  trigger: (signal: AbortSignal) => Promise<T>;
  /** A local variable (any Go expression) to evaluate at the breakpoint. */
  expr: string;
  /** How long the breakpoint may take to be hit, and the trigger to finish after it. */
  timeoutMs?: number;
}

export interface BreakAndReadResult<T> {
  /** `expr` as Delve prints it (a string's contents without quotes). */
  value: string;
  variable: DelveVariable;
  /** Where the target stopped, as Delve reports it. */
  stop: { file: string; line: number; function: string | undefined };
  /** What the trigger returned, after the target continued. */
  triggerResult: T;
}

/**
 * Waits for the target to run (Delve started with --continue), halts it, sets a breakpoint at
 * file:line, continues, runs `trigger` and waits for the stop at that breakpoint; evaluates
 * `expr` there, clears the breakpoint, continues, and waits for the trigger to finish. The
 * target is left running without the breakpoint, also when this fails (as far as Delve still
 * answers); the connection is always closed.
 */
export async function breakAndRead<T>(
  opts: BreakAndReadOptions<T>,
): Promise<BreakAndReadResult<T>> {
  const { address, file, line, trigger, expr } = opts;
  const timeoutMs = opts.timeoutMs ?? STOP_TIMEOUT_MS;
  const where = `${file}:${line}`;
  const client = await DelveClient.connect(address);
  const abort = new AbortController();
  let breakpoint: DelveBreakpoint | undefined;
  // What the target is doing as far as this function knows, for the clean-up.
  let phase: "running" | "halted" | "continuing" | "resumed" = "running";
  let triggered: Promise<TriggerOutcome<T>> | undefined;
  try {
    await untilRunning(client, timeoutMs);
    const halted = await client.call("RPCServer.Command", { name: "halt" });
    phase = "halted";
    if (halted.State.exited) {
      throw new Error(`the target at ${address} has exited (status ${halted.State.exitStatus})`);
    }
    // Resolving file:line in the target's debug info once took longer than a plain call's 10 s
    // in a container, with the whole suite loading the 2 cores (the halt before it had answered):
    // it gets the stop's budget. A Delve that never answers still fails, only later.
    breakpoint = (
      await client.call("RPCServer.CreateBreakpoint", { Breakpoint: { file, line } }, { timeoutMs })
    ).Breakpoint;

    // `continue` answers when the target stops again: at the breakpoint, one hopes.
    const stopped = client.call("RPCServer.Command", { name: "continue" }, { timeoutMs });
    phase = "continuing";
    triggered = settle(trigger(abort.signal));
    const first = await Promise.race([
      stopped.then(
        (r) => ({ kind: "stop" as const, state: r.State }),
        (e: Error) => {
          throw new Error(`waiting for the breakpoint at ${where} to be hit: ${e.message}`);
        },
      ),
      triggered.then((t) => ({ kind: "trigger" as const, t })),
    ]);
    if (first.kind === "trigger") {
      throw new Error(
        `the trigger ${first.t.ok ? "finished" : `failed (${first.t.error.message})`} before the breakpoint at ${where} was hit`,
      );
    }
    const state = first.state;
    phase = "halted";
    if (state.exited) {
      throw new Error(
        `the target exited (status ${state.exitStatus}) before the breakpoint at ${where} was hit`,
      );
    }
    const at = state.currentThread;
    if (at?.breakPoint?.id !== breakpoint.id) {
      throw new Error(
        `the target stopped at ${at ? `${at.file}:${at.line}` : "an unknown place"} (${state.stopReason ?? "no reason given"}), not at the breakpoint at ${where}`,
      );
    }

    const variable = (
      await client.call("RPCServer.Eval", { Scope: CURRENT_FRAME, Expr: expr, Cfg: LOAD_CONFIG })
    ).Variable;
    await client.call("RPCServer.ClearBreakpoint", { Id: breakpoint.id });
    breakpoint = undefined;
    await resume(client);
    phase = "resumed";

    const done = await withTimeout(
      triggered,
      timeoutMs,
      `the trigger did not finish within ${timeoutMs} ms after the target continued from ${where}`,
    );
    if (!done.ok) {
      throw new Error(`the trigger failed after the target continued: ${done.error.message}`);
    }
    return {
      value: variable.value,
      variable,
      stop: { file: at.file, line: at.line, function: at.function?.name },
      triggerResult: done.value,
    };
  } finally {
    abort.abort();
    if (phase !== "resumed") await leaveRunning(client, phase, breakpoint);
    client.close();
  }
}

type TriggerOutcome<T> = { ok: true; value: T } | { ok: false; error: Error };

function settle<T>(p: Promise<T>): Promise<TriggerOutcome<T>> {
  return p.then(
    (value) => ({ ok: true as const, value }),
    (e: unknown) => ({ ok: false as const, error: e instanceof Error ? e : new Error(String(e)) }),
  );
}

async function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(message)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Resolves once the target runs (or has exited). A headless Delve started with --continue
 * listens before it continues the target (through a client of its own that connects and
 * disconnects): a halt that arrives first finds the target stopped and does nothing, the
 * continue follows, and the next call (CreateBreakpoint) waits for a stop that never comes —
 * seen in a container with the whole suite loading the 2 cores, after compose's --wait
 * returned for a debug service that has no healthcheck.
 */
async function untilRunning(client: DelveClient, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { State } = await client.call("RPCServer.State", { NonBlocking: true });
    if (State.Running || State.exited) return;
    if (Date.now() > deadline) {
      throw new Error(
        `the target at ${client.address} did not start running within ${timeoutMs} ms (Delve is expected to run with --continue)`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Continues without waiting for the next stop (there is none to wait for): the `continue` is
 * answered only when the target stops or exits. Delve reads this connection's next request only
 * once the target runs again, so a State answered after it says the target has resumed.
 */
async function resume(client: DelveClient): Promise<void> {
  client.call("RPCServer.Command", { name: "continue" }, { timeoutMs: 0 }).catch(() => {
    // Answered at the next stop or when the connection closes; neither matters here.
  });
  const { State } = await client.call("RPCServer.State", { NonBlocking: true });
  if (!State.Running && !State.exited) {
    throw new Error(`Delve at ${client.address} did not resume the target`);
  }
}

/** Best-effort clean-up after a failure: no breakpoint left behind, the target running. */
async function leaveRunning(
  client: DelveClient,
  phase: "running" | "halted" | "continuing",
  breakpoint: DelveBreakpoint | undefined,
): Promise<void> {
  // Never halted (or the halt went unanswered): nothing to undo that Delve would still take.
  if (phase === "running") return;
  const quick = { timeoutMs: 5_000 };
  try {
    // A pending `continue` is answered once the halt stops the target.
    if (phase === "continuing") await client.call("RPCServer.Command", { name: "halt" }, quick);
    if (breakpoint !== undefined) {
      await client.call("RPCServer.ClearBreakpoint", { Id: breakpoint.id }, quick);
    }
    await resume(client);
  } catch {
    // Delve no longer answers: the caller stops it.
  }
}

// ---------------------------------------------------------------------------------------------
// .vscode/launch.json

export interface SubstitutePathRule {
  from: string;
  to: string;
}

/** A debug configuration of .vscode/launch.json (the fields the Go extension reads here). */
export interface LaunchConfig {
  name: string;
  type: string;
  request: "launch" | "attach";
  mode?: string;
  program?: string;
  args?: string[];
  buildFlags?: string | string[];
  envFile?: string | string[];
  env?: Record<string, string>;
  cwd?: string;
  host?: string;
  port?: number;
  debugAdapter?: string;
  substitutePath?: SubstitutePathRule[];
  preLaunchTask?: string;
  [key: string]: unknown;
}

/**
 * The configurations of <repoDir>/.vscode/launch.json. The file is JSONC (gopave starts it with
 * a `//` line): read by a JSONC parser, so comments go and a `//` inside a string stays.
 */
export function readLaunchConfigs(repoDir: string): LaunchConfig[] {
  const path = join(repoDir, ".vscode", "launch.json");
  const text = readFileSync(path, "utf8");
  const errors: ParseError[] = [];
  const doc = parseJsonc(text, errors, { allowTrailingComma: true }) as unknown;
  if (errors.length > 0) {
    const e = errors[0] as ParseError;
    throw new Error(`${path}: ${printParseErrorCode(e.error)} at offset ${e.offset}`);
  }
  const configs = (doc as { configurations?: unknown } | null)?.configurations;
  if (!Array.isArray(configs)) throw new Error(`${path}: no "configurations" array`);
  return configs as LaunchConfig[];
}

/**
 * VS Code's `${workspaceFolder}`; any other variable (`${fileDirname}` needs an open editor) is
 * an error here rather than a path that silently does not exist.
 */
function expandWorkspace(value: string, workspaceFolder: string, what: string): string {
  const out = value.replaceAll("${workspaceFolder}", workspaceFolder);
  const left = /\$\{[^}]*\}/.exec(out);
  if (left) throw new Error(`${what}: ${left[0]} cannot be expanded outside VS Code`);
  return out;
}

const slashes = (p: string) => p.replaceAll("\\", "/");

/**
 * The file name Delve must be given for a workspace file under an attach configuration: the
 * configuration's first `substitutePath` rule whose `from` (`${workspaceFolder}` expanded) is
 * the file or a folder above it has that prefix replaced by its `to`, with '/' separators.
 * That is what the Go extension has Delve do with a breakpoint's path (with dlv-dap, Delve's
 * locspec.SubstitutePath, client to server); unlike Delve, which passes an unmatched path on
 * unchanged, a file no rule matches is an error here.
 */
export function remotePathFor(
  attach: LaunchConfig,
  workspaceFolder: string,
  workspaceFile: string,
): string {
  const file = slashes(workspaceFile);
  for (const rule of attach.substitutePath ?? []) {
    const from = slashes(
      expandWorkspace(rule.from, workspaceFolder, `${attach.name}: substitutePath.from`),
    ).replace(/\/+$/, "");
    const to = slashes(rule.to);
    if (file === from) return to;
    if (!file.startsWith(`${from}/`)) continue;
    const rest = file.slice(from.length + 1);
    return to === "" ? rest : `${to.replace(/\/+$/, "")}/${rest}`;
  }
  throw new Error(
    `${attach.name}: no substitutePath rule matches ${workspaceFile} (rules: ${JSON.stringify(attach.substitutePath ?? [])})`,
  );
}

// ---------------------------------------------------------------------------------------------
// Headless Delve processes.

export interface DelveProcess {
  /** host:port of Delve's API, as Delve announced it. */
  address: string;
  /** The debuggee's process id. */
  pid: number;
  /** What dlv and the debuggee wrote so far (stdout and stderr, the last 64 KiB). */
  output: () => string;
  /** Stops Delve, which kills the debuggee; waits for both. */
  stop: () => Promise<void>;
}

export interface StartDelveOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** How long building and starting may take before Delve announces its API. */
  timeoutMs?: number;
}

/**
 * Runs `dlv <args>` (a headless command with --listen) and waits for "API server listening at:".
 * Stopping sends SIGTERM: a terminated dlv kills the program it launched (a SIGKILLed one leaves
 * it running, so that is a last resort that also kills the debuggee).
 */
export async function startDelve(args: string[], opts: StartDelveOptions): Promise<DelveProcess> {
  const child = spawn("dlv", args, { cwd: opts.cwd, env: opts.env, stdio: "pipe" });
  child.stdin.end();
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-65_536);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    child.once("exit", () => resolve());
    child.once("error", () => resolve());
  });
  const what = () => `dlv ${args.join(" ")} (in ${opts.cwd})`;
  let spawnError: Error | undefined;
  child.once("error", (err) => (spawnError = err));

  let debuggee: number | undefined;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const gone = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
      if (!gone) {
        child.kill("SIGKILL");
        await exited;
        // A killed dlv leaves its debuggee running (untraced): end it too.
        if (debuggee !== undefined) killIfAlive(debuggee);
      }
    }
    child.stdout.destroy();
    child.stderr.destroy();
  };

  const timeoutMs = opts.timeoutMs ?? 180_000;
  const deadline = Date.now() + timeoutMs;
  let address: string | undefined;
  for (;;) {
    address = /API server listening at: (\S+)/.exec(output)?.[1];
    if (address !== undefined) break;
    const exit = child.exitCode ?? child.signalCode;
    const problem =
      spawnError !== undefined
        ? `could not start: ${spawnError.message}`
        : exit !== null
          ? `exited (${exit}) before listening`
          : Date.now() > deadline
            ? `did not listen within ${timeoutMs} ms`
            : undefined;
    if (problem !== undefined) {
      await stop();
      throw new Error(`${what()} ${problem}:\n${output}`);
    }
    await sleep(50);
  }
  try {
    const client = await DelveClient.connect(address);
    try {
      debuggee = (await client.call("RPCServer.State", { NonBlocking: true })).State.Pid;
    } finally {
      client.close();
    }
  } catch (err) {
    await stop();
    throw new Error(`${what()}: ${(err as Error).message}\n${output}`);
  }
  return { address, pid: debuggee, output: () => output, stop };
}

function killIfAlive(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Already gone, as it should be.
  }
}

/**
 * The Go extension's reading of an envFile (its utils/envUtils.ts parseEnvFile): `KEY=VALUE` or
 * `export KEY=VALUE` lines, other lines (`#` comments) ignored, one pair of surrounding quotes
 * removed (`\n` becomes a newline inside double quotes), `${VAR}` replaced from earlier lines or
 * the environment. A file that cannot be read is an error, as it is there.
 */
export function parseEnvFile(path: string, environment: NodeJS.ProcessEnv): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, "utf8").replace(/^\uFEFF/, "");
  } catch (err) {
    throw new Error(
      `Cannot load environment variables from file ${path}: ${(err as Error).message}`,
    );
  }
  const env: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^\s*(export\s+)?([\w.-]+)\s*=\s*(.*)?\s*$/.exec(line);
    if (!m) continue;
    let value = m[3] ?? "";
    if (value.length > 0 && value.startsWith('"') && value.endsWith('"')) {
      value = value.replace(/\\n/g, "\n");
    }
    value = value.replace(/(^['"]|['"]$)/g, "");
    value = value.replace(/(\\)?\$\{([a-zA-Z]\w*)\}/g, (all, escaped: string | undefined, name) =>
      escaped ? all : (env[name] ?? environment[name] ?? ""),
    );
    env[m[2] as string] = value.replace(/\\\$/g, "$");
  }
  return env;
}

/**
 * What the Go extension starts for a `"request": "launch"` configuration of mode `auto` or
 * `debug` whose program is a package directory (or a .go file), on the host.
 *
 * The extension (goDebugConfiguration.ts) resolves `auto` to `debug` unless the file open in the
 * editor is a _test.go file (there is no editor here); reads `envFile` (a missing file fails the
 * launch: "Cannot load environment variables from file"), lays `env` over it and both over the
 * environment; and runs Delve from the program's directory with program `.`, the directory the
 * debuggee then runs in too. With the dlv-dap adapter it then sends Delve's DAP server a launch
 * request; this runs the equivalent headless command instead, so the JSON-RPC client can drive it:
 * `dlv debug . --headless --listen=127.0.0.1:0 --api-version=2 --accept-multiclient --continue`,
 * plus the configuration's buildFlags and args. Delve builds with `-gcflags=all=-N -l` either way.
 * Port 0: Delve listens on a free port and announces it, with no window for another process to
 * take it. `extraEnv` goes over everything (a test's free PORT instead of the configured one).
 */
export async function hostLaunch(
  config: LaunchConfig,
  workspaceFolder: string,
  extraEnv: Record<string, string> = {},
): Promise<DelveProcess> {
  if (config.request !== "launch" || !["auto", "debug"].includes(config.mode ?? "debug")) {
    throw new Error(
      `${config.name}: not a launch configuration of mode auto or debug (${config.request}, ${config.mode})`,
    );
  }
  if (config.program === undefined) throw new Error(`${config.name}: no program`);
  const program = expandWorkspace(config.program, workspaceFolder, `${config.name}: program`);
  if (!existsSync(program)) throw new Error(`${config.name}: program ${program} does not exist`);
  const isDir = statSync(program).isDirectory();
  if (!isDir && !program.endsWith(".go")) {
    throw new Error(`${config.name}: program ${program} is neither a directory nor a .go file`);
  }
  if (!isDir && program.endsWith("_test.go")) {
    throw new Error(`${config.name}: mode auto on a _test.go file runs tests, not the program`);
  }
  const buildDir = isDir ? program : dirname(program);
  const target = isDir ? "." : `./${relative(buildDir, program)}`;

  const envFiles =
    config.envFile === undefined
      ? []
      : (Array.isArray(config.envFile) ? config.envFile : [config.envFile]).map((f) =>
          expandWorkspace(f, workspaceFolder, `${config.name}: envFile`),
        );
  const fromFiles = Object.assign({}, ...envFiles.map((f) => parseEnvFile(f, process.env))) as {
    [k: string]: string;
  };
  const env = { ...process.env, ...fromFiles, ...config.env, ...extraEnv };

  const flags = Array.isArray(config.buildFlags) ? config.buildFlags.join(" ") : config.buildFlags;
  const args = [
    "debug",
    target,
    "--headless",
    "--listen=127.0.0.1:0",
    "--api-version=2",
    "--accept-multiclient",
    "--continue",
    ...(flags ? [`--build-flags=${flags}`] : []),
    ...(config.args && config.args.length > 0 ? ["--", ...config.args] : []),
  ];
  return startDelve(args, { cwd: buildDir, env });
}
