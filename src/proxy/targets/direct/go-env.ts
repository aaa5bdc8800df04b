import type { Workspace } from "./workspace.js";

/**
 * The environment for a direct fetch. Everything else in the server's environment passes
 * through on purpose: PATH, HOME (~/.netrc, ~/.gitconfig, ssh keys), NETRC, GOAUTH, GOINSECURE,
 * GOVCS, GIT_* and proxy variables are how an operator gives the go command access to private
 * hosts. What would send the fetch elsewhere or touch the user's caches is pinned.
 */
export function directGoEnv(
  base: NodeJS.ProcessEnv,
  ws: Workspace,
  isPrivate: boolean,
): NodeJS.ProcessEnv {
  return {
    ...base,
    GOPROXY: "direct",
    GONOPROXY: "",
    GOPATH: ws.gopath,
    GOMODCACHE: ws.gomodcache,
    GOCACHE: ws.gocache,
    // -modcacherw keeps the private cache removable; the user's own GOFLAGS (-mod=vendor, …)
    // have no business here.
    GOFLAGS: "-mod=mod -modcacherw",
    GOTOOLCHAIN: "local",
    GO111MODULE: "on",
    GOWORK: "off",
    // A credential prompt with nobody to answer it would hang until the timeout.
    GIT_TERMINAL_PROMPT: "0",
    // Private: never ask the public checksum database about (and so never leak) these paths,
    // and let GOVCS treat them as private. Public: the go command verifies against GOSUMDB.
    ...(isPrivate ? { GOPRIVATE: "*", GONOSUMDB: "*" } : { GOPRIVATE: "", GONOSUMDB: "" }),
  };
}
