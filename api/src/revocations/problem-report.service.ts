import { DataSource, MoreThan } from "typeorm";
import { AuditService, snapshot } from "../audit";
import { PUBLIC, requireOperator } from "../auth";
import { Certificate } from "../certificates";
import { inTransaction } from "../db/transaction";
import { problemReportAnswerDeadline, receiptNumber, receiptNumberValid } from "../domain";
import { Clock } from "../domain/clock";
import { isEmailAddress } from "../domain/email";
import { toGlobalId } from "../ids";
import { ConnectionShape, PageRequest, paginate } from "../paging";
import { requirePem } from "../applications";
import { CSR_PEM_LABELS, csrProvesKeyOf } from "../pki";
import { RefusalCode, refusal } from "../refusal";
import { RequestScope } from "../request-scope";
import { ProblemReport, ProblemReportStatus } from "./problem-report.entity";
import { RevocationReason } from "./revocation-reason";
import { RevocationRequester } from "./revocation.entity";
import { RevocationService } from "./revocation.service";

export interface ProblemReportInput {
  serialNumber?: string | null;
  sha256Fingerprint?: string | null;
  description: string;
  reporterEmail?: string | null;
  /** A CSR signed by the certificate's private key: proof that the key is out (REV-5). */
  proofCsr?: string | null;
  /** Where the report came from (e.g. "seal <id>"), stored before the description once it has been checked. */
  source?: string;
}

/** Reports one client address may file per hour; shared by every replica because it is counted in PostgreSQL. */
const REPORTS_PER_ADDRESS_PER_HOUR = 10;

/**
 * REV-5, REV-10: anyone may report a problem with a certificate (for example a leaked key); the
 * operator sees the reports with their first-answer deadline and may revoke from one.
 * @rule REV-5
 */
