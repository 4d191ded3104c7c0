#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# What a second node costs (docs/benchmarks.md, "Two nodes"): alternates one node and two nodes
# on PostgreSQL with Redis enabled, each round on a fresh schema. With two nodes the senders
# connect to the second (`bench direct --sender-server`), so every message crosses nodes: queued
# by node B, published to Redis, pushed by node A. Per round: one unmeasured `direct` for the JIT,
# `direct --devices 20 --duration 15 --warmup 5` (as fast as acks allow), then the same at a fixed
# --rate; prints one line per run with the servers' CPU time per delivered message (every node's
# JVM, from /proc/<pid>/stat) and the load average before it.
#
#   bench/scripts/two-nodes.sh JAR OUTDIR [ROUNDS] [RATE]
#
# Needs a JDK 21+ (JAVA, default: the one on the PATH), ports 18480-18481 free, PostgreSQL at
# 127.0.0.1:5432 (database test, user postgres) and Redis at 127.0.0.1:6379 (its own channel
# prefix per round; nothing is flushed).
set -u
jar=$1; out=$2; rounds=${3:-2}; rate=${4:-2000}
java=${JAVA:-java}
mkdir -p "$out"
export NEXUSLINK_RATE_LIMIT_WS_MESSAGES_PER_SECOND=1000000 NEXUSLINK_RATE_LIMIT_REQUESTS_PER_SECOND=1000000 \
  NEXUSLINK_LIMITS_CONNECTIONS_PER_IP=1000000 NEXUSLINK_LIMITS_QUEUE_ENTRIES_PER_DEVICE=100000000 \
  NEXUSLINK_COMMUNITY_MAX_MEMBERS=100000 NEXUSLINK_REDIS_ENABLED=true NEXUSLINK_REDIS_URL=redis://127.0.0.1:6379

ticks() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }

start_node() { # port data_dir log -> prints the pid once /health answers healthy with Redis
  "$java" --enable-native-access=ALL-UNNAMED -XX:G1PeriodicGCInterval=5000 -XX:MinHeapFreeRatio=10 \
    -XX:MaxHeapFreeRatio=20 -jar "$jar" server --data-dir "$2" --port "$1" > "$3" 2>&1 &
  local pid=$! i
  for i in $(seq 1 120); do
    curl -sf "localhost:$1/health" 2> /dev/null | grep -q '"redis":"connected"' && break
    sleep 0.5
  done
  echo "$pid"
}

run() { # mode round
  local mode=$1 round=$2 data schema a b="" pids sender="" c0 c1 load kind
  data=$(mktemp -d /tmp/nexuslink-two-nodes.XXXX)
  schema=twonodes_$(date +%s%N | tail -c 9)
  export NEXUSLINK_DB_URL="postgres://postgres@127.0.0.1:5432/test?schema=$schema"
  export NEXUSLINK_REDIS_CHANNEL_PREFIX="bench-$schema" NEXUSLINK_SERVER_KEY_FILE="$data/server.key"
  a=$(start_node 18480 "$data/a" "$out/$mode-$round-a.log")
  pids=$a
  if [ "$mode" = two ]; then
    b=$(start_node 18481 "$data/b" "$out/$mode-$round-b.log")
    pids="$a $b"
    sender="--sender-server http://127.0.0.1:18481"
  fi
  bench() { "$java" --enable-native-access=ALL-UNNAMED -jar "$jar" bench direct --server http://127.0.0.1:18480 \
    $sender --devices 20 "$@" --json 2> /dev/null; }
  bench --duration 10 > /dev/null
  for kind in max rate; do
    load=$(cut -d' ' -f1 /proc/loadavg)
    c0=$(ticks $pids)
    if [ "$kind" = max ]; then bench --duration 15 --warmup 5 > "$out/$mode-$round-$kind.json"
    else bench --duration 15 --warmup 5 --rate "$rate" > "$out/$mode-$round-$kind.json"; fi
    c1=$(ticks $pids)
    python3 - "$out/$mode-$round-$kind.json" "$mode" "$kind" "$((c1 - c0))" "$load" <<'PY'
import json, sys
path, mode, kind, ticks, load = sys.argv[1:]
d = json.load(open(path))
# CPU is read over the warm-up and the measured run (20 s); the rate holds across both.
delivered = max(d["delivered_per_second"] * 20, 1)
print(f"{mode} node(s) {kind:>4}: {d['delivered_per_second']:.0f}/s p50 {d['latency_ms']['p50']:.2f} ms "
      f"p99 {d['latency_ms']['p99']:.2f} ms errors {d['errors']} server CPU {int(ticks) * 10000 / delivered:.0f} us/msg "
      f"load {load}")
PY
  done
  kill $pids; wait $pids 2> /dev/null
  rm -rf "$data"
  psql -q -h 127.0.0.1 -U postgres test -c "DROP SCHEMA $schema CASCADE" > /dev/null 2>&1
}

for round in $(seq 1 "$rounds"); do
  run one "$round"
  run two "$round"
done
