#!/bin/sh
# One-shot, idempotent: Temporal's two schemas brought to the admin-tools image's version, as
# Temporal's own role (temporal-db-roles.sh made it and its databases). Runs in Temporal's
# admin-tools image; temporal-sql-tool reads SQL_PLUGIN, SQL_HOST, SQL_PORT, SQL_USER and
# SQL_PASSWORD from the environment.
set -eu

: "${SQL_HOST:?set SQL_HOST}"
: "${SQL_USER:?set SQL_USER}"
: "${SQL_PASSWORD:?set SQL_PASSWORD}"
port=${SQL_PORT:-5432}
schemas=${TEMPORAL_SCHEMA_DIR:-/etc/temporal/schema/postgresql/v12}
wait_s=${SETUP_WAIT_S:-180}

. "$(dirname "$0")/retry.sh"
retry nc -z -w 5 "$SQL_HOST" "$port"

for pair in temporal=temporal temporal_visibility=visibility; do
  database=${pair%%=*}
  schema=${pair#*=}
  # setup-schema -v 0.0 only creates the version table when it is missing (as Temporal's
  # auto-setup runs it at every start); update-schema applies what the image has and the
  # database lacks.
  temporal-sql-tool --db "$database" setup-schema -v 0.0
  temporal-sql-tool --db "$database" update-schema -d "$schemas/$schema/versioned"
done
echo "temporal-schema: temporal and temporal_visibility are at the image's schema version"
