#!/bin/sh
# Regenerate vmlinux/<arch>/vmlinux.h from a kernel's BTF. The committed header is
# what the build uses, so building never depends on the build machine's kernel:
# CO-RE relocates every field access to the running kernel's layout at load time.
#   usage: vmlinux/gen.sh [BTF_FILE]   (default /sys/kernel/btf/vmlinux)
set -eu
btf=${1:-/sys/kernel/btf/vmlinux}
arch=$(uname -m)
dir=$(dirname "$0")/$arch
[ -r "$btf" ] || { echo "gen.sh: cannot read BTF at $btf (kernel built without CONFIG_DEBUG_INFO_BTF?)" >&2; exit 1; }
command -v bpftool >/dev/null || { echo "gen.sh: bpftool not found: apt-get install bpftool" >&2; exit 1; }
mkdir -p "$dir"
bpftool btf dump file "$btf" format c > "$dir/vmlinux.h.tmp"
mv "$dir/vmlinux.h.tmp" "$dir/vmlinux.h"
echo "wrote $dir/vmlinux.h from $btf"
