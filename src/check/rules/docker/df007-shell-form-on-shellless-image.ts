import type { Healthcheck, Instruction } from "dockerfile-ast";
import type { Rule, RuleFinding } from "../../types.js";
import { isShellless } from "./util/image-ref.js";
import { execForm } from "./util/run-script.js";
import { chainOf, finalStage, lineOf, rootOf, stageGraph } from "./util/stages.js";

export const DF007: Rule = {
  id: "DF007",
  severity: "error",
  title: "shell-form CMD/ENTRYPOINT on an image without a shell",
  doc: {
    why:
      'Docker runs the shell form (`CMD /app serve`) as `/bin/sh -c "/app serve"`. scratch and ' +
      "distroless images (other than their :debug tags) contain no /bin/sh, so the container " +
      "fails to start, and a shell-form HEALTHCHECK reports the container unhealthy forever.",
    fix:
      'Use the exec (JSON) form: ENTRYPOINT ["/app", "serve"]. For a health check, run a binary ' +
      'that is in the image: HEALTHCHECK CMD ["/app", "healthcheck"].',
    example: {
      file: "Dockerfile",
      bad: "FROM gcr.io/distroless/static-debian13:nonroot\nCOPY --from=build /app /app\nENTRYPOINT /app serve\n",
      good: 'FROM gcr.io/distroless/static-debian13:nonroot\nCOPY --from=build /app /app\nENTRYPOINT ["/app", "serve"]\n',
    },
  },
  check({ model }) {
    const out: RuleFinding[] = [];
    for (const file of model.dockerfiles) {
      const last = finalStage(stageGraph(file));
      const image = last && rootOf(last).image;
      if (!last || !image || !isShellless(image)) continue;
      const effective = new Map<string, Instruction>();
      let shell = false;
      for (const s of chainOf(last)) {
        for (const ins of s.instructions) {
          const keyword = ins.getKeyword();
          if (keyword === "SHELL") shell = true;
          // Only the last of each takes effect.
          if (keyword === "CMD" || keyword === "ENTRYPOINT" || keyword === "HEALTHCHECK") {
            effective.set(keyword, ins);
          }
        }
      }
      // A SHELL instruction means the author brought their own shell binary in.
      if (shell) continue;
      for (const [keyword, ins] of effective) {
        if (!isShellForm(keyword, ins)) continue;
        out.push({
          file: file.path,
          line: lineOf(ins),
          message:
            `shell-form ${keyword === "HEALTHCHECK" ? "HEALTHCHECK CMD" : keyword} runs through ` +
            `/bin/sh, but ${image.raw} has no shell, so it cannot run; use the JSON form ` +
            `${keyword === "HEALTHCHECK" ? 'HEALTHCHECK CMD ["/app", "healthcheck"]' : `${keyword} ["/app"]`}`,
        });
      }
    }
    return out;
  },
};

function isShellForm(keyword: string, ins: Instruction): boolean {
  if (keyword !== "HEALTHCHECK") return execForm(ins.getArgumentsContent() ?? "") === undefined;
  const sub = (ins as Healthcheck).getSubcommand()?.getValue().toUpperCase();
  if (sub !== "CMD") return false;
  const rest = (ins.getArgumentsContent() ?? "").replace(/^\s*CMD\b/i, "");
  return execForm(rest) === undefined;
}
