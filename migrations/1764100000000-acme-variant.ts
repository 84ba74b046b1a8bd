import { MigrationInterface, QueryRunner } from "typeorm";

const OLD_EVENT_TYPES = [
  "application.submitted",
  "application.documents_requested",
  "application.approved",
  "application.rejected",
  "certificate.issued",
  "contract.renewal_due",
  "revocation.scheduled",
  "revocation.executed",
  "revocation.withdrawn",
  "contract.cancelled",
  "contract.ended",
  "seal.created",
  "reseller.suspended",
  "reseller.reinstated",
  "api_key.expiring",
  "maintenance.announced",
];
/** Keep in step with `EventType` in api/src/events/event-publisher.ts. */
const EVENT_TYPES = [
  ...OLD_EVENT_TYPES,
  "acme.usage_fqdn.registered",
  "acme.usage_fqdn.continued",
  "acme.usage_fqdn.ended",
  "acme.account.created",
];
const list = (xs: string[]) => xs.map((t) => `'${t}'`).join(",");

/**
 * The ACME variant (ACME-1..8) and CAA for every issuance (APP-11):
 * - usage FQDNs with their usage periods (ACME-2), each registration or continuation charged (new charge kinds);
 * - External Account Binding credentials (ACME-3): nothing secret is stored; the HMAC key is derived
 *   from the service secret and the key id, so the row holds only what decides whether it may be used;
 * - ACME accounts, orders and authorisations (RFC 8555), used nonces (anti-replay across replicas);
 * - ACME challenges as domain validations (APP-9 evidence, reuse) and applications of kind ACME, so that
 *   ACME certificates are contracts and certificates like the others (ACME-5);
 * - CAA results with their evidence (APP-11), used for at most 8 hours.
 */
export class AcmeVariant1764100000000 implements MigrationInterface {
  name = "AcmeVariant1764100000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE domain_validation DROP CONSTRAINT domain_validation_method_check;
      ALTER TABLE domain_validation ADD CONSTRAINT domain_validation_method_check
        CHECK (method IN ('HTTP_FILE','DNS_TXT','ACME_HTTP_01','ACME_DNS_01'));
      ALTER TABLE application DROP CONSTRAINT application_kind_check;
      ALTER TABLE application ADD CONSTRAINT application_kind_check CHECK (kind IN ('NEW','RENEWAL','REISSUE','REPLACEMENT','IMPORT','ACME'));
      ALTER TABLE charge DROP CONSTRAINT charge_kind_check;
      ALTER TABLE charge ADD CONSTRAINT charge_kind_check
        CHECK (kind IN ('DESIGNATION','ISSUANCE','RENEWAL','MONTHLY','CHANGE','ACME_REGISTRATION','ACME_CONTINUATION'));
      ALTER TABLE event DROP CONSTRAINT event_type_check;
      ALTER TABLE event ADD CONSTRAINT event_type_check CHECK (type IN (${list(EVENT_TYPES)}));
      ALTER TABLE webhook_endpoint DROP CONSTRAINT webhook_endpoint_event_types_check;
      ALTER TABLE webhook_endpoint ADD CONSTRAINT webhook_endpoint_event_types_check
        CHECK (cardinality(event_types) >= 1 AND event_types <@ ARRAY[${list(EVENT_TYPES)}]::text[]);

      -- ACME-2: a usage FQDN, registered by the managing reseller for one subscriber.
      CREATE TABLE acme_usage_fqdn (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        reseller_id uuid NOT NULL REFERENCES reseller(id),
        subscriber_id uuid NOT NULL REFERENCES subscriber(id),
        name text NOT NULL CHECK (name ~ '^(\\*\\.)?[a-z0-9.-]+$' AND length(name) <= 255),
        registered_at timestamptz NOT NULL,
        first_used_at timestamptz,
        ended_at timestamptz,
        end_reason text CHECK (end_reason IN ('ENDED_BY_RESELLER','PERIOD_OVER')),
        idempotency_key text CHECK (length(idempotency_key) BETWEEN 1 AND 200),
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((ended_at IS NULL) = (end_reason IS NULL)),
        UNIQUE (reseller_id, idempotency_key, name)
      );
      -- One live registration per name: the same name cannot be used by two subscribers at once.
      CREATE UNIQUE INDEX acme_usage_fqdn_live ON acme_usage_fqdn (name) WHERE ended_at IS NULL;
      CREATE INDEX acme_usage_fqdn_subscriber ON acme_usage_fqdn (subscriber_id, created_at, id);
      CREATE INDEX acme_usage_fqdn_reseller ON acme_usage_fqdn (reseller_id, created_at, id);

