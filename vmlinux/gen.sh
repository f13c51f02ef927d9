#!/bin/sh
# Regenerate vmlinux/<arch>/vmlinux.h from a kernel's BTF. The committed header is
# what the build uses, so building never depends on the build machine's kernel:
# CO-RE relocates every field access to the running kernel's layout at load time.
#   usage: vmlinux/gen.sh [BTF_FILE [ARCH]]
#   (default /sys/kernel/btf/vmlinux, and this machine's architecture: x86_64 or arm64)
# vmlinux/arm64/vmlinux.h was made from Debian 12's 6.1 arm64 kernel, booted in qemu
# (tests/vm): its /sys/kernel/btf/vmlinux, copied out through the console.
set -eu
btf=${1:-/sys/kernel/btf/vmlinux}
arch=${2:-$(uname -m | sed 's/aarch64/arm64/')}
case $arch in x86_64 | arm64) ;; *) echo "gen.sh: ARCH is x86_64 or arm64, not $arch" >&2; exit 2 ;; esac
dir=$(dirname "$0")/$arch
[ -r "$btf" ] || { echo "gen.sh: cannot read BTF at $btf (kernel built without CONFIG_DEBUG_INFO_BTF?)" >&2; exit 1; }
command -v bpftool >/dev/null || { echo "gen.sh: bpftool not found: apt-get install bpftool" >&2; exit 1; }
mkdir -p "$dir"
bpftool btf dump file "$btf" format c > "$dir/vmlinux.h.tmp"
mv "$dir/vmlinux.h.tmp" "$dir/vmlinux.h"
echo "wrote $dir/vmlinux.h from $btf"
