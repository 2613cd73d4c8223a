// `--hosts N` of search and plan: the generator processes on this machine a step's load is split
// over (jobs/search-step-hosts.ts). Beyond one machine's cores, `headroom k8s job` runs the pods.
import { availableParallelism } from "node:os";
import { HeadroomError } from "../core/errors.js";

/** The help of `--hosts` (search and plan alike). */
export const HOSTS_HELP = "split each step's load over N generator processes on this machine (--segment i/N each, merged per second; at most one per CPU); default 1";

/**
 * `--hosts N`: generator processes a step's load is split over, a whole number from 1 to the
 * machine's CPU count (more processes than cores only fight over them).
 */
export function parseHosts(text: string, flag = "--hosts", cpus = availableParallelism()): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isInteger(n) || n < 1 || n > cpus) {
    throw new HeadroomError(
      "HR_BAD_NUMBER",
      `${flag} "${text}" is not a whole number of generator processes from 1 to ${cpus} (this machine's CPU count)`,
      `give ${flag} ${Math.min(2, cpus)} (or up to ${cpus}); for more generators than one machine's cores, run the test on a cluster with \`headroom k8s job\` (docs/distributed.md)`,
    );
  }
  return n;
}

