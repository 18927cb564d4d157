#!/bin/sh
# One-shot, idempotent: Temporal's own role and its two databases, owned by that role, so
# Temporal never runs as the application's superuser. Runs in the postgres image (psql) as the
# superuser given by PGHOST / PGPORT / PGUSER / PGPASSWORD.
set -eu

role=${TEMPORAL_DB_USER:-temporal}
password=${TEMPORAL_DB_PASSWORD:?set TEMPORAL_DB_PASSWORD}
databases=${TEMPORAL_DB_NAMES:-"temporal temporal_visibility"}
wait_s=${SETUP_WAIT_S:-180}

# pg_isready against the host (never the socket): during the image's init phase the socket
# answers before the server accepts TCP connections.
. "$(dirname "$0")/retry.sh"
retry pg_isready -q -h "${PGHOST:-127.0.0.1}" -p "${PGPORT:-5432}"

# psql quotes the variables (:'name' as a literal, format %I as an identifier); \gexec runs
# the statements the SELECTs build, so each runs only when needed.
psql -v ON_ERROR_STOP=1 -q -d "${PGDATABASE:-postgres}" \
  -v role="$role" -v password="$password" -v databases="$databases" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'role')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('ALTER ROLE %I WITH LOGIN NOSUPERUSER NOCREATEROLE CREATEDB PASSWORD %L',
              :'role', :'password') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', name, :'role')
FROM regexp_split_to_table(trim(:'databases'), '\s+') AS name
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = name) \gexec
SELECT format('ALTER DATABASE %I OWNER TO %I', name, :'role')
FROM regexp_split_to_table(trim(:'databases'), '\s+') AS name \gexec
SQL
echo "temporal-db-roles: role $role owns: $databases"
