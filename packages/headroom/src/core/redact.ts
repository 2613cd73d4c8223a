// Secrets out of everything headroom writes: a connection string keeps its user and host but not
// its password (postgres://user:***@host/db), a bearer token or a password= parameter becomes ***.
// Documents copy the command line that produced them through redactCommandLine.

/** `text` with every URL password, `password=` value and bearer token replaced by ***. */
export function redactSecrets(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):[^@\s/]*@/gi, "$1:***@")
    .replace(/((?:^|[?&\s])password=)[^&\s]*/gi, "$1***")
    .replace(/(bearer\s+)[A-Za-z0-9._~+/=-]+/gi, "$1***");
}

/** A URL as an error message may show it: the whole userinfo (user, password, or a bare password) becomes ***. */
export function redactUserinfo(url: string): string {
  return url.replace(/\/\/[^@/]*@/, "//***@");
}

/** The command line as documents show it: `command` and its arguments, each argument redacted, quoted where it has spaces. */
export function redactCommandLine(command: string, argv: readonly string[]): string {
  const args = argv.map((a) => {
    const r = redactSecrets(a);
    return /[\s"'$`]/.test(r) ? `'${r.replace(/'/g, "'\\''")}'` : r;
  });
  return [command, ...args].join(" ");
}
