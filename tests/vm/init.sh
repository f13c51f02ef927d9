#!/bin/sh
# tests/vm/init.sh - /init of the VM lane (tests/vm/run.sh boots it; tests/e2e/test_vm.py
# checks what it prints). A pure cgroup v2 host on another kernel: lookout starts, and
# Docker-shaped sandboxes (a PID and mount namespace in /docker/<64 hex>) run, exit, are
# killed from the host, stopped by a runtime and OOM-killed; one is born in its cgroup
# (clone3 CLONE_INTO_CGROUP, /opt/rt/spawn, as crun does). Lines starting "LKVM " are for
# the host; lookout's JSON comes last, gzipped and base64-encoded between two markers.
#
# The "runtime" is a copy of busybox at /opt/rt/busybox (its own inode), given to lookout
# with --runtime-exe. Like runc it makes the namespaces, its child moves itself into the
# container's cgroup and then executes the workload, and it stops containers. Workloads
# are run by full path (/bin/...): busybox's shell runs a bare applet name from its own
# binary, which would be the runtime's.
export PATH=/bin
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp

say() { echo "LKVM $*"; }

# lkcg=v1 on the kernel command line: a legacy host (a tmpfs of v1 hierarchies, memory
# among them, no cgroup2 at all); else a unified one (cgroup2 at /sys/fs/cgroup).
MODE=v2
grep -q 'lkcg=v1' /proc/cmdline && MODE=v1
if [ $MODE = v1 ]; then
	mount -t tmpfs cgroup /sys/fs/cgroup
	mkdir /sys/fs/cgroup/memory /sys/fs/cgroup/pids
	mount -t cgroup -o memory cgroup /sys/fs/cgroup/memory
	mount -t cgroup -o pids cgroup /sys/fs/cgroup/pids
	CG=/sys/fs/cgroup/memory
else
	mount -t cgroup2 none /sys/fs/cgroup
	CG=/sys/fs/cgroup
	echo "+memory +pids" > $CG/cgroup.subtree_control
fi

finish() {
	say events-begin
	gzip -c /tmp/events.jsonl | base64
	say events-end
	say live-begin
	gzip -c /tmp/live.txt | base64
	say live-end
	say stderr-begin
	tail -n 20 /tmp/lookout.err
	say stderr-end
	say done
	poweroff -f
}

RT=/opt/rt/busybox
SP=/opt/rt/spawn	# starts a program inside a cgroup with clone3(CLONE_INTO_CGROUP)
say kernel "$(uname -r)" "$(uname -m)"
say mode $MODE
say cgroupfs "$(stat -f -c %t /sys/fs/cgroup)"
mkdir $CG/docker
[ $MODE = v1 ] || echo "+memory" > $CG/docker/cgroup.subtree_control
touch /tmp/events.jsonl /tmp/lookout.err /tmp/live.txt

# box ID CMD...: the runtime makes the namespaces; its child joins /docker/ID, then
# executes CMD (PID 1 of the new namespace).
box() {
	id=$1
	shift
	mkdir -p $CG/docker/$id
	if [ -n "$MEMMAX" ] && [ $MODE = v1 ]; then
		echo "$MEMMAX" > $CG/docker/$id/memory.limit_in_bytes
	elif [ -n "$MEMMAX" ]; then
		echo "$MEMMAX" > $CG/docker/$id/memory.max
		echo 0 > $CG/docker/$id/memory.swap.max 2>/dev/null
	fi
	$RT unshare -p -f -m --mount-proc $RT sh -c \
		'echo 0 > '"$CG/docker/$id"'/cgroup.procs && exec "$@"' box "$@" &
}

# init_of ID: the host PID of the box's PID 1 once it runs its workload (argv[0] $2)
init_of() {
	for _ in $(seq 100); do
		for p in $(cat $CG/docker/$1/cgroup.procs); do
			if [ "$(head -c ${#2} /proc/$p/cmdline 2>/dev/null)" = "$2" ]; then
				echo $p
				return
			fi
		done
		sleep 0.1
	done
}

wait_gone() {
	for _ in $(seq 100); do
		[ -d /proc/$1 ] || return 0
		sleep 0.1
	done
}

