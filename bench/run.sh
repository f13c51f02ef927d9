#!/usr/bin/env bash
# run.sh - lookout's overhead, latency, startup and loss benchmark.
#
#   bench/run.sh            overhead (interleaved, repeated), BPF run time, CPU per
#                           event, memory, alert latency, startup (~13 min)
#   bench/run.sh --quick    the same, shorter (~3 min)
#   bench/run.sh --loss     loss: 100,000 storm rounds in a container, default
#                           buffers, then a 4K events buffer (--quick: 20,000)
#   --reps N, --rounds N    repetitions and storm rounds of the overhead matrix
#   LOOKOUT=PATH            the lookout binary to measure (default: ./lookout)
#
# Needs root. Installs libbpf-tools if missing, starts dockerd and the test image
# with scripts/dockerd.sh and scripts/images.sh, mounts tracefs for the peers (and
# unmounts it after). Prints the report on stdout and keeps it, with the raw
# numbers, in bench/build/results/<time>/. Method: bench/README.md.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
BUILD=$HERE/build
LOOKOUT_SRC=${LOOKOUT:-$ROOT/lookout}
IMAGE=${LOOKOUT_TEST_IMAGE:-lookout-test/box:latest}
PEERS=(execsnoop exitsnoop sigsnoop)
CASES=(none floor lookout lookout-json lookout-all-json peers)
TAG=lkbench-$$
HZ=$(getconf CLK_TCK)

usage() {
	sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
	exit "${1:-0}"
}

MODE=overhead
QUICK=0
REPS= ROUNDS=
while [ $# -gt 0 ]; do
	case $1 in
	--quick) QUICK=1 ;;
	--loss) MODE=loss ;;
	--reps) REPS=$2; shift ;;
	--rounds) ROUNDS=$2; shift ;;
	-h|--help) usage 0 ;;
	*) echo "run.sh: unknown option '$1'" >&2; usage 64 >&2 ;;
	esac
	shift
done

# Sizes; each can also be set from the environment (BENCH_LAT_KILLS=20 ...).
if [ "$QUICK" = 1 ]; then
	: "${REPS:=3}" "${ROUNDS:=600}"
	STATS_ROUNDS=${BENCH_STATS_ROUNDS:-800} STATS_REPS=${BENCH_STATS_REPS:-1}
	LAT_KILLS=${BENCH_LAT_KILLS:-50}
	START_REPS=${BENCH_START_REPS:-1} LOSS_ROUNDS=${BENCH_LOSS_ROUNDS:-20000}
else
	: "${REPS:=7}" "${ROUNDS:=3000}"
	STATS_ROUNDS=${BENCH_STATS_ROUNDS:-1500} STATS_REPS=${BENCH_STATS_REPS:-3}
	LAT_KILLS=${BENCH_LAT_KILLS:-200}
	START_REPS=${BENCH_START_REPS:-3} LOSS_ROUNDS=${BENCH_LOSS_ROUNDS:-100000}
fi
START_PROCS=${BENCH_START_PROCS:-1000}

