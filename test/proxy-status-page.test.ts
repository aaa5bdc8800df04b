import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StatusSnapshot } from "../src/proxy/status/snapshot.js";
import { REPO_ROOT } from "./helpers/cli.js";
import { startLocalUpstream, writeModule } from "./helpers/local-upstream.js";
import type { LocalUpstream } from "./helpers/local-upstream.js";
import { startGopave } from "./helpers/proxy-e2e-gopave.js";
import type { Gopave } from "./helpers/proxy-e2e-gopave.js";
import { goDownload } from "./helpers/storage-suite.js";

/**
 * The status page as an operator sees it: `proxy serve` (assembled as the CLI assembles it, fs
 * storage, go.sum verification) over a local upstream, some hits, misses, a not-found and
 * refusals, then Debian's Chromium (driven by playwright-core) opens / with JavaScript off. The
 * page must show what /status.json says, fetch nothing but itself, and pass accessibility basics:
 * landmarks, headings in order, captioned tables with scoped headers, labelled controls, and text
 * contrast of at least 4.5:1. A full-page screenshot is kept in test-artifacts/.
 */

const CHROMIUM = process.env.GOPAVE_CHROMIUM ?? "/usr/bin/chromium";
const SCREENSHOT = join(REPO_ROOT, "test-artifacts", "proxy-status-page.png");
const HELLO = "example.com/hello";
const UNLISTED = "example.com/unlisted";
const V = "v1.0.0";

