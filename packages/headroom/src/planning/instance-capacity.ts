// What one app instance can carry, from the measured CPU cost per request and the measured SLO
// bound. CPU is counted against the cores an instance can actually use, min(vcpus, workers): a
// Node.js worker is one thread of JavaScript, so 2 workers on 8 vCPUs saturate at 25 % of the box.
import { figure, fmt, missingOf, unknownFigure } from "./figure.js";
import type { AutoscaleCapacity, CapacityInputs, InfrastructureModel, InstanceSize, PerInstanceCapacity, PlanFigure } from "./types.js";

export function usableCores(size: InstanceSize, workersPerInstance: number): PlanFigure {
  const v = Math.min(size.vcpus, workersPerInstance);
  return figure(v, "cores", "min(vcpus, workers_per_instance)", { vcpus: size.vcpus, workers_per_instance: workersPerInstance }, `min(${size.vcpus}, ${workersPerInstance}) = ${v}`);
}

/** CPU % of usable cores per 1 RPS on one instance: cpu_ms_per_request / (cores x 1000) x 100. */
export function cpuPctPerRps(cpuMsPerRequest: number, cores: number): number {
  return cpuMsPerRequest / (cores * 10);
}

/** The replay's capacity model for one instance size; null when CPU per request was not measured. */
export function autoscaleCapacity(inputs: CapacityInputs, infra: InfrastructureModel, size: InstanceSize = infra.app.size): AutoscaleCapacity | null {
  if (inputs.cpuMsPerRequest === undefined || inputs.cpuMsPerRequest <= 0) return null;
  const cores = Math.min(size.vcpus, infra.app.workersPerInstance);
  return {
    idleCpuPct: (inputs.idleCpuCorePct ?? 0) / cores,
    cpuPctPerRps: cpuPctPerRps(inputs.cpuMsPerRequest, cores),
    sloRpsPerInstance: inputs.maxRpsPerInstance ?? null,
    ...(inputs.observedMaxRpsPerInstance !== undefined ? { observedMaxRpsPerInstance: inputs.observedMaxRpsPerInstance } : {}),
  };
}

export function perInstanceCapacity(inputs: CapacityInputs, infra: InfrastructureModel, size: InstanceSize = infra.app.size): PerInstanceCapacity {
  const cores = usableCores(size, infra.app.workersPerInstance);
  const c = cores.value!;
  const target = infra.app.targetCpuPct;
  const idleCore = inputs.idleCpuCorePct ?? 0;
  const atTargetInputs = { target_cpu_pct: target, idle_cpu_core_pct: idleCore, cores: c, cpu_ms_per_request: inputs.cpuMsPerRequest };
  const atTargetFormula = "(target_cpu_pct - idle_cpu_core_pct / cores) x cores x 10 / cpu_ms_per_request";
  let rpsAtTargetCpu: PlanFigure;
  if (inputs.cpuMsPerRequest === undefined || inputs.cpuMsPerRequest <= 0) {
    rpsAtTargetCpu = unknownFigure("req/s", atTargetFormula, atTargetInputs, ["cpu_ms_per_request"]);
  } else {
    const v = Math.max(0, ((target - idleCore / c) * c * 10) / inputs.cpuMsPerRequest);
    const seen = inputs.observedMaxRpsPerInstance;
    const extrapolated = seen !== undefined && v > seen ? `extrapolated: the measurement reached ${fmt(seen)} req/s per instance; measure higher load (headroom search) before relying on it` : undefined;
    rpsAtTargetCpu = figure(v, "req/s", atTargetFormula, atTargetInputs, `(${fmt(target)} - ${fmt(idleCore)} / ${c}) x ${c} x 10 / ${fmt(inputs.cpuMsPerRequest, 3)} = ${fmt(v)}`, extrapolated);
  }
  const sloInputs = { max_rps_per_instance: inputs.maxRpsPerInstance, comfortable_rps_per_instance: inputs.comfortableRpsPerInstance };
  const sloRps =
    inputs.maxRpsPerInstance !== undefined
      ? figure(inputs.maxRpsPerInstance, "req/s", "max_rps_per_instance (measured)", sloInputs, `${fmt(inputs.maxRpsPerInstance)} (measured)`, inputs.sources?.maxRpsPerInstance)
      : unknownFigure("req/s", "max_rps_per_instance (measured)", sloInputs, ["max_rps_per_instance"]);
  const candidates: [string, number | undefined][] = [
    ["rps_at_target_cpu", rpsAtTargetCpu.value ?? undefined],
    ["comfortable_rps_per_instance", inputs.comfortableRpsPerInstance],
    ["max_rps_per_instance", inputs.maxRpsPerInstance],
  ];
  const known = candidates.filter((x): x is [string, number] => x[1] !== undefined);
  const planInputs = Object.fromEntries(candidates.map(([k, v]) => [k, v ?? null]));
  const planFormula = "min(rps_at_target_cpu, comfortable_rps_per_instance, max_rps_per_instance), over the measured ones";
  const planningRps =
    known.length === 0
      ? unknownFigure("req/s", planFormula, planInputs, missingOf(planInputs))
      : figure(
          Math.min(...known.map((k) => k[1])),
          "req/s",
          planFormula,
          planInputs,
          `min(${known.map((k) => fmt(k[1])).join(", ")}) = ${fmt(Math.min(...known.map((k) => k[1])))}`,
          known.length < candidates.length ? `not measured: ${missingOf(planInputs).join(", ")}` : undefined,
        );
  return { usableCores: cores, rpsAtTargetCpu, sloRps, planningRps };
}
