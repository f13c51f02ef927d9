#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# fuzz/run.sh - run one libFuzzer target: replay its regression inputs (with --replay),
# then fuzz it for SECONDS, and write one line saying how it went to RESULT (and stdout).
# Never fails itself: `make fuzz` reads the results and fails when one says CRASH.
#
#   fuzz/run.sh [--replay] BIN NAME SECONDS WORKDIR RESULT
#
# Corpora: WORKDIR/corpus/NAME (new inputs go there), fuzz/corpus/NAME (seeds) and
# tests/fuzz-regressions/NAME (found crashes, kept fixed). fuzz/NAME.dict if present.
# Logs: WORKDIR/logs/NAME.log; crash inputs: WORKDIR/artifacts/NAME/.
# FUZZ_FLAGS adds libFuzzer flags (e.g. -jobs is not needed: make -j2 runs two targets).
set -u

replay=0
if [ "${1:-}" = --replay ]; then
	replay=1
	shift
fi
bin=$1 name=$2 seconds=$3 work=$4 result=$5

corpus=$work/corpus/$name
artifacts=$work/artifacts/$name/
log=$work/logs/$name.log
seeds=fuzz/corpus/$name
regressions=tests/fuzz-regressions/$name
mkdir -p "$corpus" "$artifacts" "$work/logs" "$(dirname "$result")"
: >"$log"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

say() {
	printf '  %-8s %s\n' FUZZ "$*" | tee "$result"
}

# the first line of the log that says what broke
why() {
	grep -a -m1 -e 'invariant broken' -e 'ERROR: ' -e 'runtime error' -e 'Sanitizer' "$log" |
		cut -c1-300 | sed 's/^/           /'
}

# 1. every kept crash input must pass now
replayed=0
if [ $replay = 1 ] && [ -d "$regressions" ]; then
	for f in "$regressions"/*; do
		[ -f "$f" ] || continue
		echo "== replay $f" >>"$log"
		if ! "$bin" -timeout=10 -rss_limit_mb=2048 "$f" >>"$log" 2>&1; then
			say "$name: CRASH replaying $f (regression; see $log)"
			why
			exit 0
		fi
		replayed=$((replayed + 1))
	done
fi

# 2. fuzz
dirs="$corpus"
[ -d "$seeds" ] && dirs="$dirs $seeds"
[ -d "$regressions" ] && dirs="$dirs $regressions"
dict=
[ -f "fuzz/$name.dict" ] && dict="-dict=fuzz/$name.dict"
echo "== fuzz $seconds s: $bin $dirs" >>"$log"
# shellcheck disable=SC2086 # word splitting of dirs, dict and FUZZ_FLAGS is wanted
"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="${FUZZ_MAX_LEN:-8192}" \
	-print_final_stats=1 -artifact_prefix="$artifacts" $dict ${FUZZ_FLAGS:-} $dirs >>"$log" 2>&1
rc=$?

runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
[ -n "$runs" ] || runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)
[ -n "$runs" ] || runs=$(sed -n 's/^#\([0-9]*\).*/\1/p' "$log" | tail -n 1)
secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)
[ -n "$secs" ] || secs=$seconds
extra=
[ $replay = 1 ] && extra=", $replayed regression inputs pass"
if [ $rc -eq 0 ]; then
	say "$name: ${runs:-?} runs in $secs s, no crash$extra"
else
	unit=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
	say "$name: CRASH after ${runs:-?} runs (exit $rc): ${unit:-no input saved}; log $log;" \
		"keep the input in $regressions/ once fixed"
	why
fi
exit 0