let dir: string;
let upstream: LocalUpstream;
let g: Gopave;
let browser: Browser;
let json: StatusSnapshot;
/** Paths the proxy was asked for while the page loaded (from its request log). */
let pageLoadPaths: string[];
let browserRequests: string[];
let page: Page;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) ` +
        "or point GOPAVE_CHROMIUM at a Chromium binary",
    );
  }
  dir = mkdtempSync(join(tmpdir(), "gopave-status-page-"));
  const root = join(dir, "upstream");
  for (const m of [HELLO, UNLISTED]) {
    await writeModule(root, m, V, {
      "go.mod": `module ${m}\n\ngo 1.21\n`,
      "lib.go": "package lib\n\n// Answer is the answer.\nconst Answer = 42\n",
    });
  }
  // Only HELLO is trusted (the go command's own hashes): UNLISTED is refused by verification.
  const [sums] = goDownload(root, [`${HELLO}@${V}`]);
  const goSum = join(dir, "trusted.go.sum");
  writeFileSync(goSum, `${HELLO} ${V} ${sums?.Sum}\n${HELLO} ${V}/go.mod ${sums?.GoModSum}\n`);
  upstream = await startLocalUpstream(root);
  g = await startGopave({
    upstream: upstream.url,
    routes: ["corp.example=deny"],
    trustedSums: [goSum],
  });
  const get = async (path: string, want: number) =>
    expect((await fetch(`${g.url}${path}`)).status, path).toBe(want);
  // The zip first, so asking for .info later prefetches nothing in the background.
  for (const round of [1, 2]) {
    for (const ext of ["zip", "mod", "info"]) await get(`/${HELLO}/@v/${V}.${ext}`, 200);
    if (round === 1) await g.proxy.settled();
  }
  await get(`/example.com/missing/@v/${V}.info`, 404);
  await get(`/${UNLISTED}/@v/${V}.mod`, 403);
  await get("/corp.example/secret/@v/list", 403);
  await get("/Example.com/x/@v/list", 400);
  await g.proxy.settled();
  json = (await (await fetch(`${g.url}/status.json`)).json()) as StatusSnapshot;

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    // Chromium's sandbox needs user namespaces it cannot have as root.
    args: process.getuid?.() === 0 ? ["--no-sandbox"] : [],
  });
  const context = await browser.newContext({
    javaScriptEnabled: false,
    viewport: { width: 1280, height: 900 },
  });
  page = await context.newPage();
  const requested: string[] = [];
  page.on("request", (r) => requested.push(r.url()));
  const logged = g.logs().length;
  const response = await page.goto(`${g.url}/`, { waitUntil: "load" });
  expect(response?.status()).toBe(200);
  await page.waitForLoadState("networkidle");
  // Frozen now: the page reloads itself after 10 s (its numbers stay the same, its requests
  // would not).
  browserRequests = [...requested];
  pageLoadPaths = g
    .logs()
    .slice(logged)
    .filter((l) => l.msg === "request")
    .map((l) => String(l.path));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await g?.stop();
  await upstream?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The text of the cells of the row whose header cell (or first cell) matches `name`. */
async function row(caption: RegExp, name: string): Promise<Record<string, string>> {
  const table = page
    .locator("table")
    .filter({ has: page.locator("caption", { hasText: caption }) });
  const headers = await table.locator("thead th").allTextContents();
  const r = table.locator("tbody tr").filter({ has: page.locator("th", { hasText: name }) });
  expect(await r.count(), `${caption} row ${name}`).toBe(1);
  const cells = await r.locator("th, td").allTextContents();
  return Object.fromEntries(headers.map((h, i) => [h.trim(), (cells[i] ?? "").trim()]));
}

const digits = (text: string) => Number(text.replace(/[^0-9]/g, ""));

describe("the status page in Chromium", () => {
  it("made the requests it was meant to make: JSON says so first", () => {
    expect(json.replicas.live.map((r) => r.self)).toEqual([true]);
    expect(json.cache.files).toBe(3);
    expect(json.cache.requests).toMatchObject({ hit: 3, miss: 5 });
    expect(json.verification.failures).toBe(1);
    expect(json.recentRefusals.map((r) => r.status)).toEqual([400, 403, 403]);
    const route = json.routes.find((r) => r.name === "default");
    expect(route?.fetches).toEqual({ ok: 4, notFound: 1, failed: 0 });
    expect(route?.upstream).toBe(upstream.url);
  });

  it("loads as one self-contained document with JavaScript off", () => {
    expect(browserRequests).toEqual([`${g.url}/`]);
    expect(pageLoadPaths).toEqual(["/"]);
  });

  it("shows the numbers /status.json has", async () => {
    const files = await row(/Cache size/, "Module files in storage");
    expect(digits(files.Value ?? "")).toBe(json.cache.files);
    const bytes = await row(/Cache size/, "Bytes in storage");
    expect(digits((bytes.Value ?? "").split(" bytes")[0] ?? "")).toBe(json.cache.bytes);
    const ratio = await row(/Cache size/, "Hit ratio");
    expect(Number.parseFloat(ratio.Value ?? "")).toBeCloseTo((json.cache.hitRatio ?? -1) * 100, 1);
    for (const result of ["hit", "negative", "miss", "shared", "stale"] as const) {
      const r = await row(/by cache result/, result);
      expect(digits(r.Requests ?? ""), result).toBe(json.cache.requests[result]);
    }
    for (const route of json.routes) {
      const r = await row(/Health and latency/, route.name);
      expect(digits(r.OK ?? ""), route.name).toBe(route.fetches.ok);
      expect(digits(r["Not found"] ?? ""), route.name).toBe(route.fetches.notFound);
      expect(digits(r.Failed ?? ""), route.name).toBe(route.fetches.failed);
    }
    const fetched = page.locator("#fetches tbody tr");
    expect(await fetched.count()).toBe(json.recentFetches.length);
    const text = async (selector: string) =>
      (await page.locator(selector).allTextContents()).map((t) => t.replace(/\s+/g, " ").trim());
    expect(await text("#fetches tbody th")).toEqual(
      json.recentFetches.map((f) => `${f.module}@${f.version}`),
    );
    expect(await text("#refusals tbody th")).toEqual(json.recentRefusals.map((r) => r.path));
    const failures = await page.locator("#verification strong").textContent();
    expect(digits(failures ?? "")).toBe(json.verification.failures);
    expect(await text("#verification tbody th")).toEqual(
      json.verification.recent.map((v) => `${v.module}@${v.version}`),
    );
    const replicas = await text("#replicas tbody th");
    expect(replicas).toEqual(json.replicas.live.map((r) => `${r.id} (this one)`));
  });

  it("has landmarks, a title, a language, ordered headings and labelled tables", async () => {
    expect(await page.title()).toBe("gopave proxy status");
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
    for (const role of ["banner", "main", "contentinfo", "navigation"] as const) {
      expect(await page.getByRole(role).count(), role).toBe(1);
    }
    const levels = await page
      .locator("h1, h2, h3, h4, h5, h6")
      .evaluateAll((els) => els.map((e) => Number(e.tagName.slice(1))));
    expect(levels[0]).toBe(1);
    expect(levels.filter((l) => l === 1)).toHaveLength(1);
    levels.forEach((l, i) =>
      expect(l, `heading ${i}`).toBeLessThanOrEqual((levels[i - 1] ?? 0) + 1),
    );
    const tables = page.locator("table");
    expect(await tables.count()).toBeGreaterThanOrEqual(6);
    for (const t of await tables.all()) {
      expect(await t.locator("caption").count()).toBe(1);
      expect((await t.locator("caption").textContent())?.trim()).not.toBe("");
    }
    expect(await page.locator("th").count()).toBeGreaterThan(0);
    expect(await page.locator("th:not([scope=col]):not([scope=row])").count()).toBe(0);
    // Every form control (there are none today) has a label.
    const unlabelled = await page
      .locator("input:not([type=hidden]), select, textarea, button")
      .evaluateAll(
        (els) =>
          els.filter(
            (e) =>
              !((e as unknown as { labels?: { length: number } }).labels?.length ?? 0) &&
              !e.getAttribute("aria-label"),
          ).length,
      );
    expect(unlabelled).toBe(0);
    mkdirSync(join(REPO_ROOT, "test-artifacts"), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
  });

  it("has text contrast of at least 4.5:1 everywhere (WCAG relative luminance)", async () => {
    const context = await browser.newContext({ javaScriptEnabled: true });
    try {
      const p = await context.newPage();
      await p.goto(`${g.url}/`);
      const texts = (await p.evaluate(CONTRAST)) as { text: string; ratio: number }[];
      expect(texts.length).toBeGreaterThan(50);
      const low = texts.filter((t) => !(t.ratio >= 4.5));
      expect(low).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

/**
 * For every element with text of its own: its colour against the background it is drawn on (the
 * nearest opaque background up the tree, translucent ones composited over it; the canvas is
 * white), by WCAG 2's relative luminance. Runs in the page, hence a string.
 */
const CONTRAST = `(() => {
  const parse = (c) => {
    const m = /^rgba?\\(([^)]+)\\)$/.exec(c);
    if (!m) throw new Error("unparsed colour " + c);
    const [r, g, b, a = 1] = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return { r, g, b, a };
  };
  const over = (top, under) => ({
    r: top.r * top.a + under.r * (1 - top.a),
    g: top.g * top.a + under.g * (1 - top.a),
    b: top.b * top.a + under.b * (1 - top.a),
    a: 1,
  });
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c.a > 0) layers.push(c);
      if (c.a >= 1) break;
    }
    return layers.reverse().reduce((under, top) => over(top, under), { r: 255, g: 255, b: 255, a: 1 });
  };
  const channel = (v) => {
    const s = v / 255;
    return s <= 0.04045 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
  };
  const lum = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim() !== "");
    if (!own) continue;
    const bg = background(el);
    const fg = over(parse(getComputedStyle(el).color), bg);
    const [hi, lo] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    out.push({ text: el.tagName + ": " + el.textContent.trim().slice(0, 40), ratio: (hi + 0.05) / (lo + 0.05) });
  }
  return out;
})()`;
