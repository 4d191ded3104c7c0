#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# Counts the CPU instructions PostgreSQL spends in one call of the delivery queue's write
# function, under valgrind's callgrind: a count that does not move with the machine's load, so
# two builds can be compared on a busy machine (docs/benchmarks.md, "Cost of the limits").
#
#   bench/scripts/queue-write-cost.sh JAR [JAR...]
#
# Each JAR (a runnable nexuslink.jar) migrates a schema of its own in a private PostgreSQL
# cluster started under callgrind. One call writes BATCH new entries (300-byte ciphertext, to
# BATCH of 40 devices) and acknowledges the BATCH entries of the call before, in a transaction
# of its own, as a batch of the server's group commit does. For each batch size (BATCHES,
# default "1 4 32") it prints, per JAR, the instructions of the bounded function the JAR's
# migrations made, and once the unbounded function of migration 3 as the floor. A figure is the
# difference between a session of 300 calls and one of 100, divided by 200, so connection and
# warm-up cancel out; it includes about 0.5 to 1 million instructions for making the batch.
#
# Needs valgrind, PostgreSQL's server binaries (PGBIN, default /usr/lib/postgresql/15/bin), a
# JDK 21+ (JAVA, default: the one on the PATH), port 5499 free (PORT). Run as root, the cluster
# runs as the `postgres` user. Takes about a minute per JAR and batch size.
set -euo pipefail
[ $# -ge 1 ] || { sed -n 4,20p "$0"; exit 2; }
pgbin=${PGBIN:-/usr/lib/postgresql/15/bin}
port=${PORT:-5499}
java=${JAVA:-java}
batches=${BATCHES:-1 4 32}
dir=$(mktemp -d /tmp/nexuslink-queue-cost.XXXX)
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$1"; else bash -c "$1"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$dir"
as_pg "$pgbin/initdb -D $dir/data -A trust -U postgres > $dir/initdb.log 2>&1"
as_pg "cd $dir && nohup valgrind --tool=callgrind --callgrind-out-file=$dir/cg.%p $pgbin/postgres -D $dir/data \
  -p $port -k $dir -c autovacuum=off -c listen_addresses=127.0.0.1 > $dir/postgres.log 2>&1 &"
stop() {
  as_pg "$pgbin/pg_ctl -D $dir/data -m immediate -w stop" > /dev/null 2>&1 || true
  for _ in $(seq 1 20); do rm -rf "$dir" 2> /dev/null && break; sleep 1; done
}
trap stop EXIT
for _ in $(seq 1 120); do "$pgbin/pg_isready" -q -h 127.0.0.1 -p "$port" && break; sleep 1; done
sql() { psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres "$@"; }
sql -d postgres -c "CREATE DATABASE bench"

schemas=()
for jar in "$@"; do
  schema=s${#schemas[@]}
  schemas+=("$schema")
  sql -d bench -c "CREATE SCHEMA $schema"
  NEXUSLINK_DB_URL="postgres://postgres@127.0.0.1:$port/bench?schema=$schema" \
    "$java" -jar "$jar" server migrate --data-dir "$dir/$schema" > "$dir/$schema-migrate.log" 2>&1
  sql -d bench <<SQL
SET search_path = $schema;
INSERT INTO members (account_id, identity_key, role, joined_at)
SELECT 'nxl:device' || g, '\x00'::bytea, 'member', 0 FROM generate_series(1, 40) g;
INSERT INTO devices (account_id, device_id, device_key, certificate, device_type, registered_at, last_active_at)
SELECT 'nxl:device' || g, 1, '\x00'::bytea, '\x00'::bytea, 'cli', 0, 0 FROM generate_series(1, 40) g;
-- bounded: 1 for the JAR's bounded function, 0 for migration 3's unbounded one.
CREATE FUNCTION step(bounded int, batch int) RETURNS bigint LANGUAGE plpgsql SET search_path = $schema AS \$\$
DECLARE
  ids bigint[]; keys text[]; n bigint;
  m int[]; mids uuid[]; rs varchar[]; ds int[]; ss varchar[]; sds int[]; ts int[]; bl bytea[]; cr bigint[]; ex bigint[];
BEGIN
  SELECT coalesce(array_agg(id), '{}'), coalesce(array_agg(id || '/' || recipient_account || '/' || recipient_device), '{}')
    INTO ids, keys FROM message_queue;
  SELECT array_agg(g), array_agg(gen_random_uuid()), array_agg(('nxl:device' || (1 + g % 40))::varchar), array_agg(1),
         array_agg(('nxl:device' || (1 + (g + 1) % 40))::varchar), array_agg(1), array_agg(1),
         array_agg(decode(repeat('ab', 300), 'hex')), array_agg(0::bigint), array_agg(9999999999999::bigint)
    INTO m, mids, rs, ds, ss, sds, ts, bl, cr, ex FROM generate_series(0, batch - 1) g;
  IF bounded = 1 THEN
    SELECT count(*) INTO n FROM nexuslink_queue_write_bounded(ids, keys, m, mids, rs, ds, ss, sds, ts, bl, cr, ex,
        NULL, 10000, 268435456);
  ELSE
    SELECT count(*) INTO n FROM nexuslink_queue_write(ids, keys, mids, rs, ds, ss, sds, ts, bl, cr, ex, NULL);
  END IF;
  RETURN n;
END \$\$;
-- No SET clause here: a procedure that has one cannot commit.
CREATE PROCEDURE steps(bounded int, calls int, batch int) LANGUAGE plpgsql AS \$\$
BEGIN
  FOR i IN 1..calls LOOP
    PERFORM $schema.step(bounded, batch);
    COMMIT;
  END LOOP;
END \$\$;
SQL
done

# Instructions of one backend session that makes CALLS calls; the backend's profile is written
# when the session ends.
session() { # schema bounded calls batch
  local pid
  pid=$(sql -d bench -At <<SQL
TRUNCATE $1.message_queue; TRUNCATE $1.queue_usage;
CALL $1.steps($2, $3, $4);
SELECT pg_backend_pid();
SQL
)
  for _ in $(seq 1 200); do grep -q '^totals:' "$dir/cg.$pid" 2> /dev/null && break; sleep 0.5; done
  grep '^totals:' "$dir/cg.$pid" | awk '{print $2}'
  rm -f "$dir/cg.$pid"
}
per_call() { # schema bounded batch
  local a b
  a=$(session "$1" "$2" 100 "$3"); b=$(session "$1" "$2" 300 "$3")
  echo $(( (b - a) / 200 ))
}
for batch in $batches; do
  echo "batch $batch unbounded (migration 3) instructions_per_call $(per_call s0 0 "$batch")"
  for i in "${!schemas[@]}"; do
    echo "batch $batch bounded ${*:$((i + 1)):1} instructions_per_call $(per_call "${schemas[$i]}" 1 "$batch")"
  done
done
