// Module resolution hooks (node:module register): the bare specifier "headroom" resolves to the
// headroom that is running, so a scenario file anywhere on disk can `import ... from "headroom"`
// without installing it next to the file. A scenario file is an ES module whatever the nearest
// package.json says (outside a "type": "module" package, .ts would otherwise load as CommonJS).
let indexUrl;
let loaderUrl;

export async function initialize(data) {
  indexUrl = data.indexUrl;
  loaderUrl = data.loaderUrl;
}

export async function resolve(specifier, context, nextResolve) {
  if (specifier === "headroom" && indexUrl) return { url: indexUrl, format: "module", shortCircuit: true };
  const result = await nextResolve(specifier, context);
  if (context.parentURL === loaderUrl && /\.[cm]?ts$/.test(new URL(result.url).pathname) && !result.url.endsWith(".cts")) return { ...result, format: "module" };
  return result;
}
