#!/usr/bin/env bash
# Runs lookout's end-to-end tests: every tests/e2e/test_*.py, each in its own
# python3 process. Starts dockerd and imports the test image first.
# Ends with one line: `N passed, N failed, N skipped`; exits 1 if any failed.
# Usage: tests/e2e/run.sh [FILTER...]   (FILTER selects tests by substring)
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"

if [ "$(id -u)" -ne 0 ]; then
	echo "e2e: must run as root (BPF, containers, namespaces)" >&2
fi
bin=${LOOKOUT_BIN:-$root/lookout}
if [ ! -x "$bin" ]; then
	echo "e2e: ./lookout not built ($bin missing): every test will fail; run make" >&2
fi

# Containers a killed earlier run left behind: unique names keep them harmless,
# but they need not pile up. Running ones end by themselves (sleep 600).
if ! scripts/dockerd.sh; then
	echo "e2e: no Docker daemon: Docker tests will fail" >&2
fi
if docker info >/dev/null 2>&1; then
	docker ps -aq --filter label=lookout-e2e=1 --filter status=exited --filter status=created \
		| xargs -r docker rm -f >/dev/null 2>&1 || true
fi
podman ps -aq --filter label=lookout-e2e=1 --filter status=exited --filter status=created \
	2>/dev/null | xargs -r podman rm -f >/dev/null 2>&1 || true
if ! scripts/images.sh; then
	echo "e2e: could not import the test image: container tests will fail" >&2
fi

results=$(mktemp)
trap 'rm -f "$results"' EXIT
export LOOKOUT_E2E_RESULTS=$results
export PYTHONDONTWRITEBYTECODE=1
start=$(date +%s)

for t in "$here"/test_*.py; do
	name=$(basename "$t")
	echo "=== $name"
	before=$(wc -l <"$results")
	python3 "$t" "$@"
	rc=$?
	if [ "$(wc -l <"$results")" -eq "$before" ]; then
		# The file crashed before its runner could count: one failure.
		echo "FAIL  $name crashed (exit $rc) before reporting"
		echo "0 1 0 $name" >>"$results"
	fi
done

read -r passed failed skipped < <(awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}' "$results")
echo "e2e: $(( $(date +%s) - start ))s"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
