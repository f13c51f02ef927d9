#!/usr/bin/env bash
# tests/vm/run.sh - the VM lane: boots Debian 12's 6.1 kernel (x86_64 or arm64) under
# qemu's emulator with an initramfs of busybox, the static lookout for that architecture
# (make static, make ARCH=arm64 static), a memory hog and tests/vm/init.sh as /init, a
# pure cgroup v2 host (or a legacy v1 one). Writes into OUTDIR: console.log (what the VM
# printed), facts.txt (its "LKVM" lines), events.jsonl (lookout's JSON there), live.txt
# (its live view) and lookout.err. tests/e2e/test_vm.py checks them.
#
# Usage: tests/vm/run.sh OUTDIR [v2|v1] [x86_64|arm64]
#   (the host's cgroup mode: unified, or legacy v1; the architecture: the host's default)
#   LOOKOUT_STATIC   the static binary (default build/static/lookout, or
#                    build-arm64/static/lookout for a cross arm64)
#   LOOKOUT_VM_CACHE where the kernel package is kept (default build/vm)
#   LOOKOUT_VM_KERNEL the Debian package (default linux-image-6.1.0-47-cloud-ARCH-unsigned)
# Never uses KVM: /dev/kvm hangs on the machines this runs on. On arm64 the compat kill
# comes from a 32-bit ARM build of sigtools (an AArch32 task), so -cpu must run AArch32
# at EL0 (qemu's cortex-a72 does).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:?usage: tests/vm/run.sh OUTDIR [v2|v1] [x86_64|arm64]}
mode=${2:-v2}
case $mode in v1 | v2) ;; *) echo "vm: mode is v2 or v1, not $mode" >&2; exit 2 ;; esac
host_arch=$(uname -m | sed 's/aarch64/arm64/')
arch=${3:-$host_arch}
cache=${LOOKOUT_VM_CACHE:-$root/build/vm}
timeout=${LOOKOUT_VM_TIMEOUT:-420}
case $arch in
x86_64)
	debarch=amd64 qemu=qemu-system-x86_64 cc=gcc cc32=gcc console=ttyS0
	machine=(-cpu max)
	busybox=/bin/busybox
	;;
arm64)
	debarch=arm64 qemu=qemu-system-aarch64 cc=aarch64-linux-gnu-gcc cc32=arm-linux-gnueabihf-gcc
	console=ttyAMA0 machine=(-M virt -cpu cortex-a72)
	busybox=$cache/busybox-$debarch/bin/busybox
	[ "$host_arch" = arm64 ] && cc=gcc
	;;
*) echo "vm: architecture is x86_64 or arm64, not $arch" >&2; exit 2 ;;
esac
kpkg=${LOOKOUT_VM_KERNEL:-linux-image-6.1.0-47-cloud-$debarch-unsigned}
if [ "$arch" = "$host_arch" ]; then
	lookout=${LOOKOUT_STATIC:-$root/build/static/lookout}
else
	lookout=${LOOKOUT_STATIC:-$root/build-$arch/static/lookout}
fi

for tool in $qemu cpio gzip $cc $cc32 dpkg-deb apt-get; do
	command -v "$tool" >/dev/null || { echo "vm: $tool is missing: run scripts/deps.sh --test" >&2; exit 1; }
done
[ -x "$lookout" ] || { echo "vm: $lookout is missing: run make ARCH=$arch static" >&2; exit 1; }

# fetch PACKAGE: the .deb in the cache, downloaded once; prints its path
fetch() {
	local deb
	deb=$(ls "$cache/${1%%:*}"_*_"$debarch".deb 2>/dev/null | head -n 1 || true)
	if [ -z "$deb" ]; then
		(cd "$cache" && apt-get download "$1:$debarch") >&2 ||
			{ echo "vm: cannot download $1:$debarch (is a Debian mirror reachable? is" \
				"dpkg --add-architecture $debarch done?)" >&2; exit 1; }
		deb=$(ls "$cache/${1%%:*}"_*_"$debarch".deb | head -n 1)
	fi
	echo "$deb"
}

