import js from "@eslint/js";
import tseslint from "typescript-eslint";

// headroom's layers (docs/architecture/layers.md): each folder of packages/headroom/src may import
// only the folders listed for it. The list reads as the pipeline: plan → engine → store →
// telemetry → analysis → planning → report, with jobs running them and cli on top; everything may
// use core, and nothing imports the MueJam API (apps/backend).
export const LAYERS = {
  core: [],
  plan: ["core"],
  metrics: ["core"],
  engine: ["core", "plan", "metrics", "store"],
  store: ["core", "metrics"],
  telemetry: ["core", "store"],
  faults: ["core", "plan"],
  targets: ["core", "plan", "telemetry", "faults"],
  analysis: ["core", "plan", "metrics", "store", "telemetry"],
  planning: ["core", "plan", "analysis"],
  report: ["core", "plan", "analysis", "planning"],
  import: ["core", "plan", "metrics", "engine", "store", "analysis"],
  k8s: ["core", "plan", "metrics", "engine", "store", "analysis"],
  jobs: ["core", "plan", "metrics", "engine", "store", "telemetry", "faults", "targets", "analysis", "planning", "report", "k8s"],
  cli: Object.keys({ core: 0, plan: 0, metrics: 0, engine: 0, store: 0, telemetry: 0, faults: 0, targets: 0, analysis: 0, planning: 0, report: 0, import: 0, k8s: 0, jobs: 0 }),
};
const FOLDERS = Object.keys(LAYERS);
const SRC = "packages/headroom/src";

/** The import rules of one folder: every other folder it may not use, and the backend. */
function layerRule(folder) {
  const banned = FOLDERS.filter((f) => f !== folder && !LAYERS[folder].includes(f));
  const where = `${folder}/ may import ${LAYERS[folder].length ? LAYERS[folder].join(", ") : "nothing but itself"} (docs/architecture/layers.md)`;
  return {
    files: [`${SRC}/${folder}/**/*.ts`, `packages/headroom/test/lint/fixtures/${folder}/**/*.ts`],
    rules: {
      "no-restricted-imports": ["error", {
        paths: [{ name: "@muejam/backend", message: "the core never imports the MueJam API; its Target adapter lives in apps/backend and is loaded by module path" }],
        patterns: [
          ...banned.map((f) => ({ group: [`../${f}/*`, `../../${f}/*`, `../../../${f}/*`, `../${f}/**`, `../../${f}/**`], message: `${where}; ${f}/ is not among them` })),
          { group: ["../index.js", "../../index.js"], message: "import the module, not the package entry" },
          { group: ["@muejam/*", "**/apps/backend/**"], message: "the core never imports the MueJam API" },
        ],
      }],
    },
  };
}

export default tseslint.config(
  { ignores: ["**/node_modules/**", "packages/*/dist/**", "runs/**", "**/*.min.js", "docs/**", "bench/results/**", "test-results/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: "readonly", console: "readonly", Buffer: "readonly", URL: "readonly", setTimeout: "readonly", clearTimeout: "readonly", setInterval: "readonly", clearInterval: "readonly", setImmediate: "readonly", performance: "readonly", fetch: "readonly", AbortController: "readonly", TextDecoder: "readonly", TextEncoder: "readonly", queueMicrotask: "readonly", structuredClone: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "error",
      "no-console": "off",
      "prefer-const": "error",
      "eqeqeq": ["error", "smart"],
    },
  },
  // Source of the headroom package: short files and functions, a line width, printing only in cli/.
  // The lint run's own test (packages/headroom/test/lint/boundaries.test.ts) lints text as if it lived in fixtures/.
  {
    files: [`${SRC}/**/*.ts`, "packages/headroom/test/lint/fixtures/**/*.ts"],
    rules: {
      "max-lines": ["error", { max: 300 }],
      "max-lines-per-function": ["error", { max: 80 }],
      "max-len": ["error", { code: 160, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true, ignoreComments: false }],
      "no-console": "error",
    },
  },
  { files: [`${SRC}/cli/**/*.ts`, "packages/headroom/test/lint/fixtures/cli/**/*.ts"], rules: { "no-console": "off" } },
  ...FOLDERS.map(layerRule),
);
