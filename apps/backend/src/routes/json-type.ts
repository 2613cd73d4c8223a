/** The content type of every API response, also set by hand when a cached body is sent as stored. */
export const JSON_TYPE = "application/json; charset=utf-8";
