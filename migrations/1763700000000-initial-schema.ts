import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The data model every rule in spec/RULES.md stands on. Constraints live here, in the database,
 * so that no code path (or a hand-run SQL statement) can store something the rules forbid.
 */
export class InitialSchema1763700000000 implements MigrationInterface {
  name = "InitialSchema1763700000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- VAL-1: products are catalogue data, not code.
      CREATE TABLE product (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9_]+$'),
        name_ja text NOT NULL,
        name_en text NOT NULL,
        validation_level text CHECK (validation_level IN ('DV','OV','EV')),
        issuance_mode text NOT NULL CHECK (issuance_mode IN ('BUILT_IN_CA','BRING_YOUR_OWN')),
        wildcard_allowed boolean NOT NULL DEFAULT false,
        auto_renew boolean NOT NULL DEFAULT false,
        term_months integer[] NOT NULL CHECK (cardinality(term_months) > 0 AND 0 < ALL(term_months)),
        unlimited_term boolean NOT NULL DEFAULT false,
        max_names integer NOT NULL DEFAULT 1 CHECK (max_names BETWEEN 1 AND 100),
        -- APP-5: eligibility limits
        organizations_only boolean NOT NULL DEFAULT false,
        japan_base_required boolean NOT NULL DEFAULT false,
        discontinued_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((issuance_mode = 'BUILT_IN_CA') = (validation_level IS NOT NULL)),
        CHECK (NOT (auto_renew AND issuance_mode = 'BRING_YOUR_OWN'))
      );

      -- VAL-1, CON-8: price per product and term, effective-dated, integer yen.
      CREATE TABLE product_price (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        product_id uuid NOT NULL REFERENCES product(id),
        term_months integer CHECK (term_months IS NULL OR term_months > 0), -- NULL: the unlimited term
        kind text NOT NULL CHECK (kind IN ('TERM','MONTHLY','INITIAL')),
        price_yen integer NOT NULL CHECK (price_yen >= 0),
        effective_from timestamptz NOT NULL,
        UNIQUE NULLS NOT DISTINCT (product_id, term_months, kind, effective_from)
      );

      -- CON-8: consumption tax, effective-dated.
      CREATE TABLE tax_rate (
        effective_from timestamptz PRIMARY KEY,
        rate_percent integer NOT NULL CHECK (rate_percent BETWEEN 0 AND 100)
      );

      -- NOT-5: versions of the terms; each consent records the version it agreed to.
      CREATE TABLE terms_version (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        version text NOT NULL UNIQUE,
        effective_from timestamptz NOT NULL,
        published_at timestamptz NOT NULL,
        url text NOT NULL
      );

      -- RES-1: designated resellers with their registered data and status.
      CREATE TABLE reseller (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        representative_name text NOT NULL,
        contact_email text NOT NULL CHECK (contact_email ~ '^[^@\\s]+@[^@\\s]+$'),
        contact_phone text,
        address text,
        status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE','SUSPENDED','TERMINATED')),
        designated_at timestamptz NOT NULL,
        designation_fee_waived boolean NOT NULL DEFAULT false,
        acme_enabled boolean NOT NULL DEFAULT false, -- RES-12
        terminated_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((status = 'TERMINATED') = (terminated_at IS NOT NULL))
      );

      -- RES-8: cure notices (grounds as in the rule) and suspensions.
      CREATE TABLE reseller_cure_notice (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        reseller_id uuid NOT NULL REFERENCES reseller(id),
        ground text NOT NULL CHECK (ground IN ('MATERIAL_BREACH','CREDIT_DETERIORATION','NO_RESPONSE')),
        detail text NOT NULL,
        issued_at timestamptz NOT NULL,
        deadline timestamptz NOT NULL,
        cured_at timestamptz,
        CHECK (deadline >= issued_at + interval '30 days')
      );
      CREATE TABLE reseller_suspension (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        reseller_id uuid NOT NULL REFERENCES reseller(id),
        cure_notice_id uuid REFERENCES reseller_cure_notice(id),
        immediate boolean NOT NULL DEFAULT false, -- RES-9
        reason text NOT NULL,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz, -- NULL: until cured
        lifted_at timestamptz,
        CHECK (ends_at IS NULL OR ends_at > starts_at),
        CHECK (immediate OR cure_notice_id IS NOT NULL)
      );

      -- RES-2: credentials. Only a hash of the secret is stored; the key is shown once.
      CREATE TABLE api_key (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        public_id text NOT NULL UNIQUE CHECK (public_id ~ '^[a-z0-9]{12}$'),
        secret_hash bytea NOT NULL CHECK (length(secret_hash) = 32),
        owner_kind text NOT NULL CHECK (owner_kind IN ('OPERATOR','RESELLER')),
        reseller_id uuid REFERENCES reseller(id),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        last_used_at timestamptz,
        revoked_at timestamptz,
        CHECK ((owner_kind = 'RESELLER') = (reseller_id IS NOT NULL))
      );
      CREATE INDEX api_key_reseller ON api_key (reseller_id);

      -- Subscribers act only through their managing reseller (J 6.1-6.4).
      CREATE TABLE subscriber (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        reseller_id uuid NOT NULL REFERENCES reseller(id),
        kind text NOT NULL CHECK (kind IN ('ORGANIZATION','INDIVIDUAL')),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        name_en text,
        country char(2) NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
        state_or_province text,
        locality text,
        address text,
        representative_name text,
        preferred_language text NOT NULL DEFAULT 'ja' CHECK (preferred_language IN ('ja','en')),
        verified_at timestamptz, -- OV/EV organisation data verified by the operator
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX subscriber_reseller ON subscriber (reseller_id, created_at, id);

      CREATE TABLE subscriber_contact (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        subscriber_id uuid NOT NULL REFERENCES subscriber(id) ON DELETE CASCADE,
        role text NOT NULL CHECK (role IN ('ADMINISTRATIVE','TECHNICAL','BILLING','NOTICE')),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        email text NOT NULL CHECK (email ~ '^[^@\\s]+@[^@\\s]+$'),
        phone text,
        position integer NOT NULL DEFAULT 0
      );
      CREATE INDEX subscriber_contact_subscriber ON subscriber_contact (subscriber_id, position);

      -- The built-in CA: root and issuing CAs. Private keys are encrypted PKCS#8 (passphrase from configuration).
      CREATE TABLE certificate_authority (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL CHECK (kind IN ('ROOT','ISSUING')),
        parent_id uuid REFERENCES certificate_authority(id),
        name text NOT NULL,
        key_algorithm text NOT NULL,
        cert_der bytea NOT NULL,
        encrypted_key_pem text NOT NULL,
        serial_hex text NOT NULL UNIQUE,
        not_before timestamptz NOT NULL,
        not_after timestamptz NOT NULL,
        active boolean NOT NULL DEFAULT true,
        last_crl_number bigint NOT NULL DEFAULT 0 CHECK (last_crl_number >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((kind = 'ROOT') = (parent_id IS NULL))
      );

      -- APP-1..APP-10: applications (new, renewal, reissue) and their review.
      CREATE TABLE application (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        reseller_id uuid NOT NULL REFERENCES reseller(id),
        subscriber_id uuid NOT NULL REFERENCES subscriber(id),
        product_id uuid NOT NULL REFERENCES product(id),
        kind text NOT NULL CHECK (kind IN ('NEW','RENEWAL','REISSUE','IMPORT')),
        contract_id uuid, -- the existing contract for RENEWAL and REISSUE (FK added below)
        term_months integer CHECK (term_months IS NULL OR term_months > 0), -- NULL: unlimited (bring-your-own)
        names text[] NOT NULL CHECK (cardinality(names) BETWEEN 1 AND 100),
        csr_der bytea,
        carry_over_certificate_der bytea,
        carry_over_months integer NOT NULL DEFAULT 0 CHECK (carry_over_months BETWEEN 0 AND 12),
        status text NOT NULL CHECK (status IN ('SUBMITTED','UNDER_REVIEW','AWAITING_DOCUMENTS','APPROVED','ISSUED','REJECTED','WITHDRAWN')),
        terms_version_id uuid NOT NULL REFERENCES terms_version(id),
        idempotency_key text CHECK (length(idempotency_key) BETWEEN 1 AND 200),
        documents_request text,
        documents_due_at timestamptz,
        refusal_code text,
        rejection_reason text,
        reviewer_key_id uuid REFERENCES api_key(id),
        submitted_at timestamptz NOT NULL,
        decided_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (reseller_id, idempotency_key),
        CHECK ((kind IN ('RENEWAL','REISSUE')) = (contract_id IS NOT NULL) OR kind = 'IMPORT'),
        CHECK (status <> 'REJECTED' OR rejection_reason IS NOT NULL)
      );
      CREATE INDEX application_reseller ON application (reseller_id, created_at, id);
      CREATE INDEX application_status ON application (status, submitted_at);

      -- APP-1, RES-4: consents, kept 7 years after the reseller's contract ends (REC-2).
      CREATE TABLE consent (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        application_id uuid NOT NULL REFERENCES application(id),
        reseller_id uuid NOT NULL REFERENCES reseller(id),
        subscriber_id uuid NOT NULL REFERENCES subscriber(id),
        kind text NOT NULL CHECK (kind IN ('TERMS','REGISTRANT_DATA_USE','DATA_SUBJECTS')),
        terms_version_id uuid NOT NULL REFERENCES terms_version(id),
        given_by text NOT NULL,
        given_at timestamptz NOT NULL,
        UNIQUE (application_id, kind)
      );

      -- APP-2, APP-3: documents; on rejection the content is destroyed, the record stays.
      CREATE TABLE application_document (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        application_id uuid NOT NULL REFERENCES application(id),
        filename text NOT NULL,
        media_type text NOT NULL,
        size_bytes integer NOT NULL CHECK (size_bytes >= 0),
        sha256 text NOT NULL,
        content bytea,
        uploaded_at timestamptz NOT NULL,
        destroyed_at timestamptz,
        CHECK ((content IS NULL) = (destroyed_at IS NOT NULL))
      );

      -- APP-9: domain control validation with its evidence.
      CREATE TABLE domain_validation (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        subscriber_id uuid NOT NULL REFERENCES subscriber(id),
        application_id uuid REFERENCES application(id),
        name text NOT NULL,
        method text NOT NULL CHECK (method IN ('HTTP_FILE','DNS_TXT')),
        token text NOT NULL,
        status text NOT NULL CHECK (status IN ('PENDING','VALID','FAILED')),
        evidence jsonb,
        checked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX domain_validation_name ON domain_validation (subscriber_id, name, status, checked_at);

      -- CON-1..CON-9: a contract runs from acceptance until revocation or the end of its term.
      CREATE TABLE contract (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        subscriber_id uuid NOT NULL REFERENCES subscriber(id),
        reseller_id uuid REFERENCES reseller(id), -- managing reseller (J 6.4); NULL once taken over by the operator (RES-11)
        product_id uuid NOT NULL REFERENCES product(id),
        application_id uuid NOT NULL REFERENCES application(id),
        renewed_from_id uuid REFERENCES contract(id),
        term_months integer CHECK (term_months IS NULL OR term_months > 0),
        carry_over_months integer NOT NULL DEFAULT 0 CHECK (carry_over_months BETWEEN 0 AND 12),
        starts_at timestamptz NOT NULL,
        ends_at timestamptz, -- NULL: unlimited (bring-your-own)
        service_period_ends_at timestamptz, -- VAL-6 auto-renew type
        auto_renew_stop_noticed_at timestamptz,
        do_not_renew boolean NOT NULL DEFAULT false, -- CON-4
        cancellation_noticed_at timestamptz, -- CON-2
        cancellation_effective_at timestamptz,
        status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE','ENDED')),
        ended_at timestamptz,
        end_reason text CHECK (end_reason IN ('TERM_END','REVOKED','CANCELLED','NOT_RENEWED','DISCONTINUED','RENEWED')),
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (ends_at IS NULL OR ends_at > starts_at),
        CHECK ((status = 'ENDED') = (ended_at IS NOT NULL AND end_reason IS NOT NULL))
      );
      CREATE INDEX contract_reseller ON contract (reseller_id, ends_at);
      CREATE INDEX contract_subscriber ON contract (subscriber_id);
      ALTER TABLE application ADD FOREIGN KEY (contract_id) REFERENCES contract(id);

      CREATE TABLE certificate (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        contract_id uuid NOT NULL REFERENCES contract(id),
        application_id uuid REFERENCES application(id),
        source text NOT NULL CHECK (source IN ('ISSUED','IMPORTED')),
        issuing_ca_id uuid REFERENCES certificate_authority(id),
        serial_hex text NOT NULL CHECK (serial_hex ~ '^[0-9a-f]+$'),
        sha256_fingerprint text NOT NULL UNIQUE CHECK (sha256_fingerprint ~ '^[0-9a-f]{64}$'),
        der bytea NOT NULL,
        common_name text,
        names text[] NOT NULL,
        subject_dn text NOT NULL,
        issuer_dn text NOT NULL,
        not_before timestamptz NOT NULL,
        not_after timestamptz NOT NULL,
        key_algorithm text,
        superseded_by_id uuid REFERENCES certificate(id),
        revoked_at timestamptz,
        revocation_reason text CHECK (revocation_reason IN ('unspecified','keyCompromise','affiliationChanged','superseded','cessationOfOperation','privilegeWithdrawn')),
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (not_after > not_before),
        CHECK ((source = 'ISSUED') = (issuing_ca_id IS NOT NULL)),
        CHECK ((revoked_at IS NULL) = (revocation_reason IS NULL))
      );
      -- Serials are unique per issuing CA; our CA draws 128 random bits, so also unique overall.
      CREATE UNIQUE INDEX certificate_issued_serial ON certificate (issuing_ca_id, serial_hex) WHERE source = 'ISSUED';
      CREATE INDEX certificate_serial ON certificate (serial_hex);
      CREATE INDEX certificate_contract ON certificate (contract_id);
      CREATE INDEX certificate_not_after ON certificate (not_after);

      -- REV-1..REV-10: revocation requests, scheduled or immediate; final once executed (REV-7).
      CREATE TABLE problem_report (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        certificate_id uuid REFERENCES certificate(id),
        serial_hex text,
        reporter_email text,
        description text NOT NULL,
        proof_der bytea,
        proof_verified boolean NOT NULL DEFAULT false,
        client_address text,
        received_at timestamptz NOT NULL,
        first_answer_due_at timestamptz NOT NULL,
        status text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN','ANSWERED','REVOKED','DISMISSED')),
        answer text,
        answered_at timestamptz
      );
      CREATE TABLE mass_revocation (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        issuing_ca_id uuid REFERENCES certificate_authority(id),
        serials text[],
        reason text NOT NULL,
        status text NOT NULL CHECK (status IN ('RUNNING','COMPLETED')),
        total integer NOT NULL DEFAULT 0 CHECK (total >= 0),
        done integer NOT NULL DEFAULT 0 CHECK (done >= 0 AND done <= total),
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        CHECK ((issuing_ca_id IS NULL) <> (serials IS NULL))
      );
      CREATE TABLE revocation (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        certificate_id uuid NOT NULL REFERENCES certificate(id),
        requested_by text NOT NULL CHECK (requested_by IN ('SUBSCRIBER','RESELLER','OPERATOR','SYSTEM')),
        requester_key_id uuid REFERENCES api_key(id),
        reason text NOT NULL CHECK (reason IN ('unspecified','keyCompromise','affiliationChanged','superseded','cessationOfOperation','privilegeWithdrawn')),
        operator_ground text,
        comment text,
        status text NOT NULL CHECK (status IN ('SCHEDULED','EXECUTED','WITHDRAWN')),
        requested_at timestamptz NOT NULL,
        scheduled_for timestamptz,
        deadline_at timestamptz NOT NULL, -- REV-10
        executed_at timestamptz,
        withdrawn_at timestamptz,
        problem_report_id uuid REFERENCES problem_report(id),
        mass_revocation_id uuid REFERENCES mass_revocation(id),
        CHECK ((status = 'EXECUTED') = (executed_at IS NOT NULL)),
        CHECK ((status = 'WITHDRAWN') = (withdrawn_at IS NOT NULL))
      );
      -- REV-7: at most one executed and one pending scheduled revocation per certificate.
      CREATE UNIQUE INDEX revocation_executed_once ON revocation (certificate_id) WHERE status = 'EXECUTED';
      CREATE UNIQUE INDEX revocation_scheduled_once ON revocation (certificate_id) WHERE status = 'SCHEDULED';
      CREATE INDEX revocation_due ON revocation (scheduled_for) WHERE status = 'SCHEDULED';

      CREATE TABLE crl (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        issuing_ca_id uuid NOT NULL REFERENCES certificate_authority(id),
        crl_number bigint NOT NULL CHECK (crl_number > 0),
        this_update timestamptz NOT NULL,
        next_update timestamptz NOT NULL,
        der bytea NOT NULL,
        UNIQUE (issuing_ca_id, crl_number),
        CHECK (next_update > this_update AND next_update <= this_update + interval '10 days')
      );

      -- SEAL-1..SEAL-5: a seal belongs to a contract (and so to one subscriber, SEAL-3).
      CREATE TABLE seal (
        id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{22,}$'),
        contract_id uuid NOT NULL UNIQUE REFERENCES contract(id),
        subscriber_id uuid NOT NULL REFERENCES subscriber(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        removed_at timestamptz
      );

      -- NOT-1..NOT-5: notices to resellers and subscribers; NOT-2 delivered when sent.
      CREATE TABLE notice (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL,
        recipient text NOT NULL CHECK (recipient IN ('RESELLER','SUBSCRIBER')),
        reseller_id uuid REFERENCES reseller(id),
        subscriber_id uuid REFERENCES subscriber(id),
        contract_id uuid REFERENCES contract(id),
        language text NOT NULL DEFAULT 'ja' CHECK (language IN ('ja','en')),
        subject text NOT NULL,
        body text NOT NULL,
        channel text NOT NULL CHECK (channel IN ('EMAIL','WEB')),
        direct boolean NOT NULL DEFAULT false, -- RES-10: sent by the operator directly to a subscriber
        email_to text,
        due_at timestamptz,
        sent_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE NULLS DISTINCT (kind, contract_id, due_at),
        CHECK (recipient <> 'RESELLER' OR reseller_id IS NOT NULL),
        CHECK (recipient <> 'SUBSCRIBER' OR subscriber_id IS NOT NULL)
      );
      CREATE TABLE announcement (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL CHECK (kind IN ('MAINTENANCE','SERVICE_END','TERMS_CHANGE')),
        title text NOT NULL,
        body text NOT NULL,
        starts_at timestamptz,
        ends_at timestamptz,
        published_at timestamptz NOT NULL,
        CHECK (ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at)
      );

      -- CON-7, CON-8, RES-6: fees owed by resellers, with tax at the rate in force on the charge date.
      CREATE TABLE charge (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        reseller_id uuid NOT NULL REFERENCES reseller(id),
        contract_id uuid REFERENCES contract(id),
        kind text NOT NULL CHECK (kind IN ('DESIGNATION','ISSUANCE','RENEWAL','MONTHLY','CHANGE')),
        description text NOT NULL,
        amount_yen integer NOT NULL CHECK (amount_yen >= 0),
        tax_rate_percent integer NOT NULL CHECK (tax_rate_percent BETWEEN 0 AND 100),
        tax_yen integer NOT NULL CHECK (tax_yen >= 0),
        charged_at timestamptz NOT NULL,
        due_at timestamptz NOT NULL,
        period_start timestamptz,
        period_end timestamptz,
        UNIQUE NULLS DISTINCT (contract_id, kind, period_start)
      );

      -- Background jobs shared by every replica: claimed with FOR UPDATE SKIP LOCKED.
      CREATE TABLE job (
        id bigserial PRIMARY KEY,
        kind text NOT NULL,
        unique_key text UNIQUE,
        payload jsonb NOT NULL DEFAULT '{}',
        run_at timestamptz NOT NULL,
        status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING','RUNNING','DONE','FAILED')),
        attempts integer NOT NULL DEFAULT 0,
        locked_until timestamptz,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      );
      CREATE INDEX job_due ON job (run_at) WHERE status IN ('PENDING','RUNNING');

      -- REC-1: append-only audit log.
      CREATE TABLE audit_event (
        id bigserial PRIMARY KEY,
        occurred_at timestamptz NOT NULL,
        actor_kind text NOT NULL CHECK (actor_kind IN ('OPERATOR','RESELLER','PUBLIC','SYSTEM')),
        actor_key_id uuid REFERENCES api_key(id),
        actor_label text,
        reseller_id uuid REFERENCES reseller(id), -- whose records these are (REC-2 retention)
        action text NOT NULL,
        entity_type text NOT NULL,
        entity_id text NOT NULL,
        reason text,
        before jsonb,
        after jsonb,
        request_id text
      );
      CREATE INDEX audit_event_entity ON audit_event (entity_type, entity_id, id);
      CREATE INDEX audit_event_reseller ON audit_event (reseller_id, id);

      -- REC-1: history cannot be rewritten by any code path.
      CREATE FUNCTION audit_event_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_event is append-only: % refused (REC-1)', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$;
      CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_update();
      CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_update();

      -- REC-2, RES-4: audit entries and consents of a reseller stay at least 7 years after its contract
      -- ends (and audit entries at least 7 years after they were written).
      CREATE FUNCTION retention_refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        ended timestamptz;
      BEGIN
        IF OLD.reseller_id IS NOT NULL THEN
          SELECT terminated_at INTO ended FROM reseller WHERE id = OLD.reseller_id;
          IF ended IS NULL OR ended > now() - interval '7 years' THEN
            RAISE EXCEPTION '% rows are kept 7 years after the reseller''s contract ends (REC-2)', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
          END IF;
        END IF;
        IF TG_TABLE_NAME = 'audit_event' AND OLD.occurred_at > now() - interval '7 years' THEN
          RAISE EXCEPTION 'audit_event rows are kept 7 years (REC-2)' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN OLD;
      END $$;
      CREATE TRIGGER audit_event_retention BEFORE DELETE ON audit_event FOR EACH ROW EXECUTE FUNCTION retention_refuse_delete();
      CREATE TRIGGER consent_retention BEFORE DELETE ON consent FOR EACH ROW EXECUTE FUNCTION retention_refuse_delete();
      CREATE TRIGGER consent_no_truncate BEFORE TRUNCATE ON consent FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_update();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE IF EXISTS audit_event, job, charge, announcement, notice, seal, crl, revocation, mass_revocation,
        problem_report, certificate, contract, domain_validation, application_document, consent, application,
        certificate_authority, subscriber_contact, subscriber, api_key, reseller_suspension, reseller_cure_notice,
        reseller, terms_version, tax_rate, product_price, product CASCADE;
      DROP FUNCTION IF EXISTS audit_event_refuse_update(), retention_refuse_delete();
    `);
  }
}
