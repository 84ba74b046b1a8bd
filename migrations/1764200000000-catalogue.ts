import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Wire names of the events this branch adds (keep in step with EventType in api/src/events/event-publisher.ts).
 * Nothing but the migration class is exported: TypeORM takes every exported function for a migration.
 */
const CATALOGUE_EVENT_TYPES = [
  "product.created",
  "product.updated",
  "product.price_scheduled",
  "product.discontinued",
  "tax_rate.scheduled",
  "payment.recorded",
  "subscriber.change_requested",
  "subscriber.change_decided",
  "subscriber.succeeded",
];

/**
 * The event-type checks list every allowed wire name. Other branches add names of their own, so this
 * migration reads the list in force and adds (or, going down, removes) only its own names.
 */
async function changeEventTypes(q: QueryRunner, add: string[], remove: string[]): Promise<void> {
  const checks: { table: string; name: string; column: string; array: boolean }[] = [
    { table: "event", name: "event_type_check", column: "type", array: false },
    { table: "webhook_endpoint", name: "webhook_endpoint_event_types_check", column: "event_types", array: true },
  ];
  for (const c of checks) {
    const [row] = (await q.query(
      `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = $1::regclass AND conname = $2`,
      [c.table, c.name],
    )) as { def: string }[];
    if (!row) throw new Error(`constraint ${c.name} not found`);
    const current = [...row.def.matchAll(/'([a-z_.]+)'/g)].map((m) => m[1]);
    const types = [...new Set([...current, ...add])].filter((t) => !remove.includes(t));
    const list = types.map((t) => `'${t}'`).join(",");
    const check = c.array
      ? `cardinality(event_types) >= 1 AND event_types <@ ARRAY[${list}]::text[]`
      : `type IN (${list})`;
    await q.query(`ALTER TABLE ${c.table} DROP CONSTRAINT ${c.name}, ADD CONSTRAINT ${c.name} CHECK (${check})`);
  }
}

const TERMS_2026_04_JA = [
  "Akashi サーバー証明書発行サービス利用条件（2026年4月版）",
  "",
  "第1条（適用） 本条件は、当社が指定事業者を通じて提供するサーバー証明書発行サービスに適用されます。",
  "第2条（申込み） 申込みは指定事業者を通じて行い、利用条件の版、ドメイン名登録者の同意および個人情報の本人の同意を記録します。",
  "第3条（契約期間） 契約期間は開始日からNか月後の同じ月の末日（日本時間23時59分59秒）までとします。",
  "第4条（料金） 料金は発行月の翌月末日までに支払うものとし、消費税は適用される税率により計算し、1円未満は切り捨てます。",
  "第5条（失効） 当社は、料金が支払期日までに支払われない場合その他本条件に定める場合、証明書を失効させることができます。",
  "第6条（変更） 契約者の名称、所在地または代表者の変更は、当社が確認した時点で効力を生じます。合併または会社分割による承継は、承継の日から30日以内に届け出るものとします。",
  "第7条（条件の変更） 本条件の変更は、適用開始日とともに公表します。",
].join("\n");

const TERMS_2026_04_EN = [
  "Akashi server certificate service terms (April 2026 edition)",
  "",
  "1 (Scope) These terms apply to the server certificate service the operator provides through " +
    "designated resellers.",
  "2 (Applications) Applications are made through a reseller and record the terms version, the domain " +
    "registrant's consent and the data subjects' consent.",
  "3 (Term) A term ends at the end of the same month N months after its start (23:59:59 Japan time).",
  "4 (Fees) Fees are due by the end of the month after the month of issuance; consumption tax is " +
    "computed at the rate in force, fractions of a yen rounded down.",
  "5 (Revocation) The operator may revoke a certificate when a fee is not paid by its due date and in " +
    "the other cases these terms name.",
  "6 (Changes) A change of the subscriber's name, address or representative takes effect once the " +
    "operator has confirmed it. A successor by merger or split notifies within 30 days of the succession.",
  "7 (Changes of terms) Changes of these terms are published with the date they take effect.",
].join("\n");

/**
 * The operator's catalogue (VAL-1, CON-5, CON-8, CON-9, NOT-5): how a product's liability cap is
 * computed, discontinuation, price and tax history that never changes once written, and the terms
 * documents themselves (served at /terms/{version} exactly as published).
 */
