// Connection strings in log lines, documents and manifests: the password is replaced by ***
// (postgres://user:***@host/db), in the userinfo and in a `password=` query parameter alike.

/** `url` with its password replaced by ***; anything that is not a URL with a password is returned as is. */
export function redactUrl(url: string): string {
  return redactSecrets(url);
}

/** Every `scheme://user:password@` and `password=...` in a line of text, redacted. */
export function redactSecrets(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):[^@\s/]*@/gi, "$1:***@").replace(/([?&]password=)[^&\s]*/gi, "$1***");
}
