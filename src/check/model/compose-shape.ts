/**
 * Whether a YAML document is a compose file by its content, whatever its name (quickstart.yml,
 * deploy/stack.yaml). The key sets are the compose specification's (compose-spec.json): a
 * Helm values.yaml or a CI pipeline with a `services:` key has keys compose does not allow.
 */

const TOP_LEVEL = new Set([
  "version",
  "name",
  "include",
  "services",
  "models",
  "networks",
  "volumes",
  "secrets",
  "configs",
]);

const SERVICE_KEYS = new Set(
  (
    "develop deploy annotations attach build blkio_config cap_add cap_drop cgroup cgroup_parent " +
    "command configs container_name cpu_count cpu_percent cpu_shares cpu_quota cpu_period " +
    "cpu_rt_period cpu_rt_runtime cpus cpuset credential_spec depends_on device_cgroup_rules " +
    "devices dns dns_opt dns_search domainname entrypoint env_file label_file environment expose " +
    "extends provider external_links extra_hosts gpus group_add healthcheck hostname image init " +
    "ipc isolation labels links logging mac_address mem_limit mem_reservation mem_swappiness " +
    "memswap_limit network_mode models networks oom_kill_disable oom_score_adj pid pids_limit " +
    "platform ports post_start pre_stop privileged profiles pull_policy pull_refresh_after " +
    "read_only restart runtime scale security_opt shm_size secrets sysctls stdin_open " +
    "stop_grace_period stop_signal storage_opt tmpfs tty ulimits use_api_socket user uts " +
    "userns_mode volumes volumes_from working_dir"
  ).split(" "),
);

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const allowed = (keys: ReadonlySet<string>, obj: Record<string, unknown>) =>
  Object.keys(obj).every((k) => keys.has(k) || k.startsWith("x-"));

/** Cheap test on the text before parsing: a `services:` key at the top level. */
export function mayBeCompose(text: string): boolean {
  return /^services[ \t]*:/m.test(text);
}

/**
 * A compose file: only compose's top-level keys, a `services` map of service maps with only
 * service keys, and at least one service that runs an image or builds one (`image` a string,
 * `build` a path or a build map; Helm's `image: {repository, tag}` is not an image name).
 * `override`: the same shape with no service that says what it runs — an override merged into
 * another file with `-f` (quickstart-debug.yml setting LOG_LEVEL on quickstart.yml's services).
 */
export function composeShape(data: unknown): "compose" | "override" | undefined {
  if (!isRecord(data) || !allowed(TOP_LEVEL, data)) return undefined;
  const services = data["services"];
  if (!isRecord(services)) return undefined;
  const list = Object.values(services);
  if (list.length === 0 || !list.every((s) => isRecord(s) && allowed(SERVICE_KEYS, s))) {
    return undefined;
  }
  const runs = list.some(
    (s) =>
      isRecord(s) &&
      (typeof s["image"] === "string" ||
        typeof s["build"] === "string" ||
        isRecord(s["build"]) ||
        isRecord(s["extends"])),
  );
  return runs ? "compose" : "override";
}

export function serviceNames(data: unknown): string[] {
  const services = isRecord(data) ? data["services"] : undefined;
  return isRecord(services) ? Object.keys(services) : [];
}