export class Catalogue1764200000000 implements MigrationInterface {
  name = "Catalogue1764200000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- CON-9: J 19 fees received (auto-renew: the last 12 months); S 25 pro-rated over the whole months remaining.
      ALTER TABLE product
        ADD COLUMN liability_basis text NOT NULL DEFAULT 'RECEIVED_FEES'
          CHECK (liability_basis IN ('RECEIVED_FEES','RECEIVED_LAST_12_MONTHS','PRORATED_REMAINING_MONTHS')),
        ADD COLUMN discontinuation_reason text CHECK (length(discontinuation_reason) <= 2000),
        ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
      UPDATE product SET liability_basis = 'RECEIVED_LAST_12_MONTHS' WHERE auto_renew;
      ALTER TABLE product
        ADD CONSTRAINT product_liability_basis_auto_renew
          CHECK ((liability_basis = 'RECEIVED_LAST_12_MONTHS') = auto_renew),
        ADD CONSTRAINT product_prorated_needs_term
          CHECK (liability_basis <> 'PRORATED_REMAINING_MONTHS' OR NOT unlimited_term),
        ADD CONSTRAINT product_discontinuation_reason
          CHECK (discontinuation_reason IS NULL OR discontinued_at IS NOT NULL);

      -- VAL-1, CON-8, NOT-5: history. A price, a tax rate or a terms document, once written, is never changed
      -- or removed.
      CREATE FUNCTION catalogue_history_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is history: % refused (VAL-1, CON-8, NOT-5)', TG_TABLE_NAME, TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$;
      CREATE TRIGGER product_price_history BEFORE UPDATE OR DELETE ON product_price
        FOR EACH ROW EXECUTE FUNCTION catalogue_history_refuse_change();
      CREATE TRIGGER product_price_history_truncate BEFORE TRUNCATE ON product_price
        FOR EACH STATEMENT EXECUTE FUNCTION catalogue_history_refuse_change();
      CREATE TRIGGER tax_rate_history BEFORE UPDATE OR DELETE ON tax_rate
        FOR EACH ROW EXECUTE FUNCTION catalogue_history_refuse_change();
      CREATE TRIGGER tax_rate_history_truncate BEFORE TRUNCATE ON tax_rate
        FOR EACH STATEMENT EXECUTE FUNCTION catalogue_history_refuse_change();

      -- NOT-5: the text of each version, in Japanese and English, as published.
      ALTER TABLE terms_version ADD COLUMN text_ja text, ADD COLUMN text_en text;
    `);
    await q.query(`UPDATE terms_version SET text_ja = $1, text_en = $2 WHERE version = '2026-04'`, [
      TERMS_2026_04_JA,
      TERMS_2026_04_EN,
    ]);
    await q.query(`
      UPDATE terms_version SET text_ja = '(not recorded)', text_en = '(not recorded)' WHERE text_ja IS NULL;
      ALTER TABLE terms_version
        ALTER COLUMN text_ja SET NOT NULL, ALTER COLUMN text_en SET NOT NULL,
        ADD CONSTRAINT terms_version_text_length
          CHECK (length(text_ja) BETWEEN 1 AND 200000 AND length(text_en) BETWEEN 1 AND 200000);
      CREATE TRIGGER terms_version_history BEFORE UPDATE OR DELETE ON terms_version
        FOR EACH ROW EXECUTE FUNCTION catalogue_history_refuse_change();
      CREATE INDEX terms_version_effective ON terms_version (effective_from);

      -- Price and tax changes never reach back behind a charge already recorded: that check reads charges by date.
      CREATE INDEX charge_charged_at ON charge (charged_at);
      CREATE INDEX contract_product ON contract (product_id, status);
    `);
    await changeEventTypes(q, CATALOGUE_EVENT_TYPES, []);
  }

  async down(q: QueryRunner): Promise<void> {
    await changeEventTypes(q, [], CATALOGUE_EVENT_TYPES);
    await q.query(`
      DROP INDEX IF EXISTS contract_product;
      DROP INDEX IF EXISTS charge_charged_at;
      DROP INDEX IF EXISTS terms_version_effective;
      DROP TRIGGER IF EXISTS terms_version_history ON terms_version;
      ALTER TABLE terms_version
        DROP CONSTRAINT IF EXISTS terms_version_text_length,
        DROP COLUMN IF EXISTS text_ja,
        DROP COLUMN IF EXISTS text_en;
      DROP TRIGGER IF EXISTS tax_rate_history_truncate ON tax_rate;
      DROP TRIGGER IF EXISTS tax_rate_history ON tax_rate;
      DROP TRIGGER IF EXISTS product_price_history_truncate ON product_price;
      DROP TRIGGER IF EXISTS product_price_history ON product_price;
      DROP FUNCTION IF EXISTS catalogue_history_refuse_change();
      ALTER TABLE product
        DROP CONSTRAINT IF EXISTS product_discontinuation_reason,
        DROP CONSTRAINT IF EXISTS product_prorated_needs_term,
        DROP CONSTRAINT IF EXISTS product_liability_basis_auto_renew,
        DROP COLUMN IF EXISTS updated_at,
        DROP COLUMN IF EXISTS discontinuation_reason,
        DROP COLUMN IF EXISTS liability_basis;
    `);
  }
}
