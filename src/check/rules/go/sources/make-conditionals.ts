/**
 * Make's conditionals (`ifeq`/`ifneq`/`ifdef`/`ifndef`, `else`, `endif`): two lines in different
 * branches of one conditional never both take effect, like a GOFLAGS set for Linux and another
 * for everything else.
 */

/** For each 1-based line, the branches it sits in: "<conditional id>:<branch index>". */
function branchPaths(lines: readonly string[]): string[][] {
  const out: string[][] = [[]];
  const stack: { id: number; branch: number }[] = [];
  let next = 0;
  for (const raw of lines) {
    const line = raw.replace(/^\s+/, "");
    if (!raw.startsWith("\t")) {
      if (/^(?:ifeq|ifneq|ifdef|ifndef)\b/.test(line)) stack.push({ id: next++, branch: 0 });
      else if (/^else\b/.test(line) && stack.length > 0)
        (stack.at(-1) as { branch: number }).branch++;
      else if (/^endif\b/.test(line)) stack.pop();
    }
    out.push(stack.map((c) => `${c.id}:${c.branch}`));
  }
  return out;
}

const cache = new WeakMap<readonly string[], string[][]>();

/** Whether two lines of a Makefile are in different branches of the same conditional. */
export function exclusiveInMakefile(lines: readonly string[], a: number, b: number): boolean {
  let paths = cache.get(lines);
  if (!paths) {
    paths = branchPaths(lines);
    cache.set(lines, paths);
  }
  const pa = paths[a] ?? [];
  const pb = paths[b] ?? [];
  return pa.some((x) => {
    const [id, branch] = x.split(":");
    return pb.some((y) => {
      const [id2, branch2] = y.split(":");
      return id === id2 && branch !== branch2;
    });
  });
}
