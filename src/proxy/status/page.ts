import * as fmt from "./format.js";
import { Html, html } from "./html.js";
import { CACHE_RESULTS } from "./snapshot.js";
import type { RouteStatus, StatusSnapshot } from "./snapshot.js";

/** The page reloads itself (a meta refresh: no script, so it works with JavaScript off). */
export const REFRESH_SECONDS = 10;

/** What each cache result means, for the cache table. */
const CACHE_MEANING: Record<(typeof CACHE_RESULTS)[number], string> = {
  hit: "served from storage or memory",
  negative: "a remembered not-found",
  miss: "fetched from the upstream",
  shared: "joined another request's fetch",
  stale: "served a cached list after the upstream failed",
};

/**
 * The status page: one self-contained HTML document (inline CSS, no script, no other request),
 * rendered from the snapshot alone, so the page and /status.json always agree. Every value is
 * escaped by the html template.
 */
export function renderStatusPage(s: StatusSnapshot): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta http-equiv="refresh" content="${REFRESH_SECONDS}" />
        <title>gopave proxy status</title>
        <!-- An empty icon: otherwise the browser asks for /favicon.ico, a second request. -->
        <link rel="icon" href="data:," />
        <style>
          ${new Html(STYLE)}
        </style>
      </head>
      <body>
        <header>
          <h1>gopave proxy status</h1>
          <p>
            Version ${s.version ?? "unknown"} · replica ${s.replicaId ?? "without heartbeat"} · up
            since ${when(s.startedAt)} · generated ${when(s.generatedAt)}
          </p>
        </header>
        <nav aria-label="Sections">
          <ul>
            <li><a href="#cache">Cache</a></li>
            <li><a href="#routes">Upstream routes</a></li>
            <li><a href="#fetches">Recent fetches</a></li>
            <li><a href="#refusals">Refusals</a></li>
            <li><a href="#verification">Verification</a></li>
            <li><a href="#replicas">Replicas</a></li>
          </ul>
        </nav>
        <main>
          ${cacheSection(s)} ${routesSection(s)} ${fetchesSection(s)} ${refusalsSection(s)}
          ${verificationSection(s)} ${replicasSection(s)}
        </main>
        <footer>
          <p>
            The same data as JSON: <a href="/status.json">/status.json</a>. This page reloads every
            ${REFRESH_SECONDS} seconds. Metrics for Prometheus: <a href="/metrics">/metrics</a>.
          </p>
        </footer>
      </body>
    </html> `.text;
}

function when(iso: string): Html {
  return html`<time datetime="${iso}">${fmt.time(iso)}</time>`;
}

function section(id: string, title: string, body: Html): Html {
  return html`<section id="${id}" aria-labelledby="${id}-title">
    <h2 id="${id}-title">${title}</h2>
    ${body}
  </section>`;
}

function table(caption: string, headers: readonly string[], rows: readonly Html[]): Html {
  return html`<table>
    <caption>
      ${caption}
    </caption>
    <thead>
      <tr>
        ${headers.map((h) => html`<th scope="col">${h}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${rows}
    </tbody>
  </table>`;
}

function empty(text: string): Html {
  return html`<p class="empty">${text}</p>`;
}

function cacheSection(s: StatusSnapshot): Html {
  const c = s.cache;
  const measured = c.measuredAt === null ? html`measuring…` : html`${when(c.measuredAt)}`;
  const atLeast = c.complete ? "" : "at least ";
  const size =
    c.files === null || c.bytes === null
      ? html`${c.error === null ? "not measured yet" : `cannot measure: ${c.error}`}`
      : html`${atLeast}${fmt.count(c.files)}`;
  const sizeBytes = c.bytes === null ? html`–` : html`${atLeast}${fmt.bytes(c.bytes)}`;
  const summary = table(
    "Cache size and hit ratio",
    ["Measure", "Value"],
    [
      html`<tr>
        <th scope="row">Module files in storage</th>
        <td class="num">${size}</td>
      </tr>`,
      html`<tr>
        <th scope="row">Bytes in storage</th>
        <td class="num">${sizeBytes}</td>
      </tr>`,
      html`<tr>
        <th scope="row">Storage measured</th>
        <td>${measured}</td>
      </tr>`,
      html`<tr>
        <th scope="row">Hit ratio</th>
        <td class="num">${c.hitRatio === null ? "no requests yet" : fmt.percent(c.hitRatio)}</td>
      </tr>`,
    ],
  );
  const results = table(
    "Module requests by cache result since start",
    ["Result", "Requests", "Meaning"],
    CACHE_RESULTS.map(
      (r) =>
        html`<tr>
          <th scope="row">${r}</th>
          <td class="num">${fmt.count(c.requests[r])}</td>
          <td>${CACHE_MEANING[r]}</td>
        </tr>`,
    ),
  );
  return section(
    "cache",
    "Cache",
    html`${summary}
      <p class="note">
        Hit ratio: hits and remembered not-founds over all module requests. Storage is measured at
        most once a minute.
      </p>
      ${results}`,
  );
}

function outcome(o: string, status: number | null): Html {
  const label = status === null ? o : `${o} (${status})`;
  return html`<span class="badge ${o}">${label}</span>`;
}

function routeRow(r: RouteStatus): Html {
  const last = r.last;
  return html`<tr>
    <th scope="row">${r.name}</th>
    <td><code>${r.pattern}</code></td>
    <td>${r.upstream === r.target ? r.target : html`${r.target}: <code>${r.upstream}</code>`}</td>
    <td>${r.verified ? "yes" : "no"}</td>
    <td>
      ${last ? html`${outcome(last.outcome, last.status)} at ${when(last.at)}` : "no fetch yet"}
    </td>
    <td>${last?.error ?? ""}</td>
    <td class="num">${fmt.count(r.fetches.ok)}</td>
    <td class="num">${fmt.count(r.fetches.notFound)}</td>
    <td class="num">${fmt.count(r.fetches.failed)}</td>
    <td class="num">${r.latencyMs ? fmt.ms(r.latencyMs.p50) : "–"}</td>
    <td class="num">${r.latencyMs ? fmt.ms(r.latencyMs.p99) : "–"}</td>
  </tr>`;
}

function routesSection(s: StatusSnapshot): Html {
  return section(
    "routes",
    "Upstream routes",
    html`${table(
      "Health and latency of each route's upstream (latency over its last 256 fetches)",
      [
        "Route",
        "Modules",
        "Fetches from",
        "Verified",
        "Last fetch",
        "Last error",
        "OK",
        "Not found",
        "Failed",
        "p50",
        "p99",
      ],
      s.routes.map(routeRow),
    )}`,
  );
}

function fetchesSection(s: StatusSnapshot): Html {
  const rows = s.recentFetches.map(
    (f) =>
      html`<tr>
        <td>${when(f.at)}</td>
        <th scope="row">
          <code>${f.version === null ? f.module : `${f.module}@${f.version}`}</code>
        </th>
        <td>${f.endpoint}</td>
        <td>${f.route}</td>
        <td>${outcome(f.outcome, f.status)}${f.error === null ? "" : html` ${f.error}`}</td>
        <td class="num">${fmt.ms(f.ms)}</td>
      </tr>`,
  );
  return section(
    "fetches",
    "Recent upstream fetches",
    rows.length === 0
      ? empty("No upstream fetch yet.")
      : table(
          `Last upstream fetches, newest first (${rows.length})`,
          ["Time", "Module", "File", "Route", "Outcome", "Duration"],
          rows,
        ),
  );
}

function refusalsSection(s: StatusSnapshot): Html {
  const rows = s.recentRefusals.map(
    (r) =>
      html`<tr>
        <td>${when(r.at)}</td>
        <th scope="row"><code>${r.path}</code></th>
        <td>${r.route}</td>
        <td class="num">${r.status}</td>
        <td>${r.reason}</td>
      </tr>`,
  );
  return section(
    "refusals",
    "Recent refusals",
    rows.length === 0
      ? empty("No request refused yet (denied routes, invalid requests, failed verification).")
      : table(
          `Last refused requests, newest first (${rows.length})`,
          ["Time", "Path", "Route", "Status", "Reason"],
          rows,
        ),
  );
}

function verificationSection(s: StatusSnapshot): Html {
  const v = s.verification;
  const intro = v.enabled
    ? html`<p>
        Modules refused because they did not match the checksum database or go.sum:
        <strong class="num">${fmt.count(v.failures)}</strong> since start.
      </p>`
    : html`<p>Verification is off: public modules are served unverified.</p>`;
  const rows = v.recent.map(
    (f) =>
      html`<tr>
        <td>${when(f.at)}</td>
        <th scope="row"><code>${f.module}@${f.version}</code></th>
        <td>${f.file}</td>
        <td>${f.reason}</td>
      </tr>`,
  );
  return section(
    "verification",
    "Verification failures",
    html`${intro}
    ${rows.length === 0 ? empty("No verification failure yet.") : table(`Last verification failures, newest first (${rows.length})`, ["Time", "Module", "File", "Reason"], rows)}`,
  );
}

function replicasSection(s: StatusSnapshot): Html {
  const r = s.replicas;
  const rows = r.live.map(
    (b) =>
      html`<tr>
        <th scope="row"><code>${b.id}</code>${b.self ? " (this one)" : ""}</th>
        <td>${b.host}</td>
        <td class="num">${b.pid}</td>
        <td><code>${b.listen}</code></td>
        <td>${b.version}</td>
        <td>${when(b.startedAt)}</td>
        <td>${when(b.seenAt)}</td>
      </tr>`,
  );
  const problem =
    r.error === null ? html`` : html`<p class="error">Cannot list replicas: ${r.error}</p>`;
  return section(
    "replicas",
    "Replicas sharing this storage",
    html`${problem}${rows.length === 0 ? empty("No replica has written a heartbeat recently.") : table(`Replicas seen within three heartbeats (${rows.length})`, ["Replica", "Host", "PID", "Listens on", "Version", "Started", "Last seen"], rows)}`,
  );
}

/** Colours checked for at least 4.5:1 contrast (test/proxy-status-page.test.ts measures them). */
const STYLE = `
body{margin:0;font:15px/1.45 system-ui,sans-serif;color:#1b1f24;background:#fff}
header{background:#16324f;color:#fff;padding:.8rem 1.2rem}
header h1{margin:0;font-size:1.4rem}
header p{margin:.2rem 0 0}
nav{background:#eef2f6;padding:.4rem 1.2rem}
nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:1rem}
a{color:#0b4f9c}
main{padding:0 1.2rem 1rem}
h2{font-size:1.15rem;margin:1.4rem 0 .4rem}
table{border-collapse:collapse;margin:.4rem 0;width:100%}
caption{text-align:left;font-weight:600;padding:.2rem 0}
th,td{border:1px solid #c5ccd4;padding:.25rem .5rem;text-align:left;vertical-align:top}
thead th{background:#eef2f6}
tbody th{font-weight:600}
td.num,strong.num{font-variant-numeric:tabular-nums}
code{font:13px/1.3 ui-monospace,monospace;overflow-wrap:anywhere}
.note,.empty{color:#414a55}
.error{color:#8a1111}
.badge{padding:0 .3rem;border-radius:3px;white-space:nowrap}
.badge.ok{background:#e3f3e8;color:#0d5c2e}
.badge.notfound{background:#fdf3cc;color:#5b4a00}
.badge.error,.badge.timeout{background:#fbe4e4;color:#8a1111}
footer{border-top:1px solid #c5ccd4;padding:.6rem 1.2rem;color:#414a55}
`;
