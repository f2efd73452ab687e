#!/bin/sh
# Run by the postgres image once, when it initialises an empty volume (/docker-entrypoint-initdb.d): creates the
# role audit-service runs as, with its password. audit-service's migrations (run as the owner, POSTGRES_USER) grant
# it what it may do: insert and read audit events, never update or delete them. Likewise the routers' coordination
# database `router` (leased quotas) and the role the routers run as; their migrations grant it the quota tables.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  --set=service_role="$AUDIT_SERVICE_USER" --set=password="$AUDIT_SERVICE_PASSWORD" \
  --set=router_role="$ROUTER_SERVICE_USER" --set=router_password="$ROUTER_SERVICE_PASSWORD" <<'SQL'
CREATE ROLE :"service_role" LOGIN PASSWORD :'password';
CREATE ROLE :"router_role" LOGIN PASSWORD :'router_password';
CREATE DATABASE router;
SQL
