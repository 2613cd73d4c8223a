// The error class of a failed connection, from the code of its socket error.
import type { ERROR_INDEX } from "./recorder.js";

/** Maps a socket error code to an error class. */
export function classifyCode(code: string | undefined): keyof typeof ERROR_INDEX {
  switch (code) {
    case "ECONNREFUSED":
      return "refused";
    case "ECONNRESET":
    case "EPIPE":
    case "ECONNABORTED":
    case undefined:
      return "reset";
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "EAI_NONAME":
      return "dns";
    case "ETIMEDOUT":
      return "timeout";
    default:
      return "other";
  }
}
