import { DataSource, EntityManager, In } from "typeorm";
import { AuditService } from "../audit";
import { requireOperator } from "../auth";
import { inTransaction } from "../db/transaction";
import { Clock } from "../domain/clock";
import { toGlobalId } from "../ids";
import { Notice, NoticeChannel, NoticeRecipient, NoticeService, noticeLanguageOf } from "../notices";
import { RefusalCode, refusal } from "../refusal";
import { RequestScope } from "../request-scope";
import { ContactRole, Subscriber, SubscriberContact } from "../subscribers";
import { Reseller, ResellerStatus } from "./reseller.entity";
import { ResellerTermination } from "./termination.entity";

const DIRECT_NOTICE_KIND = "RESELLER_DIRECT_NOTICE";

/** The address a direct notice goes to: the NOTICE contact, else the administrative one, else any. */
function recipientEmail(contacts: SubscriberContact[]): string | null {
  const by = (role: ContactRole) => contacts.find((c) => c.role === role)?.email;
  return by(ContactRole.NOTICE) ?? by(ContactRole.ADMINISTRATIVE) ?? contacts[0]?.email ?? null;
}

/**
 * RES-10: on suspension or termination the operator may write to the reseller's subscribers
 * directly (bypassing RES-5's "through the managing reseller"). One notice row per subscriber records
 * what was sent to whom; delivery is the notices area's job.
 * @rule RES-10
 */
export class DirectNoticeService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly notices: NoticeService,
  ) {}

  async notify(
    scope: RequestScope,
    input: { resellerId: string | null; subject: string; body: string },
  ): Promise<Notice[]> {
    requireOperator(scope.caller);
    const subject = input.subject.trim();
    const body = input.body.trim();
    if (subject.length === 0 || subject.length > 200)
      throw refusal(RefusalCode.INVALID_INPUT, "subject must be 1 to 200 characters.", "input.subject");
    if (body.length === 0 || body.length > 20000)
      throw refusal(RefusalCode.INVALID_INPUT, "body must be 1 to 20000 characters.", "input.body");
    return inTransaction(this.ds, async (tx) => {
      // Locked: identical notices sent at once are one notice (the row lock orders them; the second finds the first).
      const reseller = input.resellerId
        ? await tx.findOne(Reseller, { where: { id: input.resellerId }, lock: { mode: "pessimistic_write" } })
        : null;
      if (!reseller) throw refusal(RefusalCode.NOT_FOUND, "No such reseller.", "input.resellerId");
      const terminationDecided = (await tx.countBy(ResellerTermination, { resellerId: reseller.id })) > 0;
      if (reseller.status === ResellerStatus.ACTIVE && !terminationDecided) {
        throw refusal(
          RefusalCode.CONFLICT,
          "Subscribers are notified directly only when their reseller is suspended or terminated (RES-10).",
          "input.resellerId",
        );
      }
      // RES-10: the same notice (subject and body) goes to the reseller's subscribers once; a retry returns it.
      const sent = await tx.find(Notice, {
        where: { resellerId: reseller.id, direct: true, kind: DIRECT_NOTICE_KIND, subject, body },
        order: { createdAt: "ASC", id: "ASC" },
      });
      if (sent.length > 0) return sent;
      const notices = await this.write(tx, reseller, subject, body);
      await this.audit.record(tx, scope, {
        action: "reseller.notifySubscribersDirectly",
        entityType: "Reseller",
        entityId: reseller.nodeId,
        resellerId: reseller.id,
        reason: subject,
        after: {
          subject,
          recipients: notices.map((n) => ({
            subscriberId: toGlobalId("Subscriber", n.subscriberId!),
            emailTo: n.emailTo,
            channel: n.channel,
          })),
        },
      });
      return notices;
    });
  }

  private async write(tx: EntityManager, reseller: Reseller, subject: string, body: string): Promise<Notice[]> {
    const subscribers = await tx.find(Subscriber, {
      where: { resellerId: reseller.id },
      order: { createdAt: "ASC", id: "ASC" },
    });
    const contacts = subscribers.length
      ? await tx.find(SubscriberContact, {
          where: { subscriberId: In(subscribers.map((s) => s.id)) },
          order: { position: "ASC" },
        })
      : [];
    const out: Notice[] = [];
    for (const s of subscribers) {
      const emailTo = recipientEmail(contacts.filter((c) => c.subscriberId === s.id));
      const notice = await this.notices.queue(tx, {
        kind: DIRECT_NOTICE_KIND,
        recipient: NoticeRecipient.SUBSCRIBER,
        resellerId: reseller.id,
        subscriberId: s.id,
        language: noticeLanguageOf(s),
        channel: emailTo ? NoticeChannel.EMAIL : NoticeChannel.WEB,
        direct: true,
        emailTo,
        subject,
        body,
      });
      if (notice) out.push(notice);
    }
    return out;
  }

  /** The record of direct notices about a reseller: what was sent to whom (operator only). */
  async list(scope: RequestScope, resellerId: string | null): Promise<Notice[]> {
    requireOperator(scope.caller);
    if (!resellerId) return [];
    return this.ds
      .getRepository(Notice)
      .find({ where: { resellerId, direct: true, kind: DIRECT_NOTICE_KIND }, order: { createdAt: "ASC", id: "ASC" } });
  }
}
