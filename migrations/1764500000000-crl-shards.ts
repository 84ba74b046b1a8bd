import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * STAT-1 at scale (issue 11): CRLs sharded per issuing CA.
 * - `certificate_authority.crl_shards`: how many shards the CA puts new certificates on (0: none, the
 *   root's CRL stays one list). Existing issuing CAs start sharding with their next certificate.
 * - `certificate.crl_shard`: the shard a certificate was put on at issuance; its CRL Distribution Point
 *   names it, so it can never change (trigger). NULL: issued before sharding, on the CA's legacy CRL.
 * - `crl_shard_state`: the CRLNumber counter of each shard (each shard is its own CRL scope); the
 *   legacy CRL keeps `certificate_authority.last_crl_number`.
 * - `crl.shard`: which scope a stored CRL belongs to; numbers are unique per scope.
 */
export class CrlShards1764500000000 implements MigrationInterface {
  name = "CrlShards1764500000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE certificate_authority ADD COLUMN crl_shards smallint NOT NULL DEFAULT 0 CHECK (crl_shards BETWEEN 0 AND 1024);
      UPDATE certificate_authority SET crl_shards = 16 WHERE kind = 'ISSUING';

      ALTER TABLE certificate ADD COLUMN crl_shard smallint CHECK (crl_shard >= 0);
      CREATE FUNCTION certificate_crl_shard_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.crl_shard IS DISTINCT FROM OLD.crl_shard THEN
          RAISE EXCEPTION 'STAT-1: a certificate''s CRL shard is fixed at issuance (certificate %)', OLD.id;
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER certificate_crl_shard_fixed BEFORE UPDATE OF crl_shard ON certificate
        FOR EACH ROW EXECUTE FUNCTION certificate_crl_shard_fixed();
      CREATE INDEX certificate_revoked_by_ca_shard ON certificate (issuing_ca_id, crl_shard, not_after) WHERE revoked_at IS NOT NULL;

      CREATE TABLE crl_shard_state (
        issuing_ca_id uuid NOT NULL REFERENCES certificate_authority(id),
        shard smallint NOT NULL CHECK (shard >= 0),
        last_crl_number bigint NOT NULL DEFAULT 0 CHECK (last_crl_number >= 0),
        PRIMARY KEY (issuing_ca_id, shard)
      );

      ALTER TABLE crl ADD COLUMN shard smallint CHECK (shard >= 0);
      ALTER TABLE crl DROP CONSTRAINT crl_issuing_ca_id_crl_number_key;
      CREATE UNIQUE INDEX crl_legacy_number ON crl (issuing_ca_id, crl_number) WHERE shard IS NULL;
      CREATE UNIQUE INDEX crl_shard_number ON crl (issuing_ca_id, shard, crl_number) WHERE shard IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DELETE FROM crl WHERE shard IS NOT NULL;
      DROP INDEX crl_shard_number;
      DROP INDEX crl_legacy_number;
      ALTER TABLE crl ADD CONSTRAINT crl_issuing_ca_id_crl_number_key UNIQUE (issuing_ca_id, crl_number);
      ALTER TABLE crl DROP COLUMN shard;
      DROP TABLE crl_shard_state;
      DROP TRIGGER certificate_crl_shard_fixed ON certificate;
      DROP FUNCTION certificate_crl_shard_fixed();
      ALTER TABLE certificate DROP COLUMN crl_shard;
      ALTER TABLE certificate_authority DROP COLUMN crl_shards;
    `);
  }
}
