// A single-URL test needs no scenario file: the request, as `headroom run --url` gives it.
export interface SingleRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** The name in reports; default the URL's path. */
  name?: string;
}