mkdir -p "$cache" "$out"
if [ ! -x "$busybox" ]; then
	bdeb=$(fetch busybox-static)
	rm -rf "$cache/busybox-$debarch.tmp"
	dpkg-deb -x "$bdeb" "$cache/busybox-$debarch.tmp"
	mv "$cache/busybox-$debarch.tmp" "$cache/busybox-$debarch"
fi
[ -x "$busybox" ] || { echo "vm: $busybox is missing: run scripts/deps.sh --test" >&2; exit 1; }

# The kernel: downloaded once, kept in the cache.
deb=$(fetch "$kpkg")
kdir=$cache/$kpkg
if [ ! -d "$kdir/boot" ]; then
	rm -rf "$kdir.tmp"
	dpkg-deb -x "$deb" "$kdir.tmp"
	mv "$kdir.tmp" "$kdir"
fi
vmlinuz=$(ls "$kdir"/boot/vmlinuz-* | head -n 1)

# The initramfs.
ir=$out/initramfs
rm -rf "$ir"
mkdir -p "$ir"/bin "$ir"/dev "$ir"/proc "$ir"/sys "$ir"/tmp "$ir"/opt/rt "$ir"/root
cp "$busybox" "$ir/bin/busybox"
ln -s busybox "$ir/bin/sh"	# init.sh installs the other applets (busybox --install)
cp "$busybox" "$ir/opt/rt/busybox"	# the "runtime": the same code, its own inode
cp "$lookout" "$ir/bin/lookout"
$cc -static -O2 -Wall -Werror -o "$ir/bin/hog" "$here/hog.c"
$cc -static -O2 -Wall -Werror -o "$ir/opt/rt/spawn" "$here/spawn.c"
# the compat kill's sender: x86_64 code using int $0x80, or a 32-bit ARM program
$cc32 -static -O2 -Wall -Werror -o "$ir/bin/sigtools" "$here/../e2e/helpers/sigtools.c"
install -m 0755 "$here/init.sh" "$ir/init"
(cd "$ir" && find . | cpio -o -H newc --quiet | gzip -1) >"$out/initrd.gz"
rm -rf "$ir"

start=$(date +%s)
rc=0
timeout "$timeout" $qemu "${machine[@]}" -m 1024 -smp 2 -kernel "$vmlinuz" \
	-initrd "$out/initrd.gz" -append "console=$console panic=-1 quiet lkcg=$mode" \
	-nographic -no-reboot </dev/null >"$out/console.log" 2>&1 || rc=$?
echo "vm: qemu ran $(( $(date +%s) - start ))s (exit $rc)" >&2
rm -f "$out/initrd.gz"
if [ "$rc" -eq 124 ]; then
	echo "vm: the VM did not power off within ${timeout}s; console tail:" >&2
	tail -n 30 "$out/console.log" >&2
	exit 1
fi

tr -d '\r' <"$out/console.log" >"$out/console.txt"
grep -ao 'LKVM .*' "$out/console.txt" >"$out/facts.txt" || true
sed -n '/^LKVM events-begin$/,/^LKVM events-end$/p' "$out/console.txt" | grep -E '^[A-Za-z0-9+/=]+$' |
	base64 -d | gunzip >"$out/events.jsonl" || { echo "vm: no events in the console" >&2; exit 1; }
sed -n '/^LKVM live-begin$/,/^LKVM live-end$/p' "$out/console.txt" | grep -E '^[A-Za-z0-9+/=]+$' |
	base64 -d | gunzip >"$out/live.txt" || { echo "vm: no live view in the console" >&2; exit 1; }
sed -n '/^LKVM stderr-begin$/,/^LKVM stderr-end$/p' "$out/console.txt" | grep -v '^LKVM ' \
	>"$out/lookout.err" || true
rm -f "$out/console.txt"
grep -q '^LKVM done$' "$out/facts.txt" || { echo "vm: the VM did not finish" >&2; exit 1; }
echo "vm: $(wc -l <"$out/events.jsonl") events; facts in $out/facts.txt" >&2
