#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# The soak (docs/benchmarks.md, "Soak"): one server on SQLite with the launcher's JVM options,
# `bench direct --devices 20 --rate RATE --duration SECONDS` against it, and the server's heap in
# use (`jvm_memory_used_bytes{area="heap"}` from /metrics) and resident memory (VmRSS) sampled
# every 5 s into OUTDIR/samples.csv; then OUTDIR/soak.png (bench/scripts/SoakPlot.java, JDK only)
# and one summary line comparing the second minute with the last (thirds of a shorter run).
#
#   bench/scripts/soak.sh JAR OUTDIR [RATE] [SECONDS]
#
# Needs a JDK 21+ (JAVA, default: the one on the PATH) and port 18580 free.
set -u
jar=$1; out=$2; rate=${3:-2000}; seconds=${4:-600}
java=${JAVA:-java}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$out"
export NEXUSLINK_RATE_LIMIT_WS_MESSAGES_PER_SECOND=1000000 NEXUSLINK_RATE_LIMIT_REQUESTS_PER_SECOND=1000000 \
  NEXUSLINK_LIMITS_CONNECTIONS_PER_IP=1000000 NEXUSLINK_LIMITS_QUEUE_ENTRIES_PER_DEVICE=100000000
unset NEXUSLINK_DB_URL
data=$(mktemp -d /tmp/nexuslink-soak.XXXX)
"$java" --enable-native-access=ALL-UNNAMED -XX:G1PeriodicGCInterval=5000 -XX:MinHeapFreeRatio=10 \
  -XX:MaxHeapFreeRatio=20 -jar "$jar" server --data-dir "$data" --port 18580 > "$out/server.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do curl -sf localhost:18580/health > /dev/null && break; sleep 0.5; done

sample() { # seconds since start, heap bytes, RSS bytes
  local heap rss
  heap=$(curl -sf localhost:18580/metrics | awk '/^jvm_memory_used_bytes\{.*area="heap"/ {s += $NF} END {printf "%.0f", s}')
  rss=$(awk '/^VmRSS:/ {print $2 * 1024}' "/proc/$server/status")
  echo "$(( $(date +%s) - start )),$heap,$rss"
}
start=$(date +%s)
echo "seconds,heap_bytes,rss_bytes" > "$out/samples.csv"
( while kill -0 "$server" 2> /dev/null; do sample >> "$out/samples.csv"; sleep 5; done ) &
sampler=$!

"$java" --enable-native-access=ALL-UNNAMED -jar "$jar" bench direct --server http://127.0.0.1:18580 \
  --devices 20 --rate "$rate" --duration "$seconds" --json > "$out/soak.json" 2> "$out/bench.log"
status=$?
sample >> "$out/samples.csv"
kill "$sampler" "$server"; wait "$server" 2> /dev/null
rm -rf "$data"

"$java" "$here/SoakPlot.java" "$out/samples.csv" "$out/soak.png" "bench direct --rate $rate, ${seconds} s, SQLite"
python3 - "$out" "$status" <<'PY'
import csv, json, sys
out, status = sys.argv[1], sys.argv[2]
rows = [(int(r["seconds"]), int(r["heap_bytes"]), int(r["rss_bytes"])) for r in csv.DictReader(open(f"{out}/samples.csv"))]
d = json.load(open(f"{out}/soak.json"))
end = rows[-1][0]
w = min(60, end / 3)  # a minute, or a third of a short run
first = [r for r in rows if w <= r[0] < 2 * w]
last = [r for r in rows if r[0] >= end - w]
mib = lambda rs, i: sum(r[i] for r in rs) / len(rs) / 2**20
print(f"soak: {d['delivered_per_second']:.0f}/s delivered, errors {d['errors']}, p99 {d['latency_ms']['p99']:.1f} ms; "
      f"heap {mib(first, 1):.0f} MiB in the second window, {mib(last, 1):.0f} MiB in the last (max {max(r[1] for r in rows) / 2**20:.0f}); "
      f"RSS {mib(first, 2):.0f} -> {mib(last, 2):.0f} MiB (max {max(r[2] for r in rows) / 2**20:.0f}); bench exit {status}")
PY
