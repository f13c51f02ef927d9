// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_snapshot.c - `lookout ps` and `lookout inspect`: the /proc parsers of snapshot.c
 * and the writers of snapshot_output.c.
 *
 * Parsers, on the whole input: stat (comm, which the process chooses, may hold ')', spaces
 * and newlines), status (NSpid, Uid) and a namespace link's text. Checked against
 * references written from proc(5): comm is what lies between the first '(' and the last
 * ')', cut to fit; a parsed link prints back to the same bytes.
 *
 * Writers, on fields cut from the input: a container whose name, image, id and cgroup,
 * and a process whose comm and argv, are any bytes. The tables must stay on their lines
 * with no control character and valid UTF-8; the JSON must be one strict value whose
 * strings decode to the input with each invalid byte as U+FFFD.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "fuzz.h"
#include "fuzz_json.h"
#include "outbuf.h"
#include "proc.h"
#include "snapshot.h"
#include "snapshot_output.h"

static void check_stat(const char *t, size_t n)
{
	unsigned long long start = 0, ref_start = 0;
	char comm[SNAP_COMM_MAX], state = 0;
	const char *open, *close = NULL;
	__u32 ppid = 0;
	size_t want;
	int r;

	r = snapshot_parse_stat(t, n, comm, sizeof(comm), &state, &ppid, &start);
	FUZZ_CHECK(r == 0 || r == -EINVAL, "returned %d", r);
	if (r)
		return;
	open = memchr(t, '(', n);
	for (size_t i = n; i > 0 && !close; i--)
		if (t[i - 1] == ')')
			close = t + i - 1;
	FUZZ_CHECK(open && close && close > open, "parsed without '(' ... ')'");
	want = (size_t)(close - open - 1);
	if (want > sizeof(comm) - 1)
		want = sizeof(comm) - 1;
	/* comm holds no NUL in the kernel's stat; with one here, the C string stops early */
	FUZZ_CHECK(strlen(comm) <= want && !memcmp(comm, open + 1, strlen(comm)),
		   "comm is not the bytes between the parentheses");
	FUZZ_CHECK(close[1] == ' ' && close[2] == state && close[3] == ' ', "state");
	FUZZ_CHECK(proc_parse_stat_start(t, n, &ref_start) == 0 && ref_start == start,
		   "start %llu, proc.c says %llu", start, ref_start);
}

static void check_status(const char *t, size_t n)
{
	unsigned int depth = 0;
	__u32 nspid = 0, uid = 0;
	int r;

	r = snapshot_parse_status(t, n, &nspid, &depth, &uid);
	FUZZ_CHECK(r == 0 || r == -EINVAL, "returned %d", r);
	if (r)
		return;
	FUZZ_CHECK(depth >= 1, "depth %u", depth);
	FUZZ_CHECK(n >= 4 && memmem(t, n, "Uid:", 4), "parsed without a Uid line");
	if (!nspid)
		FUZZ_CHECK(depth == 1, "no NSpid, yet depth %u", depth);
}

static void check_ns_link(const char *t, size_t n)
{
	char back[64];
	__u64 ino = 0;
	int r, len;

	r = snapshot_parse_ns_link(t, n, "pid", &ino);
	FUZZ_CHECK(r == 0 || r == -EINVAL, "returned %d", r);
	if (r)
		return;
	/* the kernel writes "pid:[%u]": only that very text parses */
	len = snprintf(back, sizeof(back), "pid:[%" PRIu64 "]", (uint64_t)ino);
	FUZZ_CHECK(ino && (size_t)len == n && !memcmp(back, t, n), "inode %" PRIu64
		   " from other text", (uint64_t)ino);
}

/* Text for a terminal: on its lines, no control character, valid UTF-8. */
static void check_text(const struct outbuf *b, const char *what, long lines)
{
	long nl = 0;

	FUZZ_CHECK(!b->failed && b->len && b->data[b->len - 1] == '\n', "%s: no final newline",
		   what);
	for (size_t i = 0; i < b->len; i++) {
		unsigned char c = (unsigned char)b->data[i];
		bool c1 = c == 0xc2 && i + 1 < b->len && (unsigned char)b->data[i + 1] >= 0x80 &&
			  (unsigned char)b->data[i + 1] <= 0x9f;

		nl += c == '\n';
		FUZZ_CHECK(c == '\n' || (c >= 0x20 && c != 0x7f && !c1),
			   "%s: control character at %zu", what, i);
	}
	FUZZ_CHECK(ref_utf8_valid((const uint8_t *)b->data, b->len), "%s: invalid UTF-8", what);
	if (lines >= 0)
		FUZZ_CHECK(nl == lines, "%s: %ld lines, want %ld", what, nl, lines);
}

/* JSON string obj[key] decodes to raw (a C string) with invalid bytes as U+FFFD. */
static void check_json_str(struct json_object *obj, const char *key, const char *raw)
{
	struct json_object *v = ref_get(obj, key);
	size_t wlen;
	char *want;

	if (!raw[0]) {
		FUZZ_CHECK(!v || !strcmp(key, "id") || !strcmp(key, "cgroup") ||
			   !strcmp(key, "comm"), "%s: \"\" should be null", key);
		if (!v)
			return;
	}
	FUZZ_CHECK(v && json_object_is_type(v, json_type_string), "%s is not a string", key);
	want = ref_replace_invalid(raw, strlen(raw), &wlen);
	FUZZ_CHECK((size_t)json_object_get_string_len(v) == wlen &&
		   !memcmp(json_object_get_string(v), want, wlen), "%s does not round-trip", key);
	free(want);
}

