#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# Runs the delivery load check against one build of the runnable jar, on a fresh server:
# one unmeasured `bench direct` for the JIT, `direct --devices 20 --duration 15 --warmup 5`,
# then `offline --messages 10000` twice; prints one line of figures. Alternate two builds
# (A B A B ...) to compare them on a noisy machine (docs/benchmarks.md, "Cost of the limits").
#
#   bench/scripts/compare-builds.sh LABEL JAR sqlite|pg OUTDIR
#
# Needs a JDK 21+ (JAVA, default: the one on the PATH), port 18080 free, and for `pg` the
# PostgreSQL at 127.0.0.1:5432 (database test, user postgres); each run uses a new schema and
# drops it afterwards.
set -u
label=$1; jar=$2; store=$3; out=$4
java=${JAVA:-java}
mkdir -p "$out"
export NEXUSLINK_RATE_LIMIT_WS_MESSAGES_PER_SECOND=1000000 NEXUSLINK_RATE_LIMIT_REQUESTS_PER_SECOND=1000000 \
  NEXUSLINK_LIMITS_CONNECTIONS_PER_IP=1000000 NEXUSLINK_LIMITS_QUEUE_ENTRIES_PER_DEVICE=100000000 \
  NEXUSLINK_COMMUNITY_MAX_MEMBERS=100000
data=$(mktemp -d /tmp/nexuslink-compare.XXXX)
schema=compare_$(date +%s%N | tail -c 9)
if [ "$store" = pg ]; then
  export NEXUSLINK_DB_URL="postgres://postgres@127.0.0.1:5432/test?schema=$schema"
else
  unset NEXUSLINK_DB_URL
fi
"$java" --enable-native-access=ALL-UNNAMED -XX:G1PeriodicGCInterval=5000 -XX:MinHeapFreeRatio=10 \
  -XX:MaxHeapFreeRatio=20 -jar "$jar" server --data-dir "$data" --port 18080 > "$out/$label-$store-server.log" 2>&1 &
server=$!
for _ in $(seq 1 60); do curl -sf localhost:18080/health > /dev/null && break; sleep 1; done
bench() { "$java" --enable-native-access=ALL-UNNAMED -jar "$jar" bench "$@" --server http://127.0.0.1:18080 --json; }
bench direct --devices 20 --duration 10 > /dev/null 2>&1
bench direct --devices 20 --duration 15 --warmup 5 > "$out/$label-$store-direct.json" 2> /dev/null
bench offline --messages 10000 > "$out/$label-$store-offline1.json" 2> /dev/null
bench offline --messages 10000 > "$out/$label-$store-offline2.json" 2> /dev/null
kill "$server"; wait "$server" 2> /dev/null
rm -rf "$data"
if [ "$store" = pg ]; then psql -q -h 127.0.0.1 -U postgres test -c "DROP SCHEMA $schema CASCADE" > /dev/null 2>&1; fi
python3 - "$out" "$label" "$store" <<'PY'
import json, sys
out, label, store = sys.argv[1:]
d = json.load(open(f"{out}/{label}-{store}-direct.json"))
o = [json.load(open(f"{out}/{label}-{store}-offline{i}.json")) for i in (1, 2)]
print(f"{label} {store} direct {d['delivered_per_second']:.0f}/s p50 {d['latency_ms']['p50']:.2f} ms "
      f"p99 {d['latency_ms']['p99']:.2f} ms errors {d['errors']} | offline stored "
      f"{o[0]['stored_per_second']:.0f} / {o[1]['stored_per_second']:.0f}/s drained in "
      f"{o[0]['drain_seconds']:.2f} / {o[1]['drain_seconds']:.2f} s errors {o[0]['errors'] + o[1]['errors']}")
PY
