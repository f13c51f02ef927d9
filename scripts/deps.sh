#!/usr/bin/env bash
# Installs every Debian package that lookout's build and tests need.
# Idempotent: asks apt only when a package is missing, so a second run is fast.
set -euo pipefail

PACKAGES=(
	# build
	clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev libjson-c-dev libcap-dev
	make gcc libc6-dev pkg-config libmicrohttpd-dev
	# unit tests, fuzzing (libFuzzer and the sanitizers' runtime)
	libcmocka-dev libclang-rt-14-dev
	# end-to-end tests: runtimes, images and tools
	busybox-static docker.io podman runc containerd
	# the cgroup v2 lane: crun starts containers with clone3(CLONE_INTO_CGROUP)
	crun
	python3 util-linux iproute2 jq procps tar
	# output tests: a real syslog receiver and a real Prometheus
	rsyslog prometheus
	# the static binary and its FROM-scratch image (make static, test_image.py)
	libzstd-dev dpkg-dev xz-utils
	# the VM lane (tests/vm, test_vm.py): Debian's 6.1 kernel under qemu's emulator
	qemu-system-x86 cpio
)

missing=()
for p in "${PACKAGES[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$status" = installed ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#PACKAGES[@]} packages present"
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
