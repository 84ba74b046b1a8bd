import { EventPublisher, EventType } from "../events";
import { DataSource, EntityManager } from "typeorm";
import { AuditService, snapshot } from "../audit";
import { requireOperator } from "../auth";
import { inTransaction, isUniqueViolation } from "../db/transaction";
import { addMonthsClamped, formatJst, maxDate } from "../domain";
import { Clock } from "../domain/clock";
import { toGlobalId } from "../ids";
import { ConnectionShape, PageRequest, paginate } from "../paging";
import { TermsVersion, termsDocumentPath } from "../products";
import { RefusalCode, refusal } from "../refusal";
import { RequestScope } from "../request-scope";
import { Announcement, AnnouncementKind } from "./announcement.entity";
import { NoticeLanguage } from "./notice.entity";
import { NoticeService } from "./notice.service";
import { ANNOUNCEMENT_TITLES, NoticeKind, NoticeText, maintenance, serviceEnd, termsChange } from "./templates";

/** NOT-4: the whole service ends no sooner than this many calendar months (JST) after the notice. */
export const SERVICE_END_NOTICE_MONTHS = 3;
/** NOT-5: "now" sent by a client is a little in the past when it arrives; this much is still "now". */
const EFFECTIVE_NOW_TOLERANCE_MS = 5 * 60_000;

export interface MaintenanceInput {
  title: string;
  body: string;
  startsAt: Date;
  endsAt: Date;
}

export interface ServiceEndInput {
  endsAt: Date;
  body: string;
}

export interface TermsVersionInput {
  version: string;
  effectiveFrom: Date;
  /** Where else the text is published; default: this service's /terms/{version}. */
  url?: string | null;
  /** NOT-5: the document itself, served at /terms/{version} exactly as given. */
  textJa: string;
  textEn: string;
}

/** Terms documents are long, but not unbounded. */
const TERMS_TEXT_MAX = 200_000;

function text(value: string, field: string, max: number): string {
  const t = value.trim();
  if (t.length === 0 || t.length > max)
    throw refusal(
      RefusalCode.INVALID_INPUT,
      `${field} must be 1-${max} characters.`,
      `input.${field}`,
      `${field} は1～${max}文字で入力してください。`,
    );
  return t;
}

/**
 * The operator's public announcements (NOT-2..NOT-5). Each is a web posting, delivered when it is
 * viewable (`publishedAt`, at once), and an e-mail to every active reseller, written in the same
 * transaction as the announcement and its audit entry.
 */