static void copy_field(struct fuzz_in *in, char *dst, size_t dstlen)
{
	size_t n;
	char *f = fuzz_field(in, dstlen - 1, &n, true);

	memcpy(dst, f, n + 1);
	free(f);
}

static void check_writers(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct snap_proc procs[2] = {};
	struct snap_container ctr = {};
	struct snapshot s = { .procs = procs, .nprocs = 2, .ctrs = &ctr, .nctrs = 1,
			      .ticks_per_sec = 100 };
	struct snap_clock clk;
	struct snap_namespaces ns;
	struct json_object *o, *arr, *list;
	char cgroup[300];
	struct outbuf b;

	ctr.runtime = (enum runtime_kind)(1 + fuzz_u8(&in) % RUNTIME_SANDBOX);
	copy_field(&in, ctr.id, sizeof(ctr.id));
	copy_field(&in, ctr.meta.name, sizeof(ctr.meta.name));
	copy_field(&in, ctr.meta.image, sizeof(ctr.meta.image));
	copy_field(&in, ctr.meta.pod, 64);
	copy_field(&in, cgroup, sizeof(cgroup));
	ctr.cgroup = cgroup;
	ctr.pidns = fuzz_u32(&in);
	ctr.mntns = fuzz_u32(&in);
	ctr.nprocs = 2;
	for (int i = 0; i < 2; i++) {
		struct snap_proc *p = &procs[i];

		p->pid = fuzz_u32(&in);
		if (i && p->pid == procs[0].pid)
			p->pid++;	/* two live processes never share a PID */
		p->ppid = i ? procs[0].pid : fuzz_u32(&in);
		p->ns_pid = fuzz_u32(&in);
		p->uid = fuzz_u32(&in);
		p->start_ticks = fuzz_u32(&in);
		p->entered = fuzz_u8(&in) & 1;
		copy_field(&in, p->comm, sizeof(p->comm));
		p->argv = fuzz_field(&in, 600, &p->argv_len, false);
		p->argv_truncated = fuzz_u8(&in) & 1;
	}
	fuzz_fill(&in, &ns, sizeof(ns));
	clk.boot_to_real_ns = (__s64)(fuzz_u32(&in) % 4000000000u) * 1000000000LL;
	clk.now_boot_ns = (__u64)fuzz_u32(&in) * 1000000ULL;

	outbuf_init(&b);
	snapshot_write_ps_text(&b, &s, &clk);
	check_text(&b, "ps", 2);
	outbuf_reset(&b);
	snapshot_write_inspect_text(&b, &s, &ctr, &ns, &clk);
	check_text(&b, "inspect", -1);
	outbuf_reset(&b);
	snapshot_write_candidates(&b, &s, (size_t[]){ 0 }, 1);
	outbuf_putc(&b, '\n');
	check_text(&b, "candidates", 1);

	outbuf_reset(&b);
	snapshot_write_ps_json(&b, &s, &clk);
	arr = ref_json_strict(b.data, b.len, json_type_array);
	FUZZ_CHECK(arr && json_object_array_length(arr) == 1, "ps --json is not one array: %s",
		   b.data);
	o = json_object_array_get_idx(arr, 0);
	check_json_str(o, "id", ctr.id);
	check_json_str(o, "name", ctr.meta.name);
	check_json_str(o, "image", ctr.meta.image);
	check_json_str(o, "cgroup", ctr.cgroup);
	json_object_put(arr);

	outbuf_reset(&b);
	snapshot_write_inspect_json(&b, &s, &ctr, &ns, &clk);
	FUZZ_CHECK(memchr(b.data, '\n', b.len) == b.data + b.len - 1, "inspect --json: not one line");
	o = ref_json_strict(b.data, b.len, json_type_object);
	FUZZ_CHECK(o, "inspect --json is not one object: %s", b.data);
	check_json_str(o, "name", ctr.meta.name);
	list = ref_get(o, "processes");
	FUZZ_CHECK(list && json_object_is_type(list, json_type_array) &&
		   json_object_array_length(list) == 2, "processes");
	for (size_t i = 0; i < 2; i++) {
		struct json_object *p = json_object_array_get_idx(list, i);
		struct json_object *hp = ref_get(p, "host_pid");

		FUZZ_CHECK(hp && json_object_is_type(hp, json_type_int), "host_pid");
		for (int k = 0; k < 2; k++)
			if ((uint32_t)json_object_get_int64(hp) == procs[k].pid)
				check_json_str(p, "comm", procs[k].comm);
	}
	json_object_put(o);
	outbuf_free(&b);
	free(procs[0].argv);
	free(procs[1].argv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *t = (const char *)data;

	check_stat(t, size);
	check_status(t, size);
	check_ns_link(t, size);
	check_writers(data, size);
	return 0;
}
