-- Router replicas (router.shared.*): who is live, for the split of the tiers' capacities, and the speed each model
-- was last measured at, so a new replica does not start from the configured guess.

-- A replica's last heartbeat; live while younger than router.shared.replica-ttl. A replica that stops deletes its row.
CREATE TABLE router_replica (
    replica text PRIMARY KEY,
    seen_at timestamptz NOT NULL
);

-- One row per model: the smoothed speed the replica named last published (last writer wins: the freshest).
CREATE TABLE model_speed (
    model                    text PRIMARY KEY,
    millis_per_token         double precision NOT NULL CHECK (millis_per_token >= 0),
    solution_overhead_millis double precision NOT NULL CHECK (solution_overhead_millis >= 0),
    replica                  text NOT NULL,
    published_at             timestamptz NOT NULL
);

GRANT SELECT, INSERT, UPDATE, DELETE ON router_replica TO "${service_user}";
GRANT SELECT, INSERT, UPDATE ON model_speed TO "${service_user}";