hexid() { printf '%s%063d' "$1" 0; }
S=$(hexid 5) A=$(hexid a) B=$(hexid b) C=$(hexid c) D=$(hexid d) E=$(hexid e) F=$(hexid f)

# A container that runs before lookout starts: seeded from the v2 tree.
box $S /bin/sleep 600
PS=$(init_of $S /bin/sleep)
say seeded $S $PS

t0=$(cut -d' ' -f1 /proc/uptime)
# started PID FILE: wait (up to 2 minutes) until that lookout wrote its lookout_start
# line to FILE, or ended; true if it did
started() {
	for _ in $(seq 1200); do
		grep -q 'lookout_start' "$2" && return 0
		[ -d /proc/$1 ] || return 1
		sleep 0.1
	done
	return 1
}

lookout --json --runtime-exe $RT --runtime-exe $SP > /tmp/events.jsonl 2> /tmp/lookout.err &
LK=$!
started $LK /tmp/events.jsonl
say lookout-started "$t0" "$(cut -d' ' -f1 /proc/uptime)"
if ! grep -q '"lookout_start"' /tmp/events.jsonl; then
	say lookout-failed
	finish
fi
# The live view an operator would watch, at 120 columns, from a second lookout.
COLUMNS=120 lookout --runtime-exe $RT --runtime-exe $SP > /tmp/live.txt 2>> /tmp/lookout.err &
LIVE=$!
started $LIVE /tmp/live.txt
say live-started "$(cut -d' ' -f1 /proc/uptime)"

# A: exec and exit of a program with arguments, the exit of a subshell that never
# executed anything, then a host kill -9 of its PID 1.
box $A /bin/sh -c '/bin/true one two; (/bin/true; exit 3); exec /bin/sleep 600'
PA=$(init_of $A /bin/sleep)
/bin/kill -9 "$PA" &
KA=$!
wait $KA
wait_gone "$PA"
say host-kill $A "$PA" "$KA"

# B: stopped by the runtime, in band: SIGTERM (PID 1 ignores it), then SIGKILL.
box $B /bin/sleep 600
PB=$(init_of $B /bin/sleep)
$RT kill -TERM "$PB"
sleep 0.2
$RT kill -KILL "$PB" &
KB=$!
wait $KB
wait_gone "$PB"
say runtime-stop $B "$PB" "$KB"

# E: a host kill through the 32-bit compat table: on x86_64 int $0x80 from a 64-bit
# process (which this Debian kernel, unlike the development host's, allows); on arm64
# /bin/sigtools is a 32-bit ARM program, an AArch32 task.
box $E /bin/sleep 600
PE=$(init_of $E /bin/sleep)
/bin/sigtools compat-kill "$PE" 9 &
KE=$!
wait $KE
say compat-status $?
wait_gone "$PE"
say compat-kill $E "$PE" "$KE"

# F: an interval timer's SIGALRM, raised in the timer interrupt on CPU 0, where dd sits
# in read and write: the interrupted task sent nothing.
box $F /bin/sh -c '/bin/taskset -c 0 /bin/dd if=/dev/zero of=/dev/null bs=64k 2>/dev/null &
	exec /bin/taskset -c 0 /bin/sigtools itimer 2000 2'
PF=$(init_of $F /bin/sigtools)
wait_gone "$PF"
say timer $F "$PF"

# C: an OOM kill in a memory-limited cgroup.
MEMMAX=24M box $C /bin/hog
PC=$(init_of $C /bin/hog)
wait_gone "$PC"
say oom $C "$PC"
MEMMAX=

# D: born in its cgroup, as crun starts containers (no cgroup_attach_task): its first
# process, then one that joins it, as crun exec does. cgroup v2 only.
if [ $MODE = v2 ]; then
	mkdir $CG/docker/$D
	$SP $CG/docker/$D /bin/sleep 600 &
	PD=$(init_of $D /bin/sleep)
	$SP $CG/docker/$D /bin/true joined
	$RT kill -KILL "$PD"
	wait_gone "$PD"
	say clone-into-cgroup $D "$PD"
fi

# The seeded one ends by the runtime too.
$RT kill -KILL "$PS"
wait_gone "$PS"
say seeded-stop $S "$PS"

sleep 0.5
kill -INT $LIVE
wait $LIVE
say live-exit $?
kill -INT $LK
wait $LK
say lookout-exit $?
finish