export class AnnouncementService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly notices: NoticeService,
    private readonly events: EventPublisher,
  ) {}

  /**
   * NOT-3: planned maintenance is announced in advance, with its reason (title) and period.
   * @rule NOT-3
   */
  async announceMaintenance(scope: RequestScope, input: MaintenanceInput): Promise<Announcement> {
    requireOperator(scope.caller);
    const title = text(input.title, "title", 200);
    const body = text(input.body, "body", 10000);
    const now = this.clock.now();
    if (input.startsAt.getTime() <= now.getTime()) {
      throw refusal(
        RefusalCode.MAINTENANCE_NOT_IN_ADVANCE,
        "Planned maintenance must be announced before it starts (NOT-3).",
        "input.startsAt",
        "メンテナンスは開始前に告知してください。",
      );
    }
    if (input.endsAt.getTime() <= input.startsAt.getTime()) {
      throw refusal(
        RefusalCode.INVALID_INPUT,
        "endsAt must be after startsAt.",
        "input.endsAt",
        "終了日時は開始日時より後にしてください。",
      );
    }
    const facts = { title, body, startsAt: input.startsAt, endsAt: input.endsAt };
    return this.publish(
      scope,
      {
        kind: AnnouncementKind.MAINTENANCE,
        title,
        body,
        startsAt: input.startsAt,
        endsAt: input.endsAt,
        termsVersionId: null,
      },
      NoticeKind.MAINTENANCE,
      maintenance(facts, NoticeLanguage.JA),
    );
  }

  /**
   * NOT-4: ending the whole service needs 3 calendar months' notice (JST, day clamped at month end).
   * @rule NOT-4
   */
  async announceServiceEnd(scope: RequestScope, input: ServiceEndInput): Promise<Announcement> {
    requireOperator(scope.caller);
    const body = text(input.body, "body", 10000);
    const earliest = addMonthsClamped(this.clock.now(), SERVICE_END_NOTICE_MONTHS);
    if (input.endsAt.getTime() < earliest.getTime()) {
      throw refusal(
        RefusalCode.SERVICE_END_NOTICE_TOO_SHORT,
        `The service may end no sooner than ${formatJst(earliest)}: ${SERVICE_END_NOTICE_MONTHS} months' notice (NOT-4).`,
        "input.endsAt",
        `サービスの終了は${SERVICE_END_NOTICE_MONTHS}か月以上前に告知する必要があります（最短 ${formatJst(earliest)}）。`,
      );
    }
    return this.publish(
      scope,
      {
        kind: AnnouncementKind.SERVICE_END,
        title: ANNOUNCEMENT_TITLES.serviceEnd,
        body,
        startsAt: null,
        endsAt: input.endsAt,
        termsVersionId: null,
      },
      NoticeKind.SERVICE_END,
      serviceEnd({ endsAt: input.endsAt, body }, NoticeLanguage.JA),
    );
  }

  /**
   * NOT-5: a new version of the terms, published with its effective date (now or later). Applications
   * can agree to it from that date (requireConsents looks for a version in force), and record it.
   */
  async publishTermsVersion(
    scope: RequestScope,
    input: TermsVersionInput,
  ): Promise<{ termsVersion: TermsVersion; announcement: Announcement }> {
    requireOperator(scope.caller);
    const version = input.version.trim();
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$/.test(version)) {
      throw refusal(
        RefusalCode.INVALID_INPUT,
        "version must be 1-50 letters, digits, dots, hyphens or underscores.",
        "input.version",
        "版の名前は英数字・ドット・ハイフン・下線の1～50文字です。",
      );
    }
    const url = (input.url ?? termsDocumentPath(version)).trim();
    const textJa = text(input.textJa, "textJa", TERMS_TEXT_MAX);
    const textEn = text(input.textEn, "textEn", TERMS_TEXT_MAX);
    if (!/^(https?:\/\/\S+|\/\S*)$/.test(url) || url.length > 500) {
      throw refusal(
        RefusalCode.INVALID_INPUT,
        "url must be an http(s) URL or a path on this site.",
        "input.url",
        "URLの形式が正しくありません。",
      );
    }
    const now = this.clock.now();
    if (input.effectiveFrom.getTime() < now.getTime() - EFFECTIVE_NOW_TOLERANCE_MS) {
      throw refusal(
        RefusalCode.TERMS_EFFECTIVE_DATE_PASSED,
        "A new version of the terms takes effect now or later, never in the past (NOT-5).",
        "input.effectiveFrom",
        "適用開始日時は現在以降にしてください。",
      );
    }
    const effectiveFrom = maxDate(input.effectiveFrom, now);
    let termsVersion: TermsVersion | null = null;
    try {
      const announcement = await this.publish(
        scope,
        {
          kind: AnnouncementKind.TERMS_CHANGE,
          title: ANNOUNCEMENT_TITLES.termsChange(version),
          body: `${version}: ${url} (${formatJst(effectiveFrom)})`,
          startsAt: effectiveFrom,
          endsAt: null,
          termsVersionId: null,
        },
        NoticeKind.TERMS_CHANGE,
        termsChange({ version, effectiveFrom, url }, NoticeLanguage.JA),
        async (tx) => {
          termsVersion = await tx.save(
            tx.create(TermsVersion, { version, effectiveFrom, publishedAt: now, url, textJa, textEn }),
          );
          await this.audit.record(tx, scope, {
            action: "termsVersion.publish",
            entityType: "TermsVersion",
            entityId: termsVersion.id,
            resellerId: null,
            after: snapshot(termsVersion, ["textJa", "textEn"]),
          });
          return termsVersion.id;
        },
      );
      return { termsVersion: termsVersion!, announcement };
    } catch (e) {
      if (isUniqueViolation(e))
        throw refusal(
          RefusalCode.TERMS_VERSION_EXISTS,
          `Terms version "${version}" already exists; versions are never changed once published.`,
          "input.version",
          `第${version}版はすでに公開されています。`,
        );
      throw e;
    }
  }

  /** Public: every announcement, newest first (NOT-2: viewable from `publishedAt`). */
  async list(args: PageRequest): Promise<ConnectionShape<Announcement>> {
    const qb = this.ds
      .getRepository(Announcement)
      .createQueryBuilder("a")
      .where("a.published_at <= :now", { now: this.clock.now() });
    return paginate(qb, args, ["published_at", "id"], "DESC");
  }

  async get(id: string): Promise<Announcement | null> {
    const a = await this.ds.getRepository(Announcement).findOneBy({ id });
    return a && a.publishedAt.getTime() <= this.clock.now().getTime() ? a : null;
  }

  private async publish(
    scope: RequestScope,
    fields: Omit<Announcement, "id" | "nodeId" | "publishedAt">,
    noticeKind: NoticeKind,
    notice: NoticeText,
    before?: (tx: EntityManager) => Promise<string>,
  ): Promise<Announcement> {
    const result = await inTransaction(this.ds, async (tx) => {
      const termsVersionId = before ? await before(tx) : fields.termsVersionId;
      const saved = await tx.save(
        tx.create(Announcement, { ...fields, termsVersionId, publishedAt: this.clock.now() }),
      );
      await this.audit.record(tx, scope, {
        action: "announcement.publish",
        entityType: "Announcement",
        entityId: toGlobalId("Announcement", saved.id),
        resellerId: null,
        after: snapshot(saved),
      });
      await this.notices.queueForActiveResellers(tx, saved.id, noticeKind, notice);
      if (saved.kind === AnnouncementKind.MAINTENANCE) {
        await this.events.emit(tx, {
          type: EventType.MAINTENANCE_ANNOUNCED,
          resellerId: null,
          subjectType: "Announcement",
          subjectId: toGlobalId("Announcement", saved.id),
          data: {
            title: saved.title,
            startsAt: saved.startsAt?.toISOString() ?? null,
            endsAt: saved.endsAt?.toISOString() ?? null,
          },
        });
      }
      return saved;
    });
    scope.loaders.clearAll();
    return result;
  }
}
