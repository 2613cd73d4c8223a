// The other files `headroom init` writes: the targets the results are judged against, the
// settings file (so `headroom plan` needs no flags), and a GitHub Actions workflow that runs the
// plan every week and compares it with the previous week's (the seed's testing schedule).

/** Targets merged over headroom's defaults (see `headroom analyze --help`): latency and errors per level. */
export function targetsSource(): string {
  const p95Ms = { target: 500, acceptable: 1000 };
  const p99Ms = { target: 1000, acceptable: 2000 };
  const levels = {
    normal: { p95Ms, p99Ms, errorPct: { target: 0.1, acceptable: 0.5, unacceptable: 1 }, rps: null },
    peak: { p95Ms, p99Ms, errorPct: { target: 1, acceptable: 5, unacceptable: 10 }, rps: null },
    sustained: { p95Ms, errorPct: { target: 0.1, acceptable: 0.5, unacceptable: 1 }, rps: null },
  };
  const file = {
    $comment:
      "Targets per load level, merged over headroom's defaults: a value within `target` passes, within `acceptable` warns, beyond fails. Set a metric to null to not judge it (rps: the defaults ask 0.5 requests per second per user, which depends on your scenario's think time). Metrics: p50Ms, p95Ms, p99Ms, p999Ms, rps, errorPct, timeoutPct, cpuPct, memoryPct, dbConnectionsPct, dbPoolPct, queryLatencyMs, cacheHitPct, appCpuPct, appMemoryPct, faultRecoverySec.",
    levels,
  };
  return JSON.stringify(file, null, 2) + "\n";
}

export interface ConfigOptions {
  target: string;
  scenario: string;
  targets: string;
}

export function configSource(o: ConfigOptions): string {
  const file = {
    $comment:
      "headroom settings: any flag of any command by its name; a command's section wins over the top level; flags win over HEADROOM_* environment variables, which win over this file. Keep secrets out of it: give --postgres, --redis and tokens through the environment (HEADROOM_POSTGRES, HEADROOM_REDIS, HEADROOM_VAR=token=...).",
    target: o.target,
    targets: o.targets,
    plan: { suite: o.scenario },
  };
  return JSON.stringify(file, null, 2) + "\n";
}

/** The weekly workflow: the plan against the staging target, compared with last week's, documents kept as an artifact. */
export function workflowSource(o: { scenario: string }): string {
  return `# Written by \`headroom init\`: the capacity plan every week, compared with the previous week's.
# Settings come from headroom.config.json; set the repository variable HEADROOM_TARGET (the
# staging URL) and, to measure the database and Redis, the secrets HEADROOM_POSTGRES and
# HEADROOM_REDIS (connection URLs; they are never printed).
name: capacity plan
on:
  schedule:
    - cron: "0 3 * * 1" # Mondays 03:00 UTC
  workflow_dispatch: {}
jobs:
  plan:
    runs-on: ubuntu-latest
    timeout-minutes: 90
    env:
      HEADROOM_TARGET: \${{ vars.HEADROOM_TARGET }}
      HEADROOM_POSTGRES: \${{ secrets.HEADROOM_POSTGRES }}
      HEADROOM_REDIS: \${{ secrets.HEADROOM_REDIS }}
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - run: npm ci
      - name: Type-check the scenario (with typescript in devDependencies)
        if: hashFiles('node_modules/typescript/package.json') != ''
        run: npx tsc --noEmit --strict --module nodenext --moduleResolution nodenext --target es2022 --skipLibCheck ${o.scenario}
      - name: Restore last week's plan
        uses: actions/cache/restore@v4
        with:
          path: headroom-last
          key: headroom-plan-\${{ github.run_id }}
          restore-keys: headroom-plan-
      - name: Run the capacity plan
        id: plan
        continue-on-error: true
        run: npx headroom plan --out headroom-plan
      - name: Compare with last week
        if: hashFiles('headroom-last/summary.json') != ''
        run: |
          status=0
          for run in headroom-plan/*/manifest.json; do
            name=$(basename "$(dirname "$run")")
            if [ -f "headroom-last/$name/manifest.json" ]; then
              npx headroom compare "headroom-last/$name" "headroom-plan/$name" || status=$?
            fi
          done
          exit $status
      - name: Keep this plan for next week
        if: always()
        run: if [ -d headroom-plan ]; then rm -rf headroom-last && cp -r headroom-plan headroom-last; fi
      - uses: actions/cache/save@v4
        if: always()
        with:
          path: headroom-last
          key: headroom-plan-\${{ github.run_id }}
      - uses: actions/upload-artifact@v4
        if: always()
        with:
          name: capacity-plan
          path: headroom-plan
      - name: Fail when a target failed
        if: steps.plan.outcome == 'failure'
        run: exit 1
`;
}
