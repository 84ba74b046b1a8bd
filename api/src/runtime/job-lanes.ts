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
 * it runs a job: 4 + 1 + 2 = 7 with the default two chains (AKASHI_MASS_REVOCATION_CHAINS), which
 * leaves the primary's default pool of 10 (AKASHI_DB_POOL_SIZE) room for the listener's catch-up and the
 * metrics; with four chains, 9 of 10. A runner that finds the pool taken waits for a connection up to the
 * acquire timeout and then fails its claim, which it tries again at its next poll.
 */
export function laneRunners(massRevocationChains: number): Record<keyof typeof JOB_LANES | "core", number> {
  return { core: 4, network: 1, bulk: massRevocationChains };
}
