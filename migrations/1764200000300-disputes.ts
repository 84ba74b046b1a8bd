import { MigrationInterface, QueryRunner } from "typeorm";

const CONDUCT = [
  "PUBLIC_ORDER",
  "CRIME",
  "IP_INFRINGEMENT",
  "PRIVACY_OR_PROPERTY_INFRINGEMENT",
  "DEFAMATION",
  "SPAM",
  "OTHER_ILLEGAL",
  "OBSTRUCTING_OPERATOR",
  "ANTI_SOCIAL_FORCES",
];

/**
 * APP-6: trademark and name disputes recorded by the operator (applications for the names may be
 * refused while one is open). APP-7: the prohibited conduct an application was refused for,
 * recorded with the decision.
 */
export class Disputes1764200000300 implements MigrationInterface {
  name = "Disputes1764200000300";

  async up(q: QueryRunner): Promise<void> {
    const conduct = CONDUCT.map((c) => `'${c}'`).join(",");
    await q.query(`
      CREATE TABLE name_dispute (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        names text[] NOT NULL CHECK (cardinality(names) BETWEEN 1 AND 100),
        certificate_id uuid REFERENCES certificate(id),
        claimant text NOT NULL CHECK (length(claimant) BETWEEN 1 AND 200),
        description text NOT NULL CHECK (length(description) BETWEEN 1 AND 5000),
        refuse_applications boolean NOT NULL,
        opened_at timestamptz NOT NULL,
        opened_by_key_id uuid REFERENCES api_key(id),
        closed_at timestamptz,
        resolution text CHECK (length(resolution) BETWEEN 1 AND 5000),
        CHECK ((closed_at IS NULL) = (resolution IS NULL))
      );
      CREATE INDEX name_dispute_open_names ON name_dispute USING gin (names) WHERE closed_at IS NULL;
      CREATE INDEX name_dispute_opened ON name_dispute (opened_at, id);
      CREATE INDEX name_dispute_certificate ON name_dispute (certificate_id) WHERE certificate_id IS NOT NULL;

      ALTER TABLE application
        ADD COLUMN prohibited_conduct text[]
          CHECK (cardinality(prohibited_conduct) >= 1 AND prohibited_conduct <@ ARRAY[${conduct}]::text[]),
        ADD CONSTRAINT application_prohibited_conduct_ground
          CHECK (prohibited_conduct IS NULL OR refusal_code = 'PROHIBITED_CONDUCT');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE application
        DROP CONSTRAINT IF EXISTS application_prohibited_conduct_ground, DROP COLUMN IF EXISTS prohibited_conduct;
      DROP TABLE IF EXISTS name_dispute;
    `);
  }
}
