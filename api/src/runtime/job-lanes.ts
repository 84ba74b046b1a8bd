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
  /** A mass revocation's batches, seconds each. */
  bulk: [MASS_REVOCATION_JOB],
} as const;
