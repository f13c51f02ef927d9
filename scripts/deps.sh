#!/usr/bin/env bash
# Installs the Debian packages lookout needs.
#   scripts/deps.sh            build and run lookout (`make deps`)
#   scripts/deps.sh --test     also what the tests need: runtimes and servers to test
#                              against (Docker, containerd, podman, rsyslog, Prometheus),
#                              cmocka, the fuzzers' runtime (`make test`)
#   --arch arm64               also what cross-building for arm64 needs (make ARCH=arm64):
#                              the cross compiler and the :arm64 libraries (multiarch)
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
	# the arm64 VM lane: its kernel under qemu, and a 32-bit ARM program for its
	# compat kill (the arm64 cross build itself is in CROSS below)
	qemu-system-arm gcc-arm-linux-gnueabihf
)
# Cross-building for arm64 on another host (make ARCH=arm64 [static|unit]); `make test`
# builds and boots arm64 too. The :arm64 -dev packages come through multiarch.
CROSS_ARM64=(
	gcc-aarch64-linux-gnu qemu-user-static
	libbpf-dev:arm64 libelf-dev:arm64 zlib1g-dev:arm64 libzstd-dev:arm64
	libjson-c-dev:arm64 libcap-dev:arm64 libmicrohttpd-dev:arm64 libcmocka-dev:arm64
)

usage() {
	echo "usage: scripts/deps.sh [--test] [--arch arm64] [--dry-run]" >&2
	exit 64
}

mode=build
dry=0
cross=
host_arch=$(dpkg --print-architecture 2>/dev/null || echo unknown)
while [ $# -gt 0 ]; do
	a=$1
	shift
	case $a in
	--test) mode=test ;;
	--build) mode=build ;;
	--dry-run) dry=1 ;;
	--arch)
		[ $# -gt 0 ] || usage
		case $1 in
		arm64 | aarch64) [ "$host_arch" = arm64 ] || cross=arm64 ;;
		x86_64 | amd64) [ "$host_arch" = amd64 ] || { echo "deps: cross-building for x86_64 is not set up here" >&2; exit 64; } ;;
		*) echo "deps: --arch is arm64 or x86_64, not '$1'" >&2; exit 64 ;;
		esac
		shift
		;;
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

# status PACKAGE: dpkg's word for it ("installed", or empty when unknown). A name
# without an architecture means the host's: with multiarch, dpkg-query would
# otherwise answer for every architecture at once.
status() {
	local p=$1 s
	case $p in
	*:*) ;;
	*) s=$(dpkg-query -W -f='${db:Status-Status}' "$p:$host_arch" 2>/dev/null) && { echo "$s"; return; } ;;
	esac
	dpkg-query -W -f='${db:Status-Status}\n' "$p" 2>/dev/null | head -n 1 || true
}

# Where a Docker from another source already is (its client or daemon on the
# PATH; the client is what `docker version` would run); empty if none.
docker_present() {
	command -v docker 2>/dev/null || command -v dockerd 2>/dev/null || true
}

PACKAGES=("${BUILD[@]}")
# make test cross-builds for arm64 and boots it (the VM lane)
[ "$mode" = test ] && [ "$host_arch" != arm64 ] && cross=arm64
if [ -n "$cross" ]; then
	PACKAGES+=("${CROSS_ARM64[@]}")
fi
if [ "$mode" = test ]; then
	for p in "${TEST[@]}"; do
		case $p in
		docker.io) have=$(docker_present) ;;
		containerd | runc) have=$(command -v "$p" 2>/dev/null || true) ;;
		*) have= ;;
		esac
		status=$(status "$p")
		if [ -n "$have" ] && [ "$status" != installed ]; then
			echo "deps: $p: already provided by $have (not from Debian): not installing it"
			continue
		fi
		PACKAGES+=("$p")
	done
fi

missing=()
for p in "${PACKAGES[@]}"; do
	status=$(status "$p")
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

# The :arm64 libraries need the architecture known to dpkg (once).
if printf '%s\n' "${missing[@]}" | grep -q ':arm64$' &&
	! dpkg --print-foreign-architectures | grep -qx arm64; then
	echo "deps: dpkg --add-architecture arm64 (for the cross build's libraries)"
	dpkg --add-architecture arm64
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
	status=$(status "$p")
	[ "$status" = installed ] || still+=("$p")
done
if [ ${#still[@]} -ne 0 ]; then
	echo "deps: could not install: ${still[*]}" >&2
	exit 1
fi
echo "deps: done"
