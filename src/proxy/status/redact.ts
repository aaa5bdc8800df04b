import { redactText } from "../log.js";

/**
 * Text for the status page and /status.json, which anyone who can reach the proxy may read: the
 * log's redaction (userinfo in URLs, bearer/basic tokens), and also every URL's query string and
 * fragment, where tokens travel too (`https://proxy.example/?token=…`). The log keeps queries
 * because its paths have none (loggablePath drops them); upstream lists and errors may.
 */
export function redactForDisplay(text: string): string {
  // A query ends at whitespace or a list separator; punctuation right before either (the colon
  // in "URL?q: upstream answered 500") is the message's, not the query's.
  return redactText(text).replace(
    /([a-z][a-z0-9+.-]*:\/\/[^\s?#,|]*)[?#][^\s,|]*?(?=[:;.]?(?:[\s,|]|$))/gi,
    "$1?***",
  );
}

/** At most `max` characters (a client-chosen path or a long error must not bloat the page). */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Display text: redacted, one line, clipped. */
export function displayText(text: string, max = 300): string {
  return clip(redactForDisplay(text).replace(/\s*\n\s*/g, " "), max);
}
