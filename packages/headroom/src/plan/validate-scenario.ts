// Checks a scenario's shape before anything runs, with messages that name the class or task.
import { HeadroomError } from "../core/errors.js";
import type { Scenario } from "./scenario-api.js";
import { waitProblem } from "./wait.js";

export function validateScenario(s: Scenario, where = s.sourcePath ?? `scenario "${s.name}"`): Scenario {
  const bad = (message: string, hint: string): never => {
    throw new HeadroomError("HR_SCENARIO_INVALID", `${where}: ${message}`, hint);
  };
  if (typeof s.name !== "string" || s.name === "") bad("the scenario has no name", "give scenario({ name: ... }) a name");
  if (!Array.isArray(s.classes) || s.classes.length === 0) bad("the scenario has no user classes", "add at least one userClass({ ... }) to `classes`");
  const names = new Set<string>();
  for (const c of s.classes) {
    if (typeof c?.name !== "string" || c.name === "") bad("a user class has no name", "give every userClass a name");
    if (names.has(c.name)) bad(`two user classes are named "${c.name}"`, "give each class a distinct name");
    names.add(c.name);
    if (typeof c.weight !== "number" || !Number.isFinite(c.weight) || c.weight < 0) bad(`class ${c.name}: weight ${String(c.weight)} must be a number >= 0`, "set the class's share of users, e.g. weight: 70");
    const problem = c.wait ? waitProblem(c.wait) : "no wait strategy";
    if (problem) bad(`class ${c.name}: ${problem}`, "set wait: between(a, b), constant(s) or constantPacing(s)");
    if (!Array.isArray(c.tasks) || c.tasks.length === 0) bad(`class ${c.name} has no tasks`, "add tasks: [task(name, weight, async (user) => { ... })]");
    const taskNames = new Set<string>();
    for (const t of c.tasks) {
      if (typeof t?.run !== "function") bad(`class ${c.name}: task ${String(t?.name)} has no run function`, "declare tasks with task(name, weight, async (user) => { ... })");
      if (typeof t.weight !== "number" || !Number.isFinite(t.weight) || t.weight < 0) bad(`class ${c.name}: task ${t.name} weight ${String(t.weight)} must be a number >= 0`, "give each task a relative weight, e.g. 10");
      if (taskNames.has(t.name)) bad(`class ${c.name}: two tasks are named "${t.name}"`, "give each task of a class a distinct name");
      taskNames.add(t.name);
    }
    if (c.weight > 0 && !c.tasks.some((t) => t.weight > 0)) bad(`class ${c.name}: every task has weight 0`, "give at least one task a positive weight");
  }
  if (!s.classes.some((c) => c.weight > 0)) bad("every class has weight 0", "give at least one class a positive weight");
  return s;
}
