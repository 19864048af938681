#!/bin/bash
# Runs one harness for a fixed time and prints one line: "fuzz: NAME N inputs in S s, no crash".
# Fails (and shows the end of the log) on a crash, a sanitizer report, a timeout or an OOM.
#   run.sh NAME BINARY SECONDS BUILD_DIR [libFuzzer options...]
# The corpus grows in BUILD_DIR/corpus/NAME (seeds come from BUILD_DIR/seeds/NAME), crash inputs
# land in BUILD_DIR/crashes, the whole log in BUILD_DIR/logs/NAME.log.
set -u
name=$1 binary=$2 seconds=$3 dir=$4
shift 4
mkdir -p "$dir/corpus/$name" "$dir/crashes" "$dir/logs"
log=$dir/logs/$name.log
start=$(date +%s)
# A Swift trap goes straight to libFuzzer's handler, not to the (slow) Swift backtracer.
SWIFT_BACKTRACE=enable=no "$binary" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 \
    -artifact_prefix="$dir/crashes/$name-" "$@" "$dir/corpus/$name" "$dir/seeds/$name" >"$log" 2>&1
status=$?
elapsed=$(( $(date +%s) - start ))
inputs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
if [ $status -ne 0 ] || grep -qE '^==[0-9]+==ERROR|runtime error:|^SUMMARY: ' "$log"; then
    tail -n 60 "$log"
    echo "fuzz: $name FAILED after ${inputs:-?} inputs in $elapsed s (exit $status); log $log," \
         "inputs in $dir/crashes/$name-*"
    exit 1
fi
echo "fuzz: $name $inputs inputs in $elapsed s, no crash"
