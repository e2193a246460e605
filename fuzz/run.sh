#!/usr/bin/env bash
# Fuzzes one harness for SECONDS, one process at a time, going on past findings (fork mode with
# one worker): new inputs go to WORK/<harness>/corpus (seeded from fuzz/corpus/<harness>),
# findings (crash-*, timeout-*, leak-*, oom-*) to WORK/<harness>/. A run over 1 s is a hang.
#   fuzz/run.sh HARNESS SECONDS [WORK=/tmp/orrery-fuzz]
set -euo pipefail
cd "$(dirname "$0")/.."
harness=$1 seconds=$2 work=${3:-/tmp/orrery-fuzz}
mkdir -p "$work/$harness/corpus"
cp -n fuzz/corpus/"$harness"/* "$work/$harness/corpus/" 2>/dev/null || true
build-fuzz/fuzz/fuzz_"$harness" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
  -max_total_time="$seconds" -timeout=1 -rss_limit_mb=2048 -malloc_limit_mb=2048 \
  -artifact_prefix="$work/$harness/" "$work/$harness/corpus" 2>&1 | tee "$work/$harness/log-$(date -u +%H%M%S).txt" |
  grep -E '^#[0-9]+: |^INFO: (log|exiting)|crash|timeout|leak|oom' | tail -5
