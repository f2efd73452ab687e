-- Router coordination (router.shared.*): tenants' token buckets shared by every router replica, leased in slices.
-- Migrations run as the database's owner (router.shared.migration-username); the router runs as ${service_user}.

-- A tenant's tokens no replica holds (SharedBucket): negative while in debt, refilled on the store's clock.
CREATE TABLE quota_bucket (
    tenant      text PRIMARY KEY,
    tokens      double precision NOT NULL,
    refilled_at timestamptz NOT NULL
);

-- One replica's slice of a tenant's bucket. A lease not renewed by expires_at is returned to the bucket, tokens and
-- all, by the next lease of the tenant: a replica that died gives its slice back.
CREATE TABLE quota_lease (
    tenant     text NOT NULL REFERENCES quota_bucket,
    replica    text NOT NULL,
    tokens     bigint NOT NULL CHECK (tokens >= 0),
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (tenant, replica)
);

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${service_user}') THEN
        -- Created without a password (enough for the local stack's trust authentication); Kubernetes creates the
        -- role with its password before this runs (k8s/base/postgres-init.sh).
        CREATE ROLE "${service_user}" LOGIN;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO "${service_user}";
GRANT SELECT, INSERT, UPDATE ON quota_bucket TO "${service_user}";
GRANT SELECT, INSERT, DELETE ON quota_lease TO "${service_user}";