      -- ACME-2: each usage period, with the charge it caused (REV-6: never refunded).
      CREATE TABLE acme_usage_period (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        usage_fqdn_id uuid NOT NULL REFERENCES acme_usage_fqdn(id),
        kind text NOT NULL CHECK (kind IN ('REGISTRATION','CONTINUATION')),
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        charge_id uuid REFERENCES charge(id),
        created_at timestamptz NOT NULL,
        CHECK (ends_at > starts_at),
        UNIQUE (usage_fqdn_id, starts_at)
      );

      -- ACME-3: External Account Binding credentials (the HMAC key is derived, never stored).
      CREATE TABLE acme_eab_credential (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        reseller_id uuid NOT NULL REFERENCES reseller(id),
        subscriber_id uuid NOT NULL REFERENCES subscriber(id),
        key_id text NOT NULL UNIQUE CHECK (key_id ~ '^[A-Za-z0-9_-]{16,64}$'),
        label text NOT NULL DEFAULT '' CHECK (length(label) <= 200),
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        used_at timestamptz,
        account_id uuid,
        idempotency_key text CHECK (length(idempotency_key) BETWEEN 1 AND 200),
        CHECK (expires_at > created_at),
        CHECK ((used_at IS NULL) = (account_id IS NULL)),
        UNIQUE (reseller_id, idempotency_key)
      );
      CREATE INDEX acme_eab_credential_subscriber ON acme_eab_credential (subscriber_id, created_at, id);
      CREATE INDEX acme_eab_credential_reseller ON acme_eab_credential (reseller_id, created_at, id);

      -- ACME-3: an ACME account belongs to one subscriber; deactivated accounts stay on record.
      CREATE TABLE acme_account (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        reseller_id uuid NOT NULL REFERENCES reseller(id),
        subscriber_id uuid NOT NULL REFERENCES subscriber(id),
        eab_credential_id uuid NOT NULL UNIQUE REFERENCES acme_eab_credential(id),
        jwk jsonb NOT NULL,
        jwk_thumbprint text NOT NULL UNIQUE,
        contact text[] NOT NULL DEFAULT '{}',
        status text NOT NULL CHECK (status IN ('valid','deactivated','revoked')),
        terms_agreed_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL,
        deactivated_at timestamptz,
        CHECK ((status = 'deactivated') = (deactivated_at IS NOT NULL))
      );
      ALTER TABLE acme_eab_credential ADD FOREIGN KEY (account_id) REFERENCES acme_account(id);
      CREATE INDEX acme_account_subscriber ON acme_account (subscriber_id, created_at, id);
      CREATE INDEX acme_account_reseller ON acme_account (reseller_id, created_at, id);

      CREATE TABLE acme_order (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id uuid NOT NULL REFERENCES acme_account(id),
        reseller_id uuid NOT NULL REFERENCES reseller(id),
        subscriber_id uuid NOT NULL REFERENCES subscriber(id),
        names text[] NOT NULL CHECK (cardinality(names) BETWEEN 1 AND 100),
        status text NOT NULL CHECK (status IN ('pending','ready','processing','valid','invalid')),
        expires_at timestamptz NOT NULL,
        error jsonb,
        certificate_id uuid REFERENCES certificate(id),
        replaces_certificate_id uuid REFERENCES certificate(id),
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CHECK ((status = 'valid') = (certificate_id IS NOT NULL))
      );
      CREATE INDEX acme_order_account ON acme_order (account_id, created_at, id);
      CREATE INDEX acme_order_certificate ON acme_order (certificate_id) WHERE certificate_id IS NOT NULL;
      -- RFC 9773 §5: a certificate is replaced by one order at a time.
      CREATE UNIQUE INDEX acme_order_replaces ON acme_order (replaces_certificate_id) WHERE replaces_certificate_id IS NOT NULL AND status <> 'invalid';

