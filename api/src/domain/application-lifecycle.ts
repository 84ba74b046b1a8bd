/**
 * APP-2: an application's review states and every move between them, in one table. The services
 * (applications/review.service.ts for the operator, applications/application.service.ts for the
 * reseller) ask this table whether a move is allowed and where it leads; no other code decides it.
 */
export enum ApplicationStatus {
  SUBMITTED = "SUBMITTED",
  UNDER_REVIEW = "UNDER_REVIEW",
  AWAITING_DOCUMENTS = "AWAITING_DOCUMENTS",
  /** Part of the published enum; an approval goes straight to ISSUED in the same transaction. */
  APPROVED = "APPROVED",
  ISSUED = "ISSUED",
  REJECTED = "REJECTED",
  WITHDRAWN = "WITHDRAWN",
}

const { SUBMITTED, UNDER_REVIEW, AWAITING_DOCUMENTS, ISSUED, REJECTED, WITHDRAWN } = ApplicationStatus;

/** The states in which an application waits for a decision (the review queue; APP-4 counts them). */
export const OPEN_APPLICATION_STATUSES: readonly ApplicationStatus[] = [SUBMITTED, UNDER_REVIEW, AWAITING_DOCUMENTS];

/** Each move, from the states that allow it to the state it leads to. */
const MOVES = {
  /** The operator takes a submitted application. */
  startReview: { [SUBMITTED]: UNDER_REVIEW },
  /** The operator asks for documents (CAL-1/CAL-2 set the due date). */
  requestDocuments: { [UNDER_REVIEW]: AWAITING_DOCUMENTS },
  /** The reseller sends documents: an application waiting for them goes back under review. */
  uploadDocuments: { [SUBMITTED]: SUBMITTED, [UNDER_REVIEW]: UNDER_REVIEW, [AWAITING_DOCUMENTS]: UNDER_REVIEW },
  /** Domain control is checked while the application is open; the state does not change. */
  checkDomainControl: {
    [SUBMITTED]: SUBMITTED,
    [UNDER_REVIEW]: UNDER_REVIEW,
    [AWAITING_DOCUMENTS]: AWAITING_DOCUMENTS,
  },
  /** The operator approves: the certificate is issued in the same transaction (CON-1). */
  approve: { [UNDER_REVIEW]: ISSUED },
  /** The operator rejects, with a ground (APP-3). */
  reject: { [SUBMITTED]: REJECTED, [UNDER_REVIEW]: REJECTED, [AWAITING_DOCUMENTS]: REJECTED },
  /** The reseller withdraws an application not yet decided. */
  withdraw: { [SUBMITTED]: WITHDRAWN, [UNDER_REVIEW]: WITHDRAWN, [AWAITING_DOCUMENTS]: WITHDRAWN },
} as const satisfies Record<string, Partial<Record<ApplicationStatus, ApplicationStatus>>>;

export type ApplicationMove = keyof typeof MOVES;

/**
 * Where `move` leads from `from`, or null when the move is not allowed there. Imported certificates
 * and ACME orders create their application as ISSUED directly (VAL-8, ACME-5): they are never reviewed.
 * @rule APP-2
 */
export function applicationMove(move: ApplicationMove, from: ApplicationStatus): ApplicationStatus | null {
  const to: Partial<Record<ApplicationStatus, ApplicationStatus>> = MOVES[move];
  return to[from] ?? null;
}

/** The states from which `move` is allowed, in the enum's order (for refusal messages). */
export function statusesAllowing(move: ApplicationMove): ApplicationStatus[] {
  return Object.values(ApplicationStatus).filter((s) => applicationMove(move, s) !== null);
}
