// Writes the scenario file `headroom init` scaffolds: TypeScript that imports "headroom", with
// profiles a plan runs (smoke, baseline, peak) and one user class whose tasks are the learned
// operations, or a commented example when nothing was learned.
import type { LearnedApi, Operation } from "./operations.js";

const PROFILES = `// The load profiles \`headroom plan\` runs (and \`headroom run --profile NAME\`). loadLevel picks
// the targets a result is judged at (targets.json). Scale them to your traffic.
export const profiles = {
  smoke: { name: "smoke", description: "a few users for 30 s: the scenario works", loadLevel: "normal", executor: "closed", users: 5, spawnRate: 5, durationSec: 30 },
  baseline: { name: "baseline", description: "normal load: the reference figures", loadLevel: "normal", executor: "closed", users: 50, spawnRate: 10, durationSec: 300 },
  peak: { name: "peak", description: "the busiest hour's users", loadLevel: "peak", executor: "closed", users: 200, spawnRate: 20, durationSec: 600 },
} satisfies Record<string, Profile>;
`;

const EXAMPLE_TASKS = `      tasks: [
        // A task: a name, a weight (a task of weight 10 runs ten times as often as one of 1), and
        // what one user does. Requests are named for the reports; one name can cover many URLs.
        task("home", 10, async (user) => {
          await user.get("/");
        }),
        // task("view item", 5, async (user) => {
        //   const id = 1 + Math.floor(user.random() * 1000);
        //   await user.get(\`/items/\${id}\`, { name: "/items/[id]" });
        // }),
        // task("create order", 1, async (user) => {
        //   await user.post("/orders", { json: { item: 1, quantity: 1 }, accept: [201, 409] });
        // }),
      ],`;

function literal(v: unknown): string {
  return JSON.stringify(v);
}

function taskSource(op: Operation, used: Set<string>): string {
  let label = `${op.method} ${op.name}`;
  for (let i = 2; used.has(label); i++) label = `${op.method} ${op.name} (${i})`;
  used.add(label);
  const opts: string[] = [];
  if (op.name !== op.path.replace(/\?.*/, "")) opts.push(`name: ${literal(op.name)}`);
  if (op.headers) opts.push(`headers: ${literal(op.headers)}`);
  if (op.json !== undefined) opts.push(`json: ${literal(op.json)}`);
  if (op.body !== undefined) opts.push(`body: ${literal(op.body)}`);
  const args = [literal(op.path), ...(opts.length > 0 ? [`{ ${opts.join(", ")} }`] : [])].join(", ");
  const call = ["GET", "POST", "PUT", "PATCH", "DELETE"].includes(op.method) ? `user.${op.method.toLowerCase()}(${args})` : `user.request(${literal(op.method)}, ${args})`;
  return `        task(${literal(label)}, ${op.weight}, async (user) => {\n          await ${call};\n        }),`;
}

function onStartSource(api: LearnedApi): string {
  if (!api.auth) return "";
  const header = api.auth.kind === "bearer" ? `authorization = \`Bearer \${user.vars.token}\`` : `[${literal(api.auth.header!.toLowerCase())}] = user.vars.token`;
  return `      // The API wants credentials: pass them with --var token=... (or "var": ["token=..."] in
      // headroom.config.json, or HEADROOM_VAR=token=... in CI), never in this file.
      onStart(user) {
        if (user.vars.token) user.headers${api.auth.kind === "bearer" ? "." : ""}${header};
      },
`;
}

/** The scenario file's text; `api` undefined gives the commented example. */
export function scenarioSource(name: string, file: string, host: string, api?: LearnedApi): string {
  const from = api ? `from ${api.source} (${api.operations.length} request${api.operations.length === 1 ? "" : "s"})` : "as an example";
  const used = new Set<string>();
  const tasks = api && api.operations.length > 0 ? `      tasks: [\n${api.operations.map((op) => taskSource(op, used)).join("\n")}\n      ],` : EXAMPLE_TASKS;
  return `// Load scenario for ${api?.title ?? name}, written by \`headroom init\` ${from}. Edit it freely: it is
// your code. Check it with \`npx tsc --noEmit\`; run it with
//   npx headroom run ${file} --profile smoke
import { between, scenario, task, userClass, type Profile } from "headroom";

${PROFILES}
export default scenario({
  name: ${literal(name)},
  // Where \`run\` and \`search\` send requests unless --host says otherwise (\`plan\` uses --target).
  host: ${literal(host)},
  classes: [
    userClass({
      name: "User",
      weight: 1,
      // Think time between a user's requests: uniform between 1 and 5 seconds.
      wait: between(1, 5),
${onStartSource(api ?? { source: "", operations: [], notes: [] })}${tasks}
    }),
  ],
});
`;
}