log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
die() { echo "run.sh: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (BPF, docker, /proc of other processes)"

# ---- cleanup: every process, container, mount and setting this run changes --------------

TRACER_PIDS=()
BG_PIDS=()
CONTAINERS=()
STATS_OLD=
MOUNTED_TRACEFS=0

cleanup() {
	local p
	set +e
	for p in "${TRACER_PIDS[@]}" "${BG_PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${TRACER_PIDS[@]}" "${BG_PIDS[@]}"; do
		for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	[ ${#CONTAINERS[@]} -eq 0 ] || docker rm -f "${CONTAINERS[@]}" >/dev/null 2>&1
	[ -z "$STATS_OLD" ] || sysctl -q -w kernel.bpf_stats_enabled="$STATS_OLD" >/dev/null
	[ "$MOUNTED_TRACEFS" = 0 ] || umount /sys/kernel/tracing 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- setup ---------------------------------------------------------------------------------

make -s -C "$HERE" >&2 || die "cannot build the bench (make -C bench)"
if [ ! -x "$LOOKOUT_SRC" ] && [ -z "${LOOKOUT:-}" ]; then
	log "building lookout"
	make -s -C "$ROOT" lookout >&2 || die "cannot build lookout (make)"
fi
[ -x "$LOOKOUT_SRC" ] || die "no lookout at $LOOKOUT_SRC"
"$ROOT/scripts/dockerd.sh" >&2
"$ROOT/scripts/images.sh" >&2
if [ "$MODE" = overhead ]; then
	if [ "$(dpkg-query -W -f='${db:Status-Status}' libbpf-tools 2>/dev/null)" != installed ]; then
		log "installing libbpf-tools (the peers)"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q libbpf-tools >&2 ||
			{ apt-get update -q >&2 &&
			  DEBIAN_FRONTEND=noninteractive apt-get install -y -q libbpf-tools >&2; } ||
			die "cannot install libbpf-tools"
	fi
	for t in "${PEERS[@]}"; do
		p=$(dpkg -L libbpf-tools | grep -E "/s?bin/$t\$" | head -1)
		[ -n "$p" ] || die "libbpf-tools has no $t"
		declare "PEER_$t=$p"
	done
	# The peers attach classic tracepoints, which libbpf finds through tracefs.
	if [ ! -e /sys/kernel/tracing/events ]; then
		mount -t tracefs tracefs /sys/kernel/tracing || die "cannot mount tracefs"
		MOUNTED_TRACEFS=1
	fi
fi

RES=$BUILD/results/$(date +%Y%m%d-%H%M%S)
mkdir -p "$RES"
REPORT=$RES/report.txt
# One binary for the whole run, even if the tree is rebuilt meanwhile (its BPF
# object is inside it).
LOOKOUT=$RES/lookout
cp "$LOOKOUT_SRC" "$LOOKOUT"

# Not in $(...): the name must reach CONTAINERS of this shell, for the cleanup.
start_container() { # NAME CMD... -> sets CONTAINER_ID
	CONTAINERS+=("$1")
	CONTAINER_ID=$(docker run -d --name "$1" --network none -v "$BUILD:/bench:ro" "$IMAGE" "${@:2}") ||
		die "cannot start container $1"
}

remove_containers() { # NAME...
	local keep=() c n
	docker rm -f "$@" >/dev/null 2>&1 || true
	for c in "${CONTAINERS[@]}"; do
		for n in "$@"; do [ "$c" = "$n" ] && continue 2; done
		keep+=("$c")
	done
	CONTAINERS=("${keep[@]}")
}

STORM_C=$TAG-storm
start_container "$STORM_C" sleep 1000000
STORM_ID=$CONTAINER_ID

# ---- helpers -----------------------------------------------------------------------------------

kv() { # KEY LINE -> value
	local v
	v=$(grep -o "\\b$1=[^ ]*" <<<"$2" | head -1) || true
	echo "${v#*=}"
}

cpu_ticks() { # PID... -> utime+stime summed (clock ticks)
	local p t=0 s
	for p in "$@"; do
		s=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12 + $13}') || s=0
		t=$((t + ${s:-0}))
	done
	echo "$t"
}

count_lines() { # FILE... -> lines (0 when none)
	local n=0 f
	for f in "$@"; do
		[ -f "$f" ] && n=$((n + $(wc -l <"$f")))
	done
	echo "$n"
}

fd_count() { # PID PATTERN
	ls -l "/proc/$1/fd" 2>/dev/null | grep -c "$2" || true
}

# BPF programs on tracepoints loaded by anyone but this run's tracer: other
# engineers' lookouts, other tools. Recorded with every sample.
foreign_progs() {
	local all own=0 p
	all=$(bpftool prog show --json 2>/dev/null |
		grep -oE '"type":"(tracing|tracepoint|raw_tracepoint|kprobe|perf_event)"' |
		wc -l) || all=0
	for p in "${TRACER_PIDS[@]}"; do own=$((own + $(fd_count "$p" bpf-prog))); done
	echo $((all - own))
}

wait_idle() { # PID...: until the tracer has used no CPU for 0.2 s (at most 5 s)
	local last now i
	[ $# -gt 0 ] || return 0
	last=$(cpu_ticks "$@")
	for i in $(seq 50); do
		sleep 0.1
		now=$(cpu_ticks "$@")
		if [ "$now" = "$last" ] && [ $((i % 2)) = 0 ]; then return 0; fi
		[ "$now" = "$last" ] || last=$now
	done
}

# lookout is ready when the task walk that seeds running processes is done: it
# drops its capabilities right after (user/main.c), which /proc shows.
wait_lookout_ready() { # PID
	local mine theirs
	mine=$(awk '/^CapEff/ {print $2}' /proc/self/status)
	for _ in $(seq 600); do
		kill -0 "$1" 2>/dev/null || return 1
		theirs=$(awk '/^CapEff/ {print $2}' "/proc/$1/status" 2>/dev/null) || true
		[ -n "$theirs" ] && [ "$theirs" != "$mine" ] && return 0
		sleep 0.05
	done
	return 1
}

wait_links() { # PID: until it holds at least one attached BPF link
	for _ in $(seq 600); do
		kill -0 "$1" 2>/dev/null || return 1
		[ "$(fd_count "$1" bpf_link)" -gt 0 ] && return 0
		sleep 0.05
	done
	return 1
}

# The binary must load here before anything is measured.
"$LOOKOUT" --json >/dev/null 2>"$RES/check.err" &
TRACER_PIDS=($!)
wait_lookout_ready "${TRACER_PIDS[0]}" || die "$LOOKOUT_SRC does not run: $(tail -1 "$RES/check.err")"
kill -TERM "${TRACER_PIDS[0]}"
wait "${TRACER_PIDS[0]}" || true
TRACER_PIDS=()

# Starts a case's tracer; sets TRACER_PIDS and OUTS (files its events go to).
# Returns non-zero (tracer stopped, reason in TRACER_ERR) when it does not start.
tracer_start() { # CASE PREFIX
	local c=$1 pre=$2 p t ok=1
	TRACER_PIDS=()
	OUTS=()
	TRACER_ERR=
	case $c in
	none) return 0 ;;
	floor)
		"$BUILD/floor" >"$pre.out" 2>"$pre.err" &
		TRACER_PIDS=($!)
		ok=0
		for _ in $(seq 600); do
			grep -q ready "$pre.out" 2>/dev/null && { ok=1; break; }
			kill -0 "${TRACER_PIDS[0]}" 2>/dev/null || break
			sleep 0.05
		done
		;;
	lookout)
		"$LOOKOUT" >/dev/null 2>"$pre.err" &
		TRACER_PIDS=($!)
		;;
	lookout-json)
		"$LOOKOUT" --json >"$pre.json" 2>"$pre.err" &
		TRACER_PIDS=($!)
		OUTS=("$pre.json")
		;;
	lookout-all-json)
		"$LOOKOUT" --all --json >"$pre.json" 2>"$pre.err" &
		TRACER_PIDS=($!)
		OUTS=("$pre.json")
		;;
	peers)
		for t in "${PEERS[@]}"; do
			p=PEER_$t
			"${!p}" >"$pre.$t" 2>"$pre.$t.err" &
			TRACER_PIDS+=($!)
			OUTS+=("$pre.$t")
		done
		for p in "${TRACER_PIDS[@]}"; do
			wait_links "$p" || ok=0
		done
		sleep 0.3
		;;
	esac
	case $c in lookout*)
		wait_lookout_ready "${TRACER_PIDS[0]}" || ok=0
		sleep 0.3
		;;
	esac
	if [ $ok = 0 ]; then
		TRACER_ERR="$c did not start: $(cat "$pre".*err 2>/dev/null | tail -3)"
		tracer_stop
		return 1
	fi
	# Memory, twice a second, for as long as the tracer lives.
	for p in "${TRACER_PIDS[@]}"; do
		( while kill -0 "$p" 2>/dev/null; do
			m=$("$BUILD/probe" mem "$p" 2>/dev/null) && echo "$c $p $m"
			sleep 0.5
		  done ) >>"$RES/mem.txt" &
		BG_PIDS+=($!)
	done
}

