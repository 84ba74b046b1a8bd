import { WEBHOOK_DELIVER_JOB } from "../events/event-publisher";
import { SEND_NOTICES_JOB, SWEEP_NOTICES_JOB } from "../notices/notice.service";
import { MASS_REVOCATION_JOB } from "../revocations/mass-revocation.service";

/**
 * The job lanes the primary runs side by side (jobs/job-sets.ts splitJobSet); every other kind —
 * CRL publication, scheduled revocations, terms — runs in the core lane, held up by neither.
 */
export const JOB_LANES = {
  /** Jobs that wait on other people's servers. */
  network: [WEBHOOK_DELIVER_JOB, SEND_NOTICES_JOB, SWEEP_NOTICES_JOB],
  /** A mass revocation's batches, seconds each; as many runners as a mass revocation has chains. */
  bulk: [MASS_REVOCATION_JOB],
} as const;

/**
 * Runners per lane in the primary. The core lane has several so that the CRL shards a mass
 * revocation touched publish side by side (each shard locks only its own counter row) instead of one
 * after another: 16 shards took 1.6 s after the last batch, one at a time. Runners claim jobs with
 * SKIP LOCKED, as replicas do, so nothing runs twice. Every runner holds one pooled connection while
 * it runs a job; with the bulk lane's (AKASHI_MASS_REVOCATION_CHAINS, 2 by default) they leave the
 * primary's pool of 10 room for the listener's catch-up and metrics.
 */
export function laneRunners(massRevocationChains: number): Record<keyof typeof JOB_LANES | "core", number> {
  return { core: 4, network: 1, bulk: massRevocationChains };
}
