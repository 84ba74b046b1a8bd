import { DataSource, EntityManager } from "typeorm";
import { requireAuthenticated } from "../auth";
import { Application } from "../applications";
import { Certificate } from "../certificates";
import { Contract } from "../contracts";
import { Clock } from "../domain/clock";
import { toGlobalId } from "../ids";
import { ConnectionShape, PageRequest, paginate } from "../paging";
import { enqueueJob, JobHandler } from "../jobs/job-runner";
import { RecurringJob, dailyAtJst } from "../jobs/schedule";
import { Logger } from "../logger";
import { Product } from "../products";
import { RequestScope } from "../request-scope";
import { Reseller, ResellerStatus } from "../resellers";
import { ContactRole, Language, Subscriber, SubscriberContact } from "../subscribers";
import { metrics } from "../metrics/registry";
import { Mailer } from "./mailer";
import { Notice, NoticeChannel, NoticeLanguage, NoticeRecipient } from "./notice.entity";
import {
  Audience,
  NoticeKind,
  NoticeText,
  applicationRejected,
  certificateIssued,
  revocationExecuted,
} from "./templates";
import { findById, findByIdOrFail } from "../db/by-id";
import { findWhere } from "../db/find-where";

/** Sends due e-mail notices; enqueued when a notice is queued and when a failed send is due again. */
export const SEND_NOTICES_JOB = "notices.send";
/** Daily safety net for notices written without a send job (the CON-3 renewal sweep at 00:00 JST). */
export const SWEEP_NOTICES_JOB = "notices.sweep";

const MINUTE_MS = 60_000;
const MAX_BACKOFF_MS = 6 * 60 * MINUTE_MS;

/** 1 min, 2 min, 4 min, ... after each refused attempt, at most 6 hours apart; never given up. */
function noticeBackoffMs(failedAttempts: number): number {
  return Math.min(MINUTE_MS * 2 ** Math.max(0, failedAttempts - 1), MAX_BACKOFF_MS);
}

export interface NoticeDraft {
  kind: NoticeKind | string;
  recipient: NoticeRecipient;
  resellerId: string | null;
  subscriberId?: string | null;
  contractId?: string | null;
  announcementId?: string | null;
  language: NoticeLanguage;
  subject: string;
  body: string;
  channel?: NoticeChannel;
  /** RES-10: the operator writes to a subscriber directly, bypassing the reseller. */
  direct?: boolean;
  /** Null for reseller notices: they go to the reseller's registered contact address at send time. */
  emailTo?: string | null;
  dueAt?: Date | null;
}

/** The language a subscriber's notices are written in: its preferred one. */
export function noticeLanguageOf(subscriber: Subscriber): NoticeLanguage {
  return subscriber.preferredLanguage === Language.EN ? NoticeLanguage.EN : NoticeLanguage.JA;
}

/**
 * NOT-1, RES-5, J 4.5: a notice about a subscriber goes to its managing reseller, which passes it on,
 * and — only when the subscriber registered a NOTICE contact in advance — also straight to each such
 * contact, in the order given.
 * @rule RES-5
 * @rule NOT-1
 */
function subscriberNoticeRecipients(
  resellerId: string | null,
  noticeContacts: readonly SubscriberContact[],
): { recipient: NoticeRecipient; audience: Audience; emailTo: string | null }[] {
  return [
    ...(resellerId ? [{ recipient: NoticeRecipient.RESELLER, audience: "RESELLER" as const, emailTo: null }] : []),
    ...noticeContacts.map((c) => ({
      recipient: NoticeRecipient.SUBSCRIBER,
      audience: "SUBSCRIBER" as const,
      emailTo: c.email,
    })),
  ];
}

export type Compose = (language: NoticeLanguage, audience: Audience) => NoticeText;

/** How long a claimed notice is left to its sender before another worker may send it. */
const NOTICE_SEND_LEASE_MS = 5 * 60 * 1000;

interface ClaimRow {
  id: string;
  kind: string;
  language: string;
  subject: string;
  body: string;
  email_to: string | null;
  reseller_id: string | null;
  attempts: number;
}

/**
 * NOT-1, NOT-2, RES-5: notices are written in the transaction of the change they report, and sent by
 * e-mail afterwards. A notice counts as delivered when the SMTP server accepted it, and only then is
 * `sent_at` set — in the same transaction that claimed the row, so across replicas each notice is
 * claimed by one sender at a time and marked sent once.
 */
