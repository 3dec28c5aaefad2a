#!/bin/sh
# One-shot schema job (temporalio/admin-tools): creates the Temporal and visibility databases on
# PostgreSQL on the first start, and applies newer schema versions on every later start, which
# is how a Temporal upgrade migrates. The server starts only after this job succeeds.
# `make cluster` (cluster/) runs this same script on the host, with SQL_TOOL and SCHEMA_DIR naming
# what scripts/setup-tools.sh built.
set -eu
: "${POSTGRES_SEEDS:?POSTGRES_SEEDS is required}"
: "${POSTGRES_USER:?POSTGRES_USER is required}"
: "${SQL_PASSWORD:?SQL_PASSWORD is required}"
PORT="${DB_PORT:-5432}"
SCHEMA="${SCHEMA_DIR:-/etc/temporal/schema/postgresql/v12}"
SQL_TOOL="${SQL_TOOL:-temporal-sql-tool}"

if command -v nc >/dev/null 2>&1; then
  echo "waiting for PostgreSQL at ${POSTGRES_SEEDS}:${PORT}"
  until nc -z -w 2 "${POSTGRES_SEEDS}" "${PORT}"; do sleep 1; done
fi

tool() {
  "${SQL_TOOL}" --plugin postgres12 --ep "${POSTGRES_SEEDS}" -p "${PORT}" -u "${POSTGRES_USER}" --db "$@"
}

for pair in "temporal:temporal" "temporal_visibility:visibility"; do
  db="${pair%%:*}"
  dir="${SCHEMA}/${pair##*:}/versioned"
  # update-schema succeeds only on a database that already has a schema: that is the "already
  # set up" test. On a fresh server it fails, and the database is created from scratch.
  if tool "${db}" update-schema -d "${dir}"; then
    echo "${db}: schema up to date"
  else
    echo "${db}: no schema yet, creating it"
    tool "${db}" create
    tool "${db}" setup-schema -v 0.0
    tool "${db}" update-schema -d "${dir}"
  fi
done
# The application's own database (the SMTP sent-log the workers share); its tables are created on use.
if [ -n "${APP_DATABASE:-}" ]; then
  tool "${APP_DATABASE}" create 2>/dev/null && echo "${APP_DATABASE}: created" || echo "${APP_DATABASE}: present"
fi
echo "PostgreSQL schema setup complete"
