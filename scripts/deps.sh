#!/usr/bin/env bash
# Installs the Debian packages lookout needs.
#   scripts/deps.sh            build and run lookout (`make deps`)
#   scripts/deps.sh --test     also what the tests need: runtimes and servers to test
#                              against (Docker, containerd, podman, rsyslog, Prometheus),
#                              cmocka, the fuzzers' runtime (`make test`)
#   --dry-run                  print what this mode wants and what it would install;
#                              install nothing
# Idempotent: asks apt only when a package is missing, so a second run is fast.
# Never replaces a runtime installed from another source: a docker, dockerd, containerd
# or runc already on the PATH keeps Debian's package out (apt-get -y would otherwise
# swap Docker's own docker-ce and containerd.io for docker.io, containerd and runc).
set -euo pipefail

BUILD=(
	clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev libjson-c-dev libcap-dev
	make gcc libc6-dev pkg-config libmicrohttpd-dev
	# the static binary and its FROM-scratch image (make static)
	libzstd-dev dpkg-dev xz-utils
)
TEST=(
	# unit tests, fuzzing (libFuzzer and the sanitizers' runtime)
	libcmocka-dev libclang-rt-14-dev
	# end-to-end tests: runtimes, images and tools
	busybox-static docker.io podman runc containerd
	# the cgroup v2 lane: crun starts containers with clone3(CLONE_INTO_CGROUP)
	crun
	python3 util-linux iproute2 jq procps tar
	# output tests: a real syslog receiver and a real Prometheus
	rsyslog prometheus
	# the VM lane (tests/vm, test_vm.py): Debian's 6.1 kernel under qemu's emulator
	qemu-system-x86 cpio
	# attribution tests: a real Go program that re-raises, runtime executables on btrfs
	golang-go btrfs-progs
	# the live view in a real terminal (test_liveview.py)
	tmux
)

usage() {
	echo "usage: scripts/deps.sh [--test] [--dry-run]" >&2
	exit 64
}

mode=build
dry=0
for a in "$@"; do
	case $a in
	--test) mode=test ;;
	--build) mode=build ;;
	--dry-run) dry=1 ;;
	-h | --help)
		sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "deps: unknown argument '$a'" >&2
		usage
		;;
	esac
done

# Where a Docker from another source already is (its client or daemon on the
# PATH; the client is what `docker version` would run); empty if none.
docker_present() {
	command -v docker 2>/dev/null || command -v dockerd 2>/dev/null || true
}

PACKAGES=("${BUILD[@]}")
if [ "$mode" = test ]; then
	for p in "${TEST[@]}"; do
		case $p in
		docker.io) have=$(docker_present) ;;
		containerd | runc) have=$(command -v "$p" 2>/dev/null || true) ;;
		*) have= ;;
		esac
		status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
		if [ -n "$have" ] && [ "$status" != installed ]; then
			echo "deps: $p: already provided by $have (not from Debian): not installing it"
			continue
		fi
		PACKAGES+=("$p")
	done
fi

missing=()
for p in "${PACKAGES[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$status" = installed ] || missing+=("$p")
done

if [ "$dry" -eq 1 ]; then
	echo "deps: $mode wants: ${PACKAGES[*]}"
	echo "deps: would install: ${missing[*]:-nothing}"
	exit 0
fi

if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#PACKAGES[@]} packages present ($mode)"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages: ${missing[*]} (run as root to install them)" >&2
	exit 1
fi

echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive

# Packages must not start their daemons (docker.io, containerd) here: on a
# machine without an init system that fails the install. scripts/dockerd.sh
# starts dockerd when the tests need it.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 755 "$policy"
	trap 'rm -f "$policy"' EXIT
fi

for attempt in 1 2; do
	if apt-get update -q && apt-get install -y -q "${missing[@]}"; then
		break
	fi
	[ "$attempt" -eq 2 ] || { echo "deps: apt-get failed, retrying" >&2; sleep 5; }
done

# Check again: a package apt could not install must stop the build here.
still=()
for p in "${missing[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$status" = installed ] || still+=("$p")
done
if [ ${#still[@]} -ne 0 ]; then
	echo "deps: could not install: ${still[*]}" >&2
	exit 1
fi
echo "deps: done"
