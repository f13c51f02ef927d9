#!/usr/bin/env bash
# Builds the end-to-end tests' image from Debian's busybox-static and imports it
# into Docker and podman, each only when missing. Prints the image names.
# No registry is reachable: this is the only image the tests use.
set -euo pipefail

IMAGE=${LOOKOUT_TEST_IMAGE:-lookout-test/box:latest}
PODMAN_IMAGE=localhost/$IMAGE
BUSYBOX=/bin/busybox

rootfs=
tarball=
cleanup() {
	[ -z "$rootfs" ] || rm -rf "$rootfs"
	[ -z "$tarball" ] || rm -f "$tarball"
}
trap cleanup EXIT

make_tarball() {
	[ -z "$tarball" ] || return 0
	if [ ! -x "$BUSYBOX" ] || ! "$BUSYBOX" --list >/dev/null 2>&1; then
		echo "images: $BUSYBOX missing (run scripts/deps.sh)" >&2
		exit 1
	fi
	rootfs=$(mktemp -d)
	mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/tmp" "$rootfs/root"
	cp "$BUSYBOX" "$rootfs/bin/busybox"
	# `busybox --list` names busybox itself: a link would replace the binary
	# with a symlink to itself.
	for a in $("$rootfs/bin/busybox" --list); do
		[ "$a" = busybox ] || ln -sf busybox "$rootfs/bin/$a"
	done
	echo 'root:x:0:0:root:/root:/bin/sh' >"$rootfs/etc/passwd"
	echo 'root:x:0:' >"$rootfs/etc/group"
	chmod 1777 "$rootfs/tmp"
	tarball=$(mktemp --suffix=.tar)
	tar -C "$rootfs" -cf "$tarball" .
}

if docker image inspect "$IMAGE" >/dev/null 2>&1; then
	:
else
	make_tarball
	docker import "$tarball" "$IMAGE" >/dev/null
	docker image inspect "$IMAGE" >/dev/null
fi
echo "docker: $IMAGE"

if podman image exists "$PODMAN_IMAGE" 2>/dev/null; then
	:
else
	make_tarball
	podman import -q "$tarball" "$PODMAN_IMAGE" >/dev/null
	podman image exists "$PODMAN_IMAGE"
fi
echo "podman: $PODMAN_IMAGE"
