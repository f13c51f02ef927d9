#!/usr/bin/env bash
# Makes sure a Docker daemon answers: starts dockerd in the background when
# `docker info` fails (a fresh boot, or CI after every process was ended) and
# waits for it. Log: /var/log/lookout-dockerd.log.
set -euo pipefail

LOG=${LOOKOUT_DOCKERD_LOG:-/var/log/lookout-dockerd.log}
WAIT=${LOOKOUT_DOCKERD_WAIT:-60}

if docker info >/dev/null 2>&1; then
	echo "dockerd: already running"
	exit 0
fi

if ! command -v dockerd >/dev/null 2>&1; then
	echo "dockerd: dockerd not installed (run scripts/deps.sh)" >&2
	exit 1
fi

# A dockerd that is still starting up: wait for it instead of starting a second.
if pgrep -x dockerd >/dev/null 2>&1; then
	echo "dockerd: a dockerd process exists, waiting for it"
else
	# A pid file left by a daemon that no longer runs would only confuse the log.
	if [ -f /var/run/docker.pid ] && ! kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
		rm -f /var/run/docker.pid
	fi
	echo "dockerd: starting (log: $LOG)"
	setsid dockerd </dev/null >>"$LOG" 2>&1 &
fi

for _ in $(seq $((WAIT * 4))); do
	if docker info >/dev/null 2>&1; then
		echo "dockerd: ready"
		exit 0
	fi
	if ! pgrep -x dockerd >/dev/null 2>&1; then
		break
	fi
	sleep 0.25
done

echo "dockerd: Docker daemon did not become ready within ${WAIT}s; last lines of $LOG:" >&2
tail -n 20 "$LOG" >&2 2>/dev/null || true
exit 1
