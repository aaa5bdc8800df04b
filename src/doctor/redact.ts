/**
 * Removes the user-info part (user:password, or a bare token) of every URL in a text. GOPROXY
 * entries, git rewrites and go error messages may all carry one, and doctor output ends up in
 * terminals, CI logs and bug reports; so every line goes through here before it is printed.
 * The conventional ssh user "git" is no secret and stays, so advice like ssh://git@host/ reads right.
 */
export function redactSecrets(text: string): string {
  return text.replace(
    /([a-z][a-z0-9+.-]*:\/\/)([^\s/@,|'"<>]*)@/gi,
    (_m, scheme: string, info: string) => (info === "git" ? `${scheme}git@` : `${scheme}***@`),
  );
}
