import { MigrationInterface, QueryRunner } from "typeorm";

/** VAL-1 default catalogue, CON-8 tax rates and the first version of the terms (NOT-5). */
export class DefaultCatalogue1763700000100 implements MigrationInterface {
  name = "DefaultCatalogue1763700000100";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      INSERT INTO product (code, name_ja, name_en, validation_level, issuance_mode, wildcard_allowed, auto_renew, term_months, unlimited_term, max_names, organizations_only, japan_base_required) VALUES
        ('DV',               'ドメイン認証型',                 'Domain validated',                   'DV', 'BUILT_IN_CA',    false, false, '{12,24,36}', false, 10, false, false),
        ('DV_WILDCARD',      'ドメイン認証型 ワイルドカード',   'Domain validated, wildcard',          'DV', 'BUILT_IN_CA',    true,  false, '{12,24,36}', false, 10, false, false),
        ('DV_AUTO_RENEW',    'ドメイン認証型 自動更新',         'Domain validated, auto-renew',        'DV', 'BUILT_IN_CA',    false, true,  '{36}',       false, 10, false, false),
        ('OV',               '組織認証型',                     'Organization validated',             'OV', 'BUILT_IN_CA',    false, false, '{12,24,36}', false, 10, true,  false),
        ('OV_WILDCARD',      '組織認証型 ワイルドカード',       'Organization validated, wildcard',   'OV', 'BUILT_IN_CA',    true,  false, '{12,24,36}', false, 10, true,  false),
        ('OV_AUTO_RENEW',    '組織認証型 自動更新',             'Organization validated, auto-renew', 'OV', 'BUILT_IN_CA',    false, true,  '{36}',       false, 10, true,  false),
        ('EV',               'EV',                             'Extended validation',                'EV', 'BUILT_IN_CA',    false, false, '{12,24}',    false, 10, true,  true),
        ('BRING_YOUR_OWN',   '持ち込み証明書管理',              'Bring-your-own certificate management', NULL, 'BRING_YOUR_OWN', true, false, '{6,12,24,36}', true, 100, false, false);

      INSERT INTO product_price (product_id, term_months, kind, price_yen, effective_from)
      SELECT p.id, t.term, t.kind, t.price, '2026-04-01T00:00:00+09:00'
      FROM (VALUES
        ('DV', 12, 'TERM', 12000), ('DV', 24, 'TERM', 22000), ('DV', 36, 'TERM', 30000),
        ('DV_WILDCARD', 12, 'TERM', 48000), ('DV_WILDCARD', 24, 'TERM', 90000), ('DV_WILDCARD', 36, 'TERM', 126000),
        ('DV_AUTO_RENEW', 36, 'MONTHLY', 1000),
        ('OV', 12, 'TERM', 60000), ('OV', 24, 'TERM', 110000), ('OV', 36, 'TERM', 150000),
        ('OV_WILDCARD', 12, 'TERM', 150000), ('OV_WILDCARD', 24, 'TERM', 280000), ('OV_WILDCARD', 36, 'TERM', 390000),
        ('OV_AUTO_RENEW', 36, 'MONTHLY', 5000),
        ('EV', 12, 'TERM', 150000), ('EV', 24, 'TERM', 280000),
        ('BRING_YOUR_OWN', 6, 'TERM', 3000), ('BRING_YOUR_OWN', 12, 'TERM', 5500), ('BRING_YOUR_OWN', 24, 'TERM', 10000),
        ('BRING_YOUR_OWN', 36, 'TERM', 14000), ('BRING_YOUR_OWN', NULL, 'MONTHLY', 500)
      ) AS t(code, term, kind, price)
      JOIN product p ON p.code = t.code;

      INSERT INTO tax_rate (effective_from, rate_percent) VALUES
        ('1989-04-01T00:00:00+09:00', 3), ('1997-04-01T00:00:00+09:00', 5),
        ('2014-04-01T00:00:00+09:00', 8), ('2019-10-01T00:00:00+09:00', 10);

      INSERT INTO terms_version (version, effective_from, published_at, url) VALUES
        ('2026-04', '2026-04-01T00:00:00+09:00', '2026-03-01T00:00:00+09:00', '/terms/2026-04');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM terms_version; DELETE FROM tax_rate; DELETE FROM product_price; DELETE FROM product;`);
  }
}