export class ProblemReportService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly revocations: RevocationService,
  ) {}

  async report(clientAddress: string, requestId: string | null, input: ProblemReportInput): Promise<ProblemReport> {
    const description = input.description.trim();
    if (description.length < 10 || description.length > 5000)
      throw refusal(
        RefusalCode.INVALID_INPUT,
        "Describe the problem in 10 to 5000 characters.",
        "input.description",
        "内容を 10〜5000 文字で書いてください。",
      );
    if (input.reporterEmail != null && !isEmailAddress(input.reporterEmail))
      throw refusal(RefusalCode.INVALID_INPUT, "reporterEmail is not valid.", "input.reporterEmail");
    const serial = input.serialNumber?.toLowerCase().replace(/[:\s]/g, "") || null;
    const fingerprint = input.sha256Fingerprint?.toLowerCase().replace(/[:\s]/g, "") || null;
    if ((serial === null) === (fingerprint === null))
      throw refusal(
        RefusalCode.INVALID_INPUT,
        "Give exactly one of serialNumber and sha256Fingerprint.",
        "input.serialNumber",
      );
    if ((serial && !/^[0-9a-f]{1,64}$/.test(serial)) || (fingerprint && !/^[0-9a-f]{64}$/.test(fingerprint)))
      throw refusal(
        RefusalCode.INVALID_INPUT,
        "Serial numbers and fingerprints are hex.",
        serial ? "input.serialNumber" : "input.sha256Fingerprint",
      );
    return inTransaction(this.ds, async (tx) => {
      const now = this.clock.now();
      // Reports from one address queue on a lock, so parallel requests cannot all pass the count.
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`report:${clientAddress}`]);
      const recent = await tx.count(ProblemReport, {
        where: { clientAddress, receivedAt: MoreThan(new Date(now.getTime() - 3600_000)) },
      });
      if (recent >= REPORTS_PER_ADDRESS_PER_HOUR)
        throw refusal(
          RefusalCode.RATE_LIMITED,
          `At most ${REPORTS_PER_ADDRESS_PER_HOUR} reports an hour from one address; try later or write to the operator.`,
          null,
        );
      const cert = serial
        ? await tx.findOne(Certificate, { where: { serialHex: serial }, order: { createdAt: "DESC" } })
        : await tx.findOneBy(Certificate, { sha256Fingerprint: fingerprint! });
      const proofDer = input.proofCsr ? requirePem(input.proofCsr, CSR_PEM_LABELS, "input.proofCsr")[0] : null;
      const [{ n }]: { n: string }[] = await tx.query(`SELECT nextval('problem_report_receipt_seq') AS n`);
      const report = await tx.save(
        tx.create(ProblemReport, {
          receiptNumber: receiptNumber(BigInt(n)),
          certificateId: cert?.id ?? null,
          serialHex: cert?.serialHex ?? serial,
          reporterEmail: input.reporterEmail ?? null,
          description: input.source ? `[${input.source}] ${description}` : description,
          proofDer,
          proofVerified: Boolean(cert && proofDer && csrProvesKeyOf(proofDer, cert.der)),
          clientAddress,
          receivedAt: now,
          firstAnswerDueAt: problemReportAnswerDeadline(now),
          status: ProblemReportStatus.OPEN,
          answer: null,
          answeredAt: null,
        }),
      );
      await this.audit.record(
        tx,
        { caller: PUBLIC, requestId },
        {
          action: "problemReport.receive",
          entityType: "ProblemReport",
          entityId: toGlobalId("ProblemReport", report.id),
          resellerId: null,
          after: snapshot(report, ["proofDer"]),
        },
      );
      return report;
    });
  }

  async get(scope: RequestScope, id: string): Promise<ProblemReport | null> {
    if (scope.caller.kind !== "OPERATOR" && scope.caller.kind !== "SYSTEM") return null;
    return scope.loaders.byId(ProblemReport).load(id);
  }

  /** REV-5: the operator finds a report by the receipt number a caller reads out (hyphen and spaces optional). */
  async byReceipt(scope: RequestScope, text: string): Promise<ProblemReport | null> {
    requireOperator(scope.caller);
    const digits = text.replace(/[-\s]/g, "");
    if (!receiptNumberValid(digits)) return null;
    const formatted = digits.match(/.{1,4}/g)?.join("-") ?? digits;
    return this.ds.getRepository(ProblemReport).findOneBy({ receiptNumber: formatted });
  }

  /** REV-10: the operator's queue, most urgent first. */
  async queue(
    scope: RequestScope,
    args: PageRequest,
    statuses: ProblemReportStatus[],
  ): Promise<ConnectionShape<ProblemReport>> {
    requireOperator(scope.caller);
    const qb = this.ds
      .getRepository(ProblemReport)
      .createQueryBuilder("p")
      .where("p.status IN (:...statuses)", { statuses });
    return paginate(qb, args, ["first_answer_due_at", "id"]);
  }

  async answer(scope: RequestScope, id: string | null, answer: string, dismiss: boolean): Promise<ProblemReport> {
    requireOperator(scope.caller);
    if (answer.trim().length === 0) throw refusal(RefusalCode.INVALID_INPUT, "The answer is empty.", "input.answer");
    return inTransaction(this.ds, async (tx) => {
      const report = id
        ? await tx.findOne(ProblemReport, { where: { id }, lock: { mode: "pessimistic_write" } })
        : null;
      if (!report) throw refusal(RefusalCode.NOT_FOUND, "No such problem report.", "input.problemReportId");
      const before = snapshot(report, ["proofDer"]);
      const status =
        report.status === ProblemReportStatus.OPEN || report.status === ProblemReportStatus.ANSWERED
          ? dismiss
            ? ProblemReportStatus.DISMISSED
            : ProblemReportStatus.ANSWERED
          : report.status;
      // The same answer again (a retry) changes nothing and records nothing.
      if (report.answer === answer.trim() && report.status === status) return report;
      report.answer = answer.trim();
      report.answeredAt = this.clock.now();
      report.status = status;
      const saved = await tx.save(report);
      await this.audit.record(tx, scope, {
        action: "problemReport.answer",
        entityType: "ProblemReport",
        entityId: toGlobalId("ProblemReport", report.id),
        resellerId: null,
        before,
        after: snapshot(saved, ["proofDer"]),
      });
      return saved;
    });
  }

  /** REV-4, REV-5: the operator revokes the reported certificate, recording the report as the cause. */
  async revoke(scope: RequestScope, id: string | null, reason: RevocationReason): Promise<ProblemReport> {
    requireOperator(scope.caller);
    const result = await inTransaction(this.ds, async (tx) => {
      const report = id
        ? await tx.findOne(ProblemReport, { where: { id }, lock: { mode: "pessimistic_write" } })
        : null;
      if (!report) throw refusal(RefusalCode.NOT_FOUND, "No such problem report.", "input.problemReportId");
      if (report.status === ProblemReportStatus.REVOKED) return report; // decided already (REV-7: revocation is final)
      const cert = report.certificateId
        ? await tx.findOne(Certificate, { where: { id: report.certificateId }, lock: { mode: "pessimistic_write" } })
        : null;
      if (!cert)
        throw refusal(RefusalCode.NOT_FOUND, "The report names no certificate of this CA.", "input.problemReportId");
      if (!cert.revokedAt) {
        await this.revocations.execute(tx, scope, cert, reason, {
          requestedBy: RevocationRequester.OPERATOR,
          requesterKeyId: scope.caller.kind === "OPERATOR" ? scope.caller.keyId : null,
          comment: `problem report ${toGlobalId("ProblemReport", report.id)}`,
          problemReportId: report.id,
        });
      }
      const before = snapshot(report, ["proofDer"]);
      report.status = ProblemReportStatus.REVOKED;
      report.answeredAt ??= this.clock.now();
      const saved = await tx.save(report);
      await this.audit.record(tx, scope, {
        action: "problemReport.revoke",
        entityType: "ProblemReport",
        entityId: toGlobalId("ProblemReport", report.id),
        resellerId: null,
        before,
        after: snapshot(saved, ["proofDer"]),
      });
      return saved;
    });
    scope.loaders.clearAll();
    return result;
  }
}
