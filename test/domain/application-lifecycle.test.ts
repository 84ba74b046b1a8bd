import {
  ApplicationMove,
  ApplicationStatus,
  OPEN_APPLICATION_STATUSES,
  applicationMove,
  statusesAllowing,
} from "../../api/src/domain/application-lifecycle";

const { SUBMITTED, UNDER_REVIEW, AWAITING_DOCUMENTS, APPROVED, ISSUED, REJECTED, WITHDRAWN } = ApplicationStatus;

// The whole lifecycle as a reviewer would draw it: every (move, from) pair not listed here is refused.
const allowed: Array<[ApplicationMove, ApplicationStatus, ApplicationStatus]> = [
  ["startReview", SUBMITTED, UNDER_REVIEW],
  ["requestDocuments", UNDER_REVIEW, AWAITING_DOCUMENTS],
  ["uploadDocuments", SUBMITTED, SUBMITTED],
  ["uploadDocuments", UNDER_REVIEW, UNDER_REVIEW],
  ["uploadDocuments", AWAITING_DOCUMENTS, UNDER_REVIEW],
  ["checkDomainControl", SUBMITTED, SUBMITTED],
  ["checkDomainControl", UNDER_REVIEW, UNDER_REVIEW],
  ["checkDomainControl", AWAITING_DOCUMENTS, AWAITING_DOCUMENTS],
  ["approve", UNDER_REVIEW, ISSUED],
  ["reject", SUBMITTED, REJECTED],
  ["reject", UNDER_REVIEW, REJECTED],
  ["reject", AWAITING_DOCUMENTS, REJECTED],
  ["withdraw", SUBMITTED, WITHDRAWN],
  ["withdraw", UNDER_REVIEW, WITHDRAWN],
  ["withdraw", AWAITING_DOCUMENTS, WITHDRAWN],
];
const moves: ApplicationMove[] = [
  "startReview",
  "requestDocuments",
  "uploadDocuments",
  "checkDomainControl",
  "approve",
  "reject",
  "withdraw",
];

describe("APP-2: the application lifecycle table", () => {
  test.each(allowed)("APP-2: %s from %s leads to %s", (move, from, to) => {
    expect(applicationMove(move, from)).toBe(to);
  });

  test("APP-2: every other move from every state is refused", () => {
    for (const move of moves)
      for (const from of Object.values(ApplicationStatus)) {
        const listed = allowed.find(([m, f]) => m === move && f === from);
        expect([move, from, applicationMove(move, from)]).toEqual([move, from, listed ? listed[2] : null]);
      }
  });

  test("APP-2: a decided application (issued, rejected, withdrawn) allows no move at all", () => {
    for (const from of [ISSUED, REJECTED, WITHDRAWN, APPROVED])
      expect(moves.filter((m) => applicationMove(m, from) !== null)).toEqual([]);
  });

  test("APP-2: the open states are the ones a reseller may withdraw from, and refusals name the allowed states in order", () => {
    expect([...OPEN_APPLICATION_STATUSES]).toEqual(statusesAllowing("withdraw"));
    expect(statusesAllowing("reject")).toEqual([SUBMITTED, UNDER_REVIEW, AWAITING_DOCUMENTS]);
    expect(statusesAllowing("approve")).toEqual([UNDER_REVIEW]);
  });
});
