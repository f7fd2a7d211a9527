#!/bin/sh
# One role and one database per service; a role can connect to its own database only.
set -eu
for service in intake triage investigation notify reporting directory; do
  var="WBS_$(echo "$service" | tr a-z A-Z)_DB_PASSWORD"
  password=$(eval echo "\${$var}")
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres <<SQL
CREATE ROLE wbs_${service} LOGIN PASSWORD '${password}';
CREATE DATABASE wbs_${service} OWNER wbs_${service};
REVOKE CONNECT, TEMPORARY ON DATABASE wbs_${service} FROM PUBLIC;
SQL
done
