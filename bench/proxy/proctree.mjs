// CPU time and resident memory of a server process together with every process it started
// (Athens runs the go command for each module; nginx has worker processes), read from /proc.
import { readFileSync, readdirSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

const TICKS_PER_SECOND = 100; // USER_HZ on Linux
const PAGE_KB = 4;

function read(path) {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined; // the process ended between listing and reading
  }
}

/** The pid and all its live descendants (through /proc/PID/task/TID/children). */
export function processTree(pid) {
  const out = [];
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.shift();
    out.push(p);
    let tasks = [];
    try {
      tasks = readdirSync(`/proc/${p}/task`);
    } catch {
      continue;
    }
    for (const t of tasks) {
      const kids = read(`/proc/${p}/task/${t}/children`) ?? "";
      for (const k of kids.split(" ").filter(Boolean)) queue.push(Number(k));
    }
  }
  return out;
}

/** Fields of /proc/PID/stat after the command name (which may contain spaces). */
function statFields(pid) {
  const s = read(`/proc/${pid}/stat`);
  if (!s) return undefined;
  return s.slice(s.lastIndexOf(")") + 2).split(" ");
}

/**
 * CPU seconds of the tree: utime+stime of every live process plus cutime+cstime (children that
 * ended and were waited for, e.g. Athens' go commands).
 */
export function treeCpuSeconds(pid) {
  let ticks = 0;
  for (const p of processTree(pid)) {
    const f = statFields(p);
    // after the name: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14)
    if (f) ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
  }
  return ticks / TICKS_PER_SECOND;
}

/** Resident memory of the tree in MiB (sum of each process's resident pages). */
export function treeRssMib(pid) {
  let pages = 0;
  for (const p of processTree(pid)) {
    const statm = read(`/proc/${p}/statm`);
    if (statm) pages += Number(statm.split(" ")[1]);
  }
  return (pages * PAGE_KB) / 1024;
}

/**
 * Samples the tree's RSS every `everyMs` until stop() is called; stop resolves
 * { peakMib, cpuSeconds } where cpuSeconds is the tree's CPU time spent since start.
 */
export function sampleTree(pid, everyMs = 50) {
  const cpu0 = treeCpuSeconds(pid);
  let peak = treeRssMib(pid);
  let running = true;
  const loop = (async () => {
    while (running) {
      peak = Math.max(peak, treeRssMib(pid));
      await sleep(everyMs);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      peak = Math.max(peak, treeRssMib(pid));
      return { peakMib: peak, cpuSeconds: treeCpuSeconds(pid) - cpu0 };
    },
  };
}