export class NoticeService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly mailer: Mailer | null,
    private readonly publicBaseUrl: string,
    private readonly logger: Logger | null = null,
  ) {}

  /** Whether e-mail is configured (SMTP_URL); without it notices stay unsent and visible through GraphQL. */
  get emailEnabled(): boolean {
    return this.mailer !== null;
  }

  /**
   * Writes a notice in the caller's transaction. Returns null when the same notice (kind, contract,
   * due time, recipient, address) already exists. E-mail goes out once the caller commits.
   */
  async queue(tx: EntityManager, d: NoticeDraft): Promise<Notice | null> {
    const now = this.clock.now();
    const values = {
      kind: d.kind,
      recipient: d.recipient,
      resellerId: d.resellerId,
      subscriberId: d.subscriberId ?? null,
      contractId: d.contractId ?? null,
      announcementId: d.announcementId ?? null,
      language: d.language,
      subject: d.subject,
      body: d.body,
      channel: d.channel ?? NoticeChannel.EMAIL,
      direct: d.direct ?? false,
      emailTo: d.emailTo ?? null,
      dueAt: d.dueAt ?? null,
      sentAt: null,
      attempts: 0,
      createdAt: now,
    };
    // A prepared text rather than TypeORM's insert builder: every issuance and revocation writes one or more.
    const inserted: { id: string }[] = await tx.query(
      `INSERT INTO notice (kind, recipient, reseller_id, subscriber_id, contract_id, announcement_id, language, subject, body,
                           channel, direct, email_to, due_at, sent_at, attempts, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
       ON CONFLICT DO NOTHING RETURNING id`,
      [
        values.kind,
        values.recipient,
        values.resellerId,
        values.subscriberId,
        values.contractId,
        values.announcementId,
        values.language,
        values.subject,
        values.body,
        values.channel,
        values.direct,
        values.emailTo,
        values.dueAt,
        values.sentAt,
        values.attempts,
        values.createdAt,
      ],
    );
    const id = inserted[0]?.id;
    if (!id) return null;
    if (this.mailer && values.channel === NoticeChannel.EMAIL) {
      const due = d.dueAt && d.dueAt > now ? d.dueAt : now;
      await enqueueJob(tx, { kind: SEND_NOTICES_JOB, runAt: due });
    }
    // Everything the row holds is known here: no need to read it back.
    return tx.create(Notice, { ...values, id, nextAttemptAt: null, lastError: null });
  }

  /** A notice about a subscriber, to the recipients {@link subscriberNoticeRecipients} names. */
  async queueForSubscriber(
    tx: EntityManager,
    n: {
      kind: NoticeKind;
      subscriberId: string;
      subscriber?: Subscriber;
      resellerId: string | null;
      contractId: string | null;
      dueAt?: Date | null;
      compose: Compose;
    },
  ): Promise<Notice[]> {
    const subscriber = n.subscriber ?? (await findByIdOrFail(tx, Subscriber, n.subscriberId));
    const language = noticeLanguageOf(subscriber);
    const common = {
      kind: n.kind,
      subscriberId: subscriber.id,
      resellerId: n.resellerId,
      contractId: n.contractId,
      language,
      dueAt: n.dueAt ?? this.clock.now(),
    };
    const contacts = await findWhere(
      tx,
      SubscriberContact,
      `WHERE subscriber_id = $1 AND role = $2 ORDER BY position`,
      [subscriber.id, ContactRole.NOTICE],
    );
    const written: Notice[] = [];
    for (const to of subscriberNoticeRecipients(n.resellerId, contacts)) {
      const notice = await this.queue(tx, {
        ...common,
        ...n.compose(language, to.audience),
        recipient: to.recipient,
        ...(to.emailTo ? { emailTo: to.emailTo } : {}),
      });
      if (notice) written.push(notice);
    }
    return written;
  }

  /** APP-2, J 4.5: the certificate was issued; called in the issuing transaction. */
  async certificateIssued(
    tx: EntityManager,
    certificate: Certificate,
    known: { contract?: Contract; product?: Product; subscriber?: Subscriber; reseller?: Reseller | null } = {},
  ): Promise<Notice[]> {
    const contract = known.contract ?? (await findByIdOrFail(tx, Contract, certificate.contractId));
    const product = known.product ?? (await findByIdOrFail(tx, Product, contract.productId));
    const subscriber = known.subscriber ?? (await findByIdOrFail(tx, Subscriber, contract.subscriberId));
    // The contract's managing reseller: the one the caller read when it is that one (a new contract's).
    const reseller = !contract.resellerId
      ? null
      : known.reseller?.id === contract.resellerId
        ? known.reseller
        : await findById(tx, Reseller, contract.resellerId);
    return this.queueForSubscriber(tx, {
      kind: NoticeKind.CERTIFICATE_ISSUED,
      subscriberId: subscriber.id,
      subscriber,
      resellerId: contract.resellerId,
      contractId: contract.id,
      // The issuance time keeps a reissue's notice apart from the first one under the once-only key.
      dueAt: certificate.notBefore,
      compose: (language, audience) =>
        certificateIssued(
          {
            subscriber,
            resellerName: reseller?.name ?? null,
            productNameJa: product.nameJa,
            productNameEn: product.nameEn,
            names: certificate.names,
            serialNumber: certificate.serialHex,
            notBefore: certificate.notBefore,
            notAfter: certificate.notAfter,
            certificateId: toGlobalId("Certificate", certificate.id),
            publicBaseUrl: this.publicBaseUrl,
          },
          language,
          audience,
        ),
    });
  }

  /** REV-2: a revocation was executed (for the revocation area to call in its transaction). */
  async revocationExecuted(tx: EntityManager, certificate: Certificate, reason: string): Promise<Notice[]> {
    const contract = await findByIdOrFail(tx, Contract, certificate.contractId);
    const subscriber = await findByIdOrFail(tx, Subscriber, contract.subscriberId);
    const revokedAt = certificate.revokedAt ?? this.clock.now();
    return this.queueForSubscriber(tx, {
      kind: NoticeKind.REVOCATION_EXECUTED,
      subscriberId: subscriber.id,
      resellerId: contract.resellerId,
      contractId: contract.id,
      dueAt: revokedAt,
      compose: (language, audience) =>
        revocationExecuted(
          { subscriber, names: certificate.names, serialNumber: certificate.serialHex, revokedAt, reason },
          language,
          audience,
        ),
    });
  }

  /**
   * {@link revocationExecuted} for a batch (REV-4 mass revocation): the same notices to the same
   * recipients, read and written with a fixed number of statements whatever the batch's size.
   * `contracts` holds every certificate's contract (the caller has them locked already).
   */
  async revocationsExecuted(
    tx: EntityManager,
    revoked: readonly {
      certificate: Pick<Certificate, "contractId" | "names" | "serialHex" | "revokedAt">;
      reason: string;
    }[],
    contracts: ReadonlyMap<string, Pick<Contract, "id" | "subscriberId" | "resellerId">>,
  ): Promise<number> {
    if (revoked.length === 0) return 0;
    const subscriberIds = [...new Set(revoked.map((r) => contracts.get(r.certificate.contractId)!.subscriberId))];
    const subscribers = new Map(
      (await tx.createQueryBuilder(Subscriber, "s").where("s.id = ANY(:ids)", { ids: subscriberIds }).getMany()).map(
        (s) => [s.id, s],
      ),
    );
    const contacts = await tx
      .createQueryBuilder(SubscriberContact, "sc")
      .where("sc.subscriber_id = ANY(:ids) AND sc.role = :role", { ids: subscriberIds, role: ContactRole.NOTICE })
      .orderBy("sc.position", "ASC")
      .getMany();
    const contactsOf = new Map<string, SubscriberContact[]>();
    for (const c of contacts) contactsOf.set(c.subscriberId, [...(contactsOf.get(c.subscriberId) ?? []), c]);
    const now = this.clock.now();
    const cols: unknown[][] = Array.from({ length: 9 }, () => []);
    const push = (...v: unknown[]) => v.forEach((x, i) => cols[i].push(x));
    for (const { certificate, reason } of revoked) {
      const contract = contracts.get(certificate.contractId)!;
      const subscriber = subscribers.get(contract.subscriberId);
      if (!subscriber) throw new Error(`subscriber ${contract.subscriberId} not found`);
      const language = noticeLanguageOf(subscriber);
      const revokedAt = certificate.revokedAt ?? now;
      for (const to of subscriberNoticeRecipients(contract.resellerId, contactsOf.get(subscriber.id) ?? [])) {
        const text = revocationExecuted(
          { subscriber, names: certificate.names, serialNumber: certificate.serialHex, revokedAt, reason },
          language,
          to.audience,
        );
        push(
          to.recipient,
          contract.resellerId,
          subscriber.id,
          contract.id,
          language,
          text.subject,
          text.body,
          to.emailTo,
          revokedAt,
        );
      }
    }
    if (cols[0].length === 0) return 0;
    const inserted: unknown[] = await tx.query(
      `INSERT INTO notice (kind, recipient, reseller_id, subscriber_id, contract_id, announcement_id, language, subject, body, channel, direct, email_to, due_at, sent_at, attempts, created_at)
       SELECT $1, n.recipient, n.reseller_id, n.subscriber_id, n.contract_id, NULL, n.language, n.subject, n.body, $2, false, n.email_to, n.due_at, NULL, 0, $3
       FROM unnest($4::text[], $5::uuid[], $6::uuid[], $7::uuid[], $8::text[], $9::text[], $10::text[], $11::text[], $12::timestamptz[])
         AS n(recipient, reseller_id, subscriber_id, contract_id, language, subject, body, email_to, due_at)
       ON CONFLICT DO NOTHING RETURNING id`,
      [NoticeKind.REVOCATION_EXECUTED, NoticeChannel.EMAIL, now, ...cols],
    );
    if (inserted.length > 0 && this.mailer) await enqueueJob(tx, { kind: SEND_NOTICES_JOB, runAt: now });
    return inserted.length;
  }

  /** APP-2: "rejected (with a notice of rejection)"; called in the rejecting transaction. */
  async applicationRejected(tx: EntityManager, app: Application): Promise<Notice[]> {
    const subscriber = await tx.findOneByOrFail(Subscriber, { id: app.subscriberId });
    return this.queueForSubscriber(tx, {
      kind: NoticeKind.APPLICATION_REJECTED,
      subscriberId: subscriber.id,
      resellerId: app.resellerId,
      contractId: app.contractId ?? null,
      compose: (language, audience) =>
        applicationRejected(
          {
            subscriber,
            names: app.names,
            reason: app.rejectionReason ?? "",
            applicationId: toGlobalId("Application", app.id),
          },
          language,
          audience,
        ),
    });
  }

  /** NOT-3..NOT-5: an announcement goes to every active reseller by e-mail, in Japanese. */
  async queueForActiveResellers(
    tx: EntityManager,
    announcementId: string,
    kind: NoticeKind,
    text: NoticeText,
  ): Promise<number> {
    const resellers = await tx.find(Reseller, { where: { status: ResellerStatus.ACTIVE }, order: { code: "ASC" } });
    for (const r of resellers) {
      await this.queue(tx, {
        kind,
        recipient: NoticeRecipient.RESELLER,
        resellerId: r.id,
        announcementId,
        language: NoticeLanguage.JA,
        ...text,
      });
    }
    return resellers.length;
  }

  // ---- sending ----

  /**
   * Sends every due, unsent e-mail notice. Per notice: a short transaction claims it (SKIP LOCKED, so
   * other replicas take other rows) with a lease and a job that takes over if this worker dies; the SMTP
   * exchange runs outside any transaction; a second short transaction records the outcome (NOT-2: sent
   * when the server accepted it) or counts the attempt and schedules the retry. At least once: a worker
   * killed after the server accepted but before recording sends that notice again.
   * Returns how many were sent and how many failed. Without SMTP it sends nothing.
   * @rule NOT-2 — announcements are delivered when published: announcement.service.ts
   */
  async sendDue(limit = 500): Promise<{ sent: number; failed: number }> {
    const result = { sent: 0, failed: 0 };
    if (!this.mailer) return result;
    while (result.sent + result.failed < limit) {
      const claimed = await this.claimDue();
      if (claimed === null) break;
      const outcome = await this.sendClaimed(this.mailer, claimed);
      result[outcome]++;
    }
    return result;
  }

  private claimDue(): Promise<{ n: ClaimRow; to: string | null } | null> {
    return this.ds.transaction(async (tx) => {
      const now = this.clock.now();
      const rows: ClaimRow[] = await tx.query(
        `SELECT id, kind, language, subject, body, email_to, reseller_id, attempts FROM notice
         WHERE sent_at IS NULL AND channel = 'EMAIL' AND (due_at IS NULL OR due_at <= $1) AND (next_attempt_at IS NULL OR next_attempt_at <= $1)
         ORDER BY coalesce(next_attempt_at, due_at, created_at), id
         LIMIT 1 FOR UPDATE SKIP LOCKED`,
        [now],
      );
      if (rows.length === 0) return null;
      const n = rows[0];
      const to =
        n.email_to ?? (n.reseller_id ? (await tx.findOneByOrFail(Reseller, { id: n.reseller_id })).contactEmail : null);
      const leaseUntil = new Date(now.getTime() + NOTICE_SEND_LEASE_MS);
      await tx.query(`UPDATE notice SET next_attempt_at = $2 WHERE id = $1`, [n.id, leaseUntil]);
      await enqueueJob(tx, {
        kind: SEND_NOTICES_JOB,
        runAt: leaseUntil,
        uniqueKey: `notice-lease:${n.id}:${n.attempts}:${leaseUntil.getTime()}`,
      });
      return { n, to };
    });
  }

  private async sendClaimed(mailer: Mailer, { n, to }: { n: ClaimRow; to: string | null }): Promise<"sent" | "failed"> {
    let error: string | null = null;
    try {
      if (!to) throw new Error("the notice has no address");
      await mailer.send({ to, subject: n.subject, text: n.body, language: n.language });
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
      metrics.emailFailures.inc();
    }
    return this.ds.transaction(async (tx) => {
      const now = this.clock.now();
      if (error === null) {
        // NOT-2: the notice is delivered at the moment the server accepted it.
        await tx.query(`UPDATE notice SET sent_at = $2, next_attempt_at = NULL, last_error = NULL WHERE id = $1`, [
          n.id,
          now,
        ]);
        return "sent" as const;
      }
      const attempts = n.attempts + 1;
      const retryAt = new Date(now.getTime() + noticeBackoffMs(attempts));
      await tx.query(`UPDATE notice SET attempts = $2, next_attempt_at = $3, last_error = $4 WHERE id = $1`, [
        n.id,
        attempts,
        retryAt,
        error.slice(0, 2000),
      ]);
      await enqueueJob(tx, { kind: SEND_NOTICES_JOB, runAt: retryAt });
      this.logger?.warn(
        { noticeId: n.id, kind: n.kind, attempts, retryAt, err: error },
        "notice e-mail not sent; will retry",
      );
      return "failed" as const;
    });
  }

  /** The job handlers. Sending runs after the job's claim commits, in its own short transactions (see sendDue). */
  jobs(): { handlers: Record<string, JobHandler>; recurring: RecurringJob[] } {
    const send: JobHandler = async () => async () => {
      await this.sendDue();
    };
    return {
      handlers: { [SEND_NOTICES_JOB]: send, [SWEEP_NOTICES_JOB]: send },
      // Only with e-mail on: without it there is nothing to send, and no daily job is worth its row.
      recurring: this.mailer ? [dailyAtJst(SWEEP_NOTICES_JOB, 0, 5, "latest")] : [],
    };
  }

  // ---- reading ----

  /** RES-3: a reseller sees the notices written to it or about its subscribers (not the operator's direct ones); the operator all. */
  async list(
    scope: RequestScope,
    args: PageRequest,
    filter: { unsentOnly?: boolean | null } = {},
  ): Promise<ConnectionShape<Notice>> {
    requireAuthenticated(scope.caller);
    const qb = this.ds.getRepository(Notice).createQueryBuilder("n");
    if (scope.caller.kind === "RESELLER")
      qb.where("n.reseller_id = :own AND NOT n.direct", { own: scope.caller.resellerId });
    if (filter.unsentOnly) qb.andWhere("n.sent_at IS NULL");
    return paginate(qb, args);
  }

  async get(scope: RequestScope, id: string): Promise<Notice | null> {
    if (scope.caller.kind === "PUBLIC") return null;
    const n = await scope.loaders.byId(Notice).load(id);
    if (!n) return null;
    if (scope.caller.kind === "RESELLER" && (n.resellerId !== scope.caller.resellerId || n.direct)) return null;
    return n;
  }
}