tracers_alive() {
	local p
	for p in "${TRACER_PIDS[@]}"; do kill -0 "$p" 2>/dev/null || return 1; done
}

# Someone else stopped our tracer (a broad pkill on a shared machine): say who,
# when lookout's JSON tells.
tracer_lost() { # CASE PREFIX
	local who
	who=$(grep -ho '"event":"lookout_stop".*' "$2".json 2>/dev/null |
		grep -o '"stopped_by":{"host_pid":[0-9]*' | grep -o '[0-9]*$' | head -1) || true
	log "WARNING: $1: a tracer process ended during the measurement${who:+ (lookout says: stopped by pid $who)}; running it again"
	RETRIES=$((RETRIES + 1))
}
RETRIES=0

tracer_stop() {
	local p
	for p in "${TRACER_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	for p in "${TRACER_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
	for p in "${BG_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
	TRACER_PIDS=()
	BG_PIDS=()
}

retry() { # CMD...: up to 3 attempts
	local a
	for a in 1 2 3; do
		"$@" && return 0
	done
	die "$* failed 3 times"
}

storm() { # PLACEMENT ARGS... -> storm's line
	if [ "$1" = host ]; then
		"$BUILD/storm" "${@:2}"
	else
		docker exec "$STORM_C" /bench/storm "${@:2}"
	fi
}

median() { sort -g | awk '{a[NR] = $1} END {if (NR == 0) print "nan"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

hooks_of() { grep -o 'SEC("tp_btf/[a-z_]*")' "$1" | sort -u | sed 's/SEC("tp_btf\/\(.*\)")/\1/'; }

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
header() {
	echo "lookout bench ($MODE$([ "$QUICK" = 1 ] && echo ", quick")) $(date -u +%FT%TZ)"
	echo "  kernel $(uname -r), $(nproc) CPUs, load average at start $LOAD0"
	echo "  $("$LOOKOUT" --version 2>/dev/null | head -1) from $LOOKOUT_SRC ($(sha256sum "$LOOKOUT" | cut -c1-12));" \
		"repo HEAD $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ', tree modified')"
	if diff <(hooks_of "$ROOT/bpf/lookout.bpf.c") <(hooks_of "$HERE/floor.bpf.c") >/dev/null; then
		echo "  floor: empty programs on lookout's $(hooks_of "$HERE/floor.bpf.c" | wc -l) hooks"
	else
		echo "  WARNING: floor.bpf.c's hooks differ from bpf/lookout.bpf.c's:"
		diff <(hooks_of "$ROOT/bpf/lookout.bpf.c") <(hooks_of "$HERE/floor.bpf.c") | sed 's/^/    /'
	fi
}

# ---- loss mode -----------------------------------------------------------------------------------

loss_case() { # LABEL LOOKOUT-ARGS...
	local label=$1 pre=$RES/loss-$1 line cnt
	"$LOOKOUT" --json "${@:2}" >"$pre.json" 2>"$pre.err" &
	TRACER_PIDS=($!)
	wait_lookout_ready "${TRACER_PIDS[0]}" || { tracer_stop; log "lookout did not start: $(cat "$pre.err")"; return 1; }
	sleep 0.3
	log "loss: $label: $LOSS_ROUNDS rounds in a container"
	line=$(storm container -n "$LOSS_ROUNDS" --counts) || die "storm failed: $line"
	echo "$line" >"$pre.storm"
	wait_idle "${TRACER_PIDS[@]}"
	tracers_alive || { tracer_stop; tracer_lost lookout "$pre"; return 1; }
	tracer_stop
	cnt=$("$BUILD/probe" count --container "$STORM_ID" --storm-pid "$(kv storm_pid "$line")" \
		--helper-pid "$(kv helper_pid "$line")" <"$pre.json")
	echo "$cnt" >"$pre.count"
	awk -v label="$label" -v s="$line" -v c="$cnt" 'function get(str, k,   n, i, a, b) {
			n = split(str, a, " ")
			for (i = 1; i <= n; i++) { split(a[i], b, "="); if (b[1] == k) return b[2] }
			return 0 }
		BEGIN {
			split("execs exits sigusr1 sigchld", k, " ")
			printf "%s (%s rounds/s under lookout)\n", label, get(s, "rounds_per_sec")
			printf "  %-8s %10s %10s %10s\n", "event", "caused", "reported", "missing"
			for (i = 1; i <= 4; i++) {
				e = get(s, k[i]); r = get(c, k[i]); te += e; tr += r
				printf "  %-8s %10d %10d %10d\n", k[i], e, r, e - r
			}
			printf "  %-8s %10d %10d %10d\n", "total", te, tr, te - tr
			d = get(c, "dropped_events") + get(c, "dropped_alerts")
			l = get(c, "lost_events") + get(c, "lost_alerts")
			m = te - tr
			printf "  lookout_stop totals.dropped: events %d, alerts %d; `lost` lines: %d, counts sum %d (%s)\n",
				get(c, "dropped_events"), get(c, "dropped_alerts"), get(c, "lost_lines"), l,
				(l == d ? "== totals" : "!= totals")
			if (m == d) {
				printf "  dropped == missing: yes (%d)\n", d
			} else if (d > m) {
				# Records outside the rounds: storm'"'"'s own exec/exit, docker exec'"'"'s
				# runc, the helper'"'"'s end, other containers on this host.
				o = get(c, "stop_events") - tr
				printf "  dropped == missing: no, dropped %d = %d missing storm events + %d other records\n", d, m, d - m
				printf "    (records outside the rounds: %d received, %d dropped = %.1f%%; the rounds lost %.1f%%)\n",
					o, d - m, 100 * (d - m) / (o + d - m), 100 * m / te
			} else {
				printf "  dropped == missing: NO: %d storm events missing, only %d drops counted: %d lost silently\n", m, d, m - d
			}
		}'
	rm -f "$pre.json"
}

if [ "$MODE" = loss ]; then
	{
		header
		echo
		echo "== Loss: storm in a container, events lookout reported for it vs events it caused"
		retry loss_case "default buffers"
		retry loss_case "--events-buffer 4K" --events-buffer 4K
	} | tee "$REPORT"
	log "raw data: $RES"
	exit 0
fi

# ---- overhead: interleaved, repeated ------------------------------------------------------------

SAMPLES=$RES/samples.txt
: >"$SAMPLES"
: >"$RES/mem.txt"
ncases=${#CASES[@]}
# One tracer instance: both placements. Fails when the tracer did not last.
overhead_instance() { # REP CASE
	local rep=$1 c=$2 pre=$RES/run-$1-$2 places place out=() f0 f1 t0 t1 l0 l1 line rate cpu
	tracer_start "$c" "$pre" || { log "$TRACER_ERR"; return 1; }
	if [ $((rep % 2)) = 1 ]; then places="host container"; else places="container host"; fi
	for place in $places; do
		f0=$(foreign_progs)
		t0=$(cpu_ticks "${TRACER_PIDS[@]}")
		l0=$(count_lines "${OUTS[@]}")
		line=$(storm "$place" -n "$ROUNDS") || die "storm failed ($c, $place): $line"
		wait_idle "${TRACER_PIDS[@]}"
		t1=$(cpu_ticks "${TRACER_PIDS[@]}")
		l1=$(count_lines "${OUTS[@]}")
		f1=$(foreign_progs)
		tracers_alive || { tracer_stop; tracer_lost "$c" "$pre"; return 1; }
		rate=$(kv rounds_per_sec "$line")
		cpu=$(kv cpu_us_per_round "$line")
		[ -n "$rate" ] || die "storm failed: $line"
		out+=("$rep $c $place $rate $((t1 - t0)) $((l1 - l0)) $((f0 > f1 ? f0 : f1)) $cpu")
		log "rep $rep/$REPS $c $place: $rate rounds/s, $cpu us CPU/round"
	done
	tracer_stop
	rm -f "$pre.json" "$pre".*snoop
	printf '%s\n' "${out[@]}" >>"$SAMPLES"
}

for rep in $(seq 1 "$REPS"); do
	for i in $(seq 0 $((ncases - 1))); do
		retry overhead_instance "$rep" "${CASES[$(((i + rep) % ncases))]}"
	done
done

# ---- BPF run time per event (kernel.bpf_stats_enabled) --------------------------------------------

# A program's counters count every process that hits the hook, not only the
# storm: other work on the machine adds runs, never removes any. So each tracer
# runs STATS_REPS times (interleaved), and per tracer and placement the run with
# the fewest program runs, the least disturbed, is the one reported.
STATS_OLD=$(sysctl -n kernel.bpf_stats_enabled)
sysctl -q -w kernel.bpf_stats_enabled=1
STATS=$RES/bpfstats.txt
STATS_ALL=$RES/bpfstats-all.txt
: >"$STATS_ALL"
STATS_CASES=(floor lookout lookout-json lookout-all-json peers)
progs_of() { local p; for p in "${TRACER_PIDS[@]}"; do "$BUILD/probe" progs "$p"; done; }
stats_instance() { # CASE REP
	local c=$1 k=$2 pre=$RES/stats-$1-$2 ph place
	tracer_start "$c" "$pre" || { log "$TRACER_ERR"; return 1; }
	progs_of >"$pre.0"
	storm host -n "$STATS_ROUNDS" >/dev/null
	wait_idle "${TRACER_PIDS[@]}"
	progs_of >"$pre.1"
	storm container -n "$STATS_ROUNDS" >/dev/null
	wait_idle "${TRACER_PIDS[@]}"
	progs_of >"$pre.2"
	tracers_alive || { tracer_stop; tracer_lost "$c" "$pre"; return 1; }
	tracer_stop
	rm -f "$pre.json" "$pre".*snoop
	for ph in 1 2; do
		place=$([ $ph = 1 ] && echo host || echo container)
		# case place rep prog_id hook runs ns, as deltas against the snapshot before
		awk -v c="$c" -v place="$place" -v k="$k" '
			{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
			FNR == NR { cnt[v["prog_id"]] = v["run_cnt"]; ns[v["prog_id"]] = v["run_time_ns"]; next }
			{ print c, place, k, v["prog_id"], v["hook"], v["run_cnt"] - cnt[v["prog_id"]], v["run_time_ns"] - ns[v["prog_id"]] }
		' "$pre.$((ph - 1))" "$pre.$ph" >>"$STATS_ALL"
	done
}
for k in $(seq 1 "$STATS_REPS"); do
	for i in $(seq 0 $((${#STATS_CASES[@]} - 1))); do
		c=${STATS_CASES[$(((i + k) % ${#STATS_CASES[@]}))]}
		retry stats_instance "$c" "$k"
		log "bpf stats: $c $k/$STATS_REPS done"
	done
done
sysctl -q -w kernel.bpf_stats_enabled="$STATS_OLD"
STATS_OLD=
# The least disturbed repetition of each tracer and placement: case place prog hook runs ns.
awk 'NR == FNR {t[$1 " " $2 " " $3] += $6; next}
	FNR == 1 {for (x in t) {split(x, a, " "); k = a[1] " " a[2]; if (!(k in m) || t[x] < m[k]) {m[k] = t[x]; b[k] = a[3]}}}
	b[$1 " " $2] == $3 {print $1, $2, $4, $5, $6, $7}' "$STATS_ALL" "$STATS_ALL" >"$STATS"

# ---- alert latency: SIGKILL from the host to container processes ------------------------------

# lookout, and sigsnoop as the reference: the same kernel -> userspace -> pipe path
# with the smallest consumer (line-buffered, as on a terminal).
LAT=$RES/latency.txt
: >"$LAT"
latency_run() { # COND TRACER
	local cond=$1 who=$2 spid line cmd fmt
	docker exec -d "$STORM_C" sh -c "for i in \$(seq $LAT_KILLS); do sleep 600 & done; wait"
	for _ in $(seq 200); do
		docker top "$STORM_C" -eo pid,args |
			awk '$2 == "sleep" && $3 == "600" {print $1}' >"$RES/victims"
		[ "$(wc -l <"$RES/victims")" -ge "$LAT_KILLS" ] && break
		sleep 0.1
	done
	spid=
	if [ $cond = storm ]; then
		storm container -n 0 --seconds $((6 + LAT_KILLS / 25)) >"$RES/latency-storm.out" &
		spid=$!
		BG_PIDS+=($spid)
	fi
	if [ $who = lookout ]; then
		cmd=("$LOOKOUT" --json)
		fmt=lookout
	else
		cmd=(stdbuf -oL "$PEER_sigsnoop")
		fmt=sigsnoop
	fi
	line=$("$BUILD/probe" latency --pids "$RES/victims" --format $fmt \
		--raw "$RES/latency-$cond-$who.raw" --stderr "$RES/latency-$cond-$who.err" \
		-- "${cmd[@]}") || true
	[ -z "$spid" ] || wait "$spid" || true
	BG_PIDS=()
	log "latency $cond $who: $line"
	# A tracer stopped from outside ends before the kills are done.
	if [ "$(kv ended_early "$line")" != 1 ] || [ "$attempt" -ge 3 ]; then
		echo "$cond $who $line" >>"$LAT"
		return 0
	fi
	tracer_lost "$who" "$RES/latency-$cond-$who"
	return 1
}
for cond in idle storm; do
	for who in lookout sigsnoop; do
		for attempt in 1 2 3; do
			latency_run "$cond" "$who" && break
		done
	done
done

# ---- startup and memory with 1,000 more tracked processes ---------------------------------------

START=$RES/startup.txt
: >"$START"
startup_run() { # CONDITION
	local line a
	for a in 1 2 3; do
		if line=$("$BUILD/probe" startup --stderr "$RES/startup.err" -- "$LOOKOUT" --json); then
			echo "$1 $line" >>"$START"
			log "startup $1: $line"
			return 0
		fi
		log "startup probe failed: $line $(cat "$RES/startup.err")"
		RETRIES=$((RETRIES + 1))
	done
	die "startup probe failed 3 times"
}
for _ in $(seq "$START_REPS"); do startup_run base; done
per=100
names=()
for i in $(seq 1 $((START_PROCS / per))); do
	names+=("$TAG-s$i")
	start_container "$TAG-s$i" sh -c "for i in \$(seq $per); do sleep 600 & done; wait"
done
for _ in $(seq 300); do
	n=0
	for c in "${names[@]}"; do
		n=$((n + $(docker top "$c" -eo pid,args | grep -c ' sleep 600' || true)))
	done
	[ "$n" -ge "$START_PROCS" ] && break
	sleep 0.2
done
log "startup: $n sleep processes in ${#names[@]} containers"
for _ in $(seq "$START_REPS"); do startup_run loaded; done
remove_containers "${names[@]}"
for _ in $(seq "$START_REPS"); do startup_run base; done

# ---- the report ----------------------------------------------------------------------------------

{
header
echo "  load average at end $(cut -d' ' -f1-3 /proc/loadavg); tracer runs ended from outside and rerun: $RETRIES"
echo
echo "== Throughput: storm rounds/s (fork + exec of a static binary + SIGUSR1 + reap)"
echo "   median of $REPS interleaved repetitions x $ROUNDS rounds. slowdown = none/case rounds/s,"
echo "   paired within a repetition, median over repetitions (vs floor: floor/case). CPU us/rd:"
echo "   the storm's own CPU time per round (with its children; BPF programs run there);"
echo "   CPU x: case/none, paired the same way. Both ratios: >1 is worse."
ratio_col() { # CASE PLACEMENT BASECASE COLUMN -> median over reps of base/case (or case/base for CPU)
	awk -v c="$1" -v p="$2" -v b="$3" -v k="$4" '$3 == p && $2 == b {n[$1] = $k} $3 == p && $2 == c {x[$1] = $k}
		END {for (r in x) if (n[r] > 0 && x[r] > 0) print (k == 4 ? n[r] / x[r] : x[r] / n[r])}' "$SAMPLES" | median
}
for place in host container; do
	printf '\n%-10s %-17s %9s %8s %8s %11s %10s %8s %8s\n' "$place" case "rounds/s" "slowdown" "vs floor" \
		"spread" "CPU us/rd" "CPU x" "vs floor"
	for c in "${CASES[@]}"; do
		med=$(awk -v c="$c" -v p="$place" '$2 == c && $3 == p {print $4}' "$SAMPLES" | median)
		cpu=$(awk -v c="$c" -v p="$place" '$2 == c && $3 == p {print $8}' "$SAMPLES" | median)
		spread=$(awk -v c="$c" -v p="$place" '$2 == c && $3 == p {v = $4; if (min == "" || v < min) min = v; if (v > max) max = v}
			END {printf "%.0f-%.0f", min, max}' "$SAMPLES")
		printf '%-10s %-17s %9.0f %7.3fx %7.3fx %11s %10.0f %7.3fx %7.3fx\n' "" "$c" "$med" \
			"$(ratio_col "$c" "$place" none 4)" "$(ratio_col "$c" "$place" floor 4)" "$spread" \
			"$cpu" "$(ratio_col "$c" "$place" none 8)" "$(ratio_col "$c" "$place" floor 8)"
	done
done
nf=$(awk '$7 > 0' "$SAMPLES" | wc -l)
echo
echo "   samples with other tracers' BPF programs loaded meanwhile: $nf of $(wc -l <"$SAMPLES")" \
	"(max $(awk 'BEGIN {m = 0} $7 > m {m = $7} END {print m}' "$SAMPLES") programs; they slow every case)"

echo
echo "== Tracer userspace CPU (utime+stime from /proc/PID/stat, all repetitions summed)"
printf '%-10s %-18s %14s %12s %14s\n' placement case "us/round" "lines/round" "us/line"
for place in container host; do
	for c in lookout lookout-json lookout-all-json peers; do
		awk -v c="$c" -v p="$place" -v hz="$HZ" -v r="$ROUNDS" '$2 == c && $3 == p {t += $5; l += $6; n++}
			END {us = t * 1e6 / hz; printf "%-10s %-18s %14.1f %12s %14s\n", p, c, us / (n * r),
				(c == "lookout" ? "-" : sprintf("%.2f", l / (n * r))),
				(c == "lookout" || l == 0 ? "-" : sprintf("%.1f", us / l))}' "$SAMPLES"
	done
done
echo "   (lookout text mode writes to /dev/null: no lines to count. The peers' lines are"
echo "    stdio-buffered, so their count is short by up to one buffer per process.)"

echo
echo "== BPF programs' own run time (kernel.bpf_stats_enabled=1, $STATS_ROUNDS rounds; of $STATS_REPS runs"
echo "   per tracer the one with the fewest program runs, i.e. the least other activity)"
printf '%-10s %-18s %12s %12s %12s %10s\n' placement tracer "runs/round" "ns/round" "ns/run" "vs floor"
for place in container host; do
	fl=$(awk -v p="$place" '$1 == "floor" && $2 == p {ns += $6} END {print ns}' "$STATS")
	for c in floor lookout lookout-json lookout-all-json peers; do
		awk -v c="$c" -v p="$place" -v r="$STATS_ROUNDS" -v fl="$fl" '$1 == c && $2 == p {n += $5; ns += $6}
			END {printf "%-10s %-18s %12.2f %12.0f %12.0f %9.2fx\n", p, c, n / r, ns / r,
				(n ? ns / n : 0), (fl > 0 ? ns / fl : 0)}' "$STATS"
	done
done
echo
echo "   lookout (default mode), per program:"
printf '   %-10s %-20s %10s %10s %12s\n' placement hook "runs/round" "ns/run" "floor ns/run"
for place in container host; do
	awk -v r="$STATS_ROUNDS" -v p="$place" '$2 == p && ($1 == "lookout" || $1 == "floor") {n[$1, $4] += $5; ns[$1, $4] += $6; h[$4] = 1}
		END {for (k in h) if (n["lookout", k] > 0) printf "   %-10s %-20s %10.2f %10.0f %12.0f\n", p, k,
			n["lookout", k] / r, ns["lookout", k] / n["lookout", k],
			(n["floor", k] ? ns["floor", k] / n["floor", k] : 0)}' "$STATS" | sort -k2
done

echo
echo "== Memory: RSS without BPF map mappings (ring buffers), sampled every 0.5 s while the"
echo "   tracer runs (throughput and BPF-stats runs); 'ready' is the first sample, just after start"
printf '%-18s %12s %16s %10s %16s %14s\n' case "ready (KiB)" "peak rss (KiB)" "peak/ready" "bpf maps (KiB)" "VmHWM (KiB)"
for c in lookout lookout-json lookout-all-json peers; do
	awk -v c="$c" '$1 == c {split($3, a, "="); split($4, b, "="); split($5, h, "=");
			if (!($2 in f)) f[$2] = a[2]
			if (a[2] > r[$2]) r[$2] = a[2]; if (b[2] > m[$2]) m[$2] = b[2]; if (h[2] > w[$2]) w[$2] = h[2]}
		END {for (p in r) {n++; F[n] = f[p]; if (r[p] > R) R = r[p]; if (m[p] > M) M = m[p]; if (w[p] > W) W = w[p]}
			for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (F[j] < F[i]) {t = F[i]; F[i] = F[j]; F[j] = t}
			med = n % 2 ? F[(n + 1) / 2] : (F[n / 2] + F[n / 2 + 1]) / 2
			printf "%-18s %12d %16d %9.1fx %16d %14d\n", c, med, R, (med > 0 ? R / med : 0), M, W}' "$RES/mem.txt"
done
echo "   (ready: median over runs; peak: the largest sample of any run. peers: per process, the"
echo "    largest of the three. lookout's load-time peak, before ready, is in the startup section.)"

echo
echo "== Alert latency: kill(2) of a container process from the host -> the tracer's line for"
echo "   that signal read from its stdout pipe ($LAT_KILLS kills each, one at a time, 5-25 ms apart)"
printf '%-6s %-9s %8s %8s %9s %9s %9s %9s %13s\n' cond tracer matched missing "p50 ms" "p90 ms" "p99 ms" "max ms" "kernel-stamp"
while read -r cond who line; do
	ks=$(kv kernel_stamp_p50_ms "$line")
	[ "$who" = lookout ] && ks="$ks ms" || ks=-
	printf '%-6s %-9s %8s %8s %9s %9s %9s %9s %13s\n' "$cond" "$who" "$(kv matched "$line")" \
		"$(kv missing "$line")" "$(kv p50_ms "$line")" "$(kv p90_ms "$line")" \
		"$(kv p99_ms "$line")" "$(kv max_ms "$line")" "$ks"
done <"$LAT"
awk '{for (i = 3; i <= NF; i++) {split($i, a, "="); v[$1, $2, a[1]] = a[2]}}
	END {split("idle storm", cs, " ")
		for (i = 1; i <= 2; i++) if (v[cs[i], "sigsnoop", "p50_ms"] > 0)
			printf "   %s: lookout / sigsnoop = %.2fx at p50, %.2fx at p99\n", cs[i],
				v[cs[i], "lookout", "p50_ms"] / v[cs[i], "sigsnoop", "p50_ms"],
				v[cs[i], "lookout", "p99_ms"] / v[cs[i], "sigsnoop", "p99_ms"]}' "$LAT"
echo "   (storm: the storm runs in the victims' container meanwhile. kernel-stamp: median of"
echo "    lookout's \"time\" minus the realtime stamp before kill(2): when the hook ran.)"
echo
echo "== Startup: lookout --json started -> lookout_start line, and -> ready (task walk"
echo "   done: capabilities dropped); memory after ready. base vs $START_PROCS more tracked processes"
printf '%-8s %12s %12s %14s %16s %12s\n' cond "start ms" "ready ms" "rss KiB" "peak rss KiB" "containers"
for cond in base loaded; do
	awk -v c="$cond" '$1 == c {for (i = 2; i <= NF; i++) {split($i, a, "="); v[a[1]] = a[2]}
		print v["start_line_ms"], v["ready_ms"], v["rss_kb"], v["peak_rss_kb"], v["existing_containers"]}' "$START" >"$RES/st.$cond"
	printf '%-8s %12.0f %12.0f %14.0f %16.0f %12.0f\n' "$cond" \
		"$(cut -d' ' -f1 "$RES/st.$cond" | median)" "$(cut -d' ' -f2 "$RES/st.$cond" | median)" \
		"$(cut -d' ' -f3 "$RES/st.$cond" | median)" "$(cut -d' ' -f4 "$RES/st.$cond" | median)" \
		"$(cut -d' ' -f5 "$RES/st.$cond" | median)"
done
awk 'NR == FNR {s1[NR] = $1; r1[NR] = $2; m1[NR] = $3; n1 = NR; next} {s2[FNR] = $1; r2[FNR] = $2; m2[FNR] = $3; n2 = FNR}
	function med(a, n,   i, j, t) {for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) {t = a[i]; a[i] = a[j]; a[j] = t}
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2}
	END {printf "ratio    %11.2fx %11.2fx %13.2fx   (loaded / base, medians; base runs before and after)\n",
		med(s2, n2) / med(s1, n1), med(r2, n2) / med(r1, n1), med(m2, n2) / med(m1, n1)}' \
	"$RES/st.base" "$RES/st.loaded"
echo "   (lookout writes lookout_start before it walks the running tasks; \"ready\" is when"
echo "    the walk is done. peak rss includes libbpf's load-time peak.)"
} | tee "$REPORT"
log "raw data: $RES"
