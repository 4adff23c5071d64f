#!/usr/bin/env bash
# Starts a local Paybridge cluster: one PostgreSQL (embedded, under ./data) and N nodes on
# loopback, joined over Hazelcast. Node i serves HTTP on 8080+i and Hazelcast on 5701+i.
# Usage: deploy/local-cluster.sh [N]   (default 3; Ctrl-C stops everything)
# Build first: mvn -q -DskipTests package
# Sync targets on this machine or its network need PAYBRIDGE_ALLOW_PRIVATE_TARGETS=true in the
# environment (it is passed on to every node); without it they are refused, as in production.
set -euo pipefail
cd "$(dirname "$0")/.."
nodes="${1:-3}"
jar="deploy/target/paybridge.jar"
[ -f "$jar" ] || { echo "build first: mvn -q -DskipTests package" >&2; exit 1; }
mkdir -p data/cluster-logs
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

PAYBRIDGE_DATA_DIR="$PWD/data" java -cp "$jar" io.paybridge.deploy.DevDatabase > data/cluster-logs/database.log 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do
  grep -q '^PAYBRIDGE_DB_URL=' data/cluster-logs/database.log 2>/dev/null && break
  sleep 0.5
done
db_url="$(grep '^PAYBRIDGE_DB_URL=' data/cluster-logs/database.log | head -1 | cut -d= -f2-)"
# Migrations run as the database's owner, the nodes' queries as a role that can only read and write.
migration_user="$(grep '^PAYBRIDGE_DB_MIGRATION_USER=' data/cluster-logs/database.log | head -1 | cut -d= -f2-)"
migration_password="$(grep '^PAYBRIDGE_DB_MIGRATION_PASSWORD=' data/cluster-logs/database.log | head -1 | cut -d= -f2-)"
[ -n "$db_url" ] || { echo "PostgreSQL did not start; see data/cluster-logs/database.log" >&2; exit 1; }

members=""
for i in $(seq 0 $((nodes - 1))); do members="${members:+$members,}127.0.0.1:$((5701 + i))"; done
# Every node shares the data folder, and so the one dev master key created there. With a database
# URL the default would be production mode, which refuses this loopback, plain-http set-up.
for i in $(seq 0 $((nodes - 1))); do
  PAYBRIDGE_MODE=dev \
  PAYBRIDGE_DB_URL="$db_url" \
  PAYBRIDGE_DB_MIGRATION_USER="$migration_user" \
  PAYBRIDGE_DB_MIGRATION_PASSWORD="$migration_password" \
  PAYBRIDGE_DATA_DIR="$PWD/data" \
  PAYBRIDGE_HTTP_PORT=$((8080 + i)) \
  PAYBRIDGE_CLUSTER_MEMBERS="$members" \
  PAYBRIDGE_CLUSTER_PORT=$((5701 + i)) \
  PAYBRIDGE_NODE_NAME="node-$i" \
    java -jar "$jar" > "data/cluster-logs/node-$i.log" 2>&1 &
  pids+=($!)
  echo "node-$i: http://localhost:$((8080 + i))  (log: data/cluster-logs/node-$i.log)"
done
echo "cluster of $nodes nodes on $db_url — Ctrl-C to stop"
wait
