import { generateCompose } from "./compose.js";
import { generateDevcontainer } from "./devcontainer.js";
import { generateDevcontainerDockerfile } from "./devcontainer-dockerfile.js";
import { generateDevbox } from "./devbox/devbox.js";
import { generateDevboxWorkflow } from "./devbox/devbox-ci.js";
import { generateDockerfile } from "./dockerfile.js";
import { generateDockerignore } from "./dockerignore.js";
import { generateEnvExample } from "./env-example.js";
import { generateGitignore } from "./gitignore.js";
import { generateGithubWorkflow } from "./github-workflow.js";
import { generateGitlabCi } from "./gitlab-ci.js";
import { generateGolangci } from "./golangci.js";
import { generateSetupScript } from "./setup-script.js";
import { generateSpecSchemaFile } from "./spec-schema-file.js";
import { generateTiltfile } from "./tiltfile.js";
import type { Generator } from "./types.js";
import { generateVscodeExtensions } from "./vscode-extensions.js";
import { generateVscodeLaunch } from "./vscode-launch.js";
import { generateVscodeSettings } from "./vscode-settings.js";
import { generateVscodeTasks } from "./vscode-tasks.js";

/** Every file gopave renders from a spec; one generator per artifact. */
export const GENERATORS: readonly Generator[] = [
  generateDockerfile,
  generateDockerignore,
  generateCompose,
  generateEnvExample,
  generateTiltfile,
  generateGitignore,
  generateDevcontainer,
  generateDevcontainerDockerfile,
  generateVscodeSettings,
  generateVscodeExtensions,
  generateVscodeLaunch,
  generateVscodeTasks,
  generateSetupScript,
  generateGithubWorkflow,
  generateGitlabCi,
  generateGolangci,
  generateDevbox,
  generateDevboxWorkflow,
  generateSpecSchemaFile,
];