      CREATE TABLE acme_authorization (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        order_id uuid NOT NULL REFERENCES acme_order(id),
        account_id uuid NOT NULL REFERENCES acme_account(id),
        subscriber_id uuid NOT NULL REFERENCES subscriber(id),
        name text NOT NULL,
        wildcard boolean NOT NULL,
        status text NOT NULL CHECK (status IN ('pending','valid','invalid','deactivated','expired','revoked')),
        expires_at timestamptz NOT NULL,
        http_token text,
        dns_token text NOT NULL,
        challenge_type text CHECK (challenge_type IN ('http-01','dns-01')),
        challenge_status text NOT NULL DEFAULT 'pending' CHECK (challenge_status IN ('pending','processing','valid','invalid')),
        validated_at timestamptz,
        error jsonb,
        domain_validation_id uuid REFERENCES domain_validation(id),
        created_at timestamptz NOT NULL,
        CHECK (NOT wildcard OR http_token IS NULL)
      );
      CREATE INDEX acme_authorization_order ON acme_authorization (order_id);

      -- ACME-8: nonces are signed (no row until used); a used nonce is kept until it would have expired anyway.
      CREATE TABLE acme_used_nonce (
        nonce text PRIMARY KEY CHECK (length(nonce) <= 200),
        used_at timestamptz NOT NULL
      );
      CREATE INDEX acme_used_nonce_age ON acme_used_nonce (used_at);

      -- APP-11: CAA look-ups with their evidence; issuance needs a permitting one no older than 8 hours.
      CREATE TABLE caa_check (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        subscriber_id uuid NOT NULL REFERENCES subscriber(id),
        name text NOT NULL,
        account_id uuid REFERENCES acme_account(id),
        method text NOT NULL,
        status text NOT NULL CHECK (status IN ('PERMITTED','REFUSED','FAILED')),
        checked_at timestamptz NOT NULL,
        evidence jsonb NOT NULL,
        domain_validation_id uuid REFERENCES domain_validation(id),
        application_id uuid REFERENCES application(id),
        -- Insertion order: the newest of two look-ups made in the same instant wins.
        seq bigserial NOT NULL
      );
      CREATE INDEX caa_check_name ON caa_check (subscriber_id, name, checked_at DESC, seq DESC);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE IF EXISTS caa_check, acme_used_nonce, acme_authorization, acme_order;
      ALTER TABLE acme_eab_credential DROP CONSTRAINT IF EXISTS acme_eab_credential_account_id_fkey;
      DROP TABLE IF EXISTS acme_account, acme_eab_credential, acme_usage_period, acme_usage_fqdn;
      DELETE FROM domain_validation WHERE method LIKE 'ACME_%';
      ALTER TABLE domain_validation DROP CONSTRAINT domain_validation_method_check;
      ALTER TABLE domain_validation ADD CONSTRAINT domain_validation_method_check CHECK (method IN ('HTTP_FILE','DNS_TXT'));
      ALTER TABLE application DROP CONSTRAINT application_kind_check;
      ALTER TABLE application ADD CONSTRAINT application_kind_check CHECK (kind IN ('NEW','RENEWAL','REISSUE','REPLACEMENT','IMPORT'));
      ALTER TABLE webhook_endpoint DROP CONSTRAINT webhook_endpoint_event_types_check;
      ALTER TABLE webhook_endpoint ADD CONSTRAINT webhook_endpoint_event_types_check
        CHECK (cardinality(event_types) >= 1 AND event_types <@ ARRAY[${list(OLD_EVENT_TYPES)}]::text[]);
      ALTER TABLE event DROP CONSTRAINT event_type_check;
      ALTER TABLE event ADD CONSTRAINT event_type_check CHECK (type IN (${list(OLD_EVENT_TYPES)}));
      ALTER TABLE charge DROP CONSTRAINT charge_kind_check;
      ALTER TABLE charge ADD CONSTRAINT charge_kind_check CHECK (kind IN ('DESIGNATION','ISSUANCE','RENEWAL','MONTHLY','CHANGE'));
    `);
  }
}
