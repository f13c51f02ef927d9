// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_output.c - json_write_report() and text_write_report() on reports whose
 * process-controlled strings (comm, exe, argv, tty, ancestors) and runtime-controlled
 * strings (container id, name, image, pod, namespace) come from the fuzz input.
 *
 * JSON: one line that json-c parses strictly with UTF-8 validation, nothing after it,
 * and every such string reads back as it went in, each byte that starts no valid UTF-8
 * sequence as U+FFFD (argv element by element). Text: one line, valid UTF-8 without
 * C0, C1 or DEL before its '\n'; with colour, the same line wrapped in the two colour
 * sequences and nothing else.
 */
#include <json-c/json.h>
#include <stdint.h>

#include "containers.h"
#include "fuzz.h"
#include "output.h"

#define COLOR_ALERT "\033[1;31m"
#define COLOR_RESET "\033[0m"

struct fuzz_proc {
	struct lk_proc k;
	struct container c;
	bool has_c;
	char *exe, *argv;
	size_t exe_len, argv_len;
	struct proc_view v;
};

static void take_cstr(struct fuzz_in *in, char *dst, size_t dstlen)
{
	size_t n;
	char *s = fuzz_field(in, dstlen - 1, &n, true);

	memcpy(dst, s, n + 1);
	free(s);
}

static void make_proc(struct fuzz_in *in, struct fuzz_proc *p)
{
	uint8_t flags = fuzz_u8(in);

	memset(p, 0, sizeof(*p));
	p->k.pid = fuzz_u32(in);
	p->k.ns_pid = fuzz_u32(in);
	p->k.ppid = fuzz_u32(in);
	p->k.start_time = fuzz_u64(in);
	p->k.uid = fuzz_u32(in);
	p->k.auid = flags & 0x01 ? fuzz_u32(in) : (__u32)-1;
	p->k.session = flags & 0x02 ? fuzz_u32(in) : (__u32)-1;
	p->k.flags = fuzz_u32(in);
	fuzz_fill(in, p->k.comm, sizeof(p->k.comm));
	fuzz_fill(in, p->k.tty, sizeof(p->k.tty));
	p->exe = fuzz_field(in, LK_PATH_MAX, &p->exe_len, false);
	p->argv = fuzz_field(in, LK_ARGV_MAX + 16, &p->argv_len, false);
	p->v.k = &p->k;
	p->v.exe.ptr = flags & 0x04 ? p->exe : NULL;
	p->v.exe.len = p->exe_len;
	p->v.argv.ptr = flags & 0x08 ? p->argv : NULL;
	p->v.argv.len = p->argv_len;
	p->v.argv_truncated = flags & 0x10;
	p->v.mntns = flags & 0x20 ? fuzz_u32(in) : 0;
	p->has_c = flags & 0x40;
	if (!p->has_c)
		return;
	take_cstr(in, p->c.id, sizeof(p->c.id));
	take_cstr(in, p->c.meta.name, sizeof(p->c.meta.name));
	take_cstr(in, p->c.meta.image, sizeof(p->c.meta.image));
	take_cstr(in, p->c.meta.pod, sizeof(p->c.meta.pod));
	take_cstr(in, p->c.meta.k8s_namespace, sizeof(p->c.meta.k8s_namespace));
	p->c.match.runtime = (enum runtime_kind)(fuzz_u8(in) % (RUNTIME_SANDBOX + 1));
	p->c.meta.runtime = (enum runtime_kind)(fuzz_u8(in) % (RUNTIME_SANDBOX + 1));
	p->v.c = &p->c;
}

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	FUZZ_CHECK(json_object_object_get_ex(o, key, &v), "no key %s", key);
	return v;
}

/* v is the string s (n bytes) with invalid UTF-8 replaced, or null when s is NULL. */
static void check_str(struct json_object *v, const char *key, const char *s, size_t n)
{
	size_t wantlen;
	char *want;

	if (!s) {
		FUZZ_CHECK(json_object_is_type(v, json_type_null), "%s is not null", key);
		return;
	}
	FUZZ_CHECK(json_object_is_type(v, json_type_string), "%s is not a string", key);
	want = ref_replace_invalid(s, n, &wantlen);
	FUZZ_CHECK((size_t)json_object_get_string_len(v) == wantlen &&
			   !memcmp(json_object_get_string(v), want, wantlen),
		   "%s does not round-trip", key);
	free(want);
}

static void check_cstr(struct json_object *o, const char *key, const char *s, bool null_if_empty)
{
	if (null_if_empty && !s[0])
		s = NULL;
	check_str(get(o, key), key, s, s ? strlen(s) : 0);
}

static void check_argv(struct json_object *o, const struct fuzz_proc *p)
{
	struct json_object *a = get(o, "argv");
	size_t i, start = 0, idx = 0, n = p->v.argv.len;
	const char *s = p->v.argv.ptr;

	FUZZ_CHECK(json_object_is_type(a, json_type_array), "argv is not an array");
	if (!s) {
		FUZZ_CHECK(json_object_array_length(a) == 0 &&
				   json_object_get_boolean(get(o, "argv_unknown")),
			   "unknown argv");
		return;
	}
	/* NUL-separated; the NUL that ends the last argument starts no new one */
	for (i = 0; i <= n; i++) {
		if (i < n && s[i])
			continue;
		if (i == n && i == start)
			break;
		FUZZ_CHECK(idx < json_object_array_length(a), "argv has too few elements");
		check_str(json_object_array_get_idx(a, idx), "argv[]", s + start, i - start);
		idx++;
		start = i + 1;
	}
	FUZZ_CHECK(idx == json_object_array_length(a), "argv has %zu elements, not %zu",
		   json_object_array_length(a), idx);
	FUZZ_CHECK(json_object_get_boolean(get(o, "argv_truncated")) == p->v.argv_truncated,
		   "argv_truncated");
}

static void check_container(struct json_object *c, const struct fuzz_proc *p)
{
	if (!p->has_c) {
		FUZZ_CHECK(json_object_is_type(c, json_type_null), "container is not null");
		return;
	}
	FUZZ_CHECK(json_object_is_type(c, json_type_object), "container is not an object");
	check_cstr(c, "id", p->c.id, false);
	check_cstr(c, "name", p->c.meta.name, true);
	check_cstr(c, "image", p->c.meta.image, true);
	if (p->c.meta.pod[0])
		check_cstr(c, "pod", p->c.meta.pod, false);
	if (p->c.meta.k8s_namespace[0])
		check_cstr(c, "namespace", p->c.meta.k8s_namespace, false);
}

static void check_proc(struct json_object *o, const struct fuzz_proc *p)
{
	char comm[LK_COMM_LEN + 1];

	FUZZ_CHECK(json_object_is_type(o, json_type_object), "process is not an object");
	FUZZ_CHECK(json_object_get_int64(get(o, "host_pid")) == p->k.pid, "host_pid");
	FUZZ_CHECK(json_object_get_uint64(get(o, "start_time")) == p->k.start_time, "start_time");
	memcpy(comm, p->k.comm, LK_COMM_LEN);
	comm[LK_COMM_LEN] = '\0';
	check_str(get(o, "comm"), "comm", comm, strlen(comm));
	check_str(get(o, "exe"), "exe", p->v.exe.ptr, p->v.exe.len);
	check_argv(o, p);
	check_container(get(o, "container"), p);
}

static void check_sender(struct json_object *o, const struct signal_view *s,
			 const struct fuzz_proc *p)
{
	struct json_object *anc;

	check_proc(o, p);
	anc = get(o, "ancestry");
	FUZZ_CHECK(json_object_is_type(anc, json_type_array) &&
			   json_object_array_length(anc) == s->nr_ancestors,
		   "ancestry");
	for (unsigned int i = 0; i < s->nr_ancestors; i++) {
		struct json_object *a = json_object_array_get_idx(anc, i);
		char comm[LK_COMM_LEN + 1];

		memcpy(comm, s->ancestry[i].k->comm, LK_COMM_LEN);
		comm[LK_COMM_LEN] = '\0';
		check_str(get(a, "comm"), "ancestor comm", comm, strlen(comm));
		check_cstr(a, "exe", s->ancestry[i].exe, true);
	}
}

static void check_json(const struct outbuf *b, const struct report *r,
		       const struct report_host *h, const struct fuzz_proc *pa,
		       const struct fuzz_proc *pb)
{
	struct json_tokener *tok;
	struct json_object *o;

	FUZZ_CHECK(!b->failed && b->len > 1 && b->data[b->len - 1] == '\n', "no line end");
	for (size_t i = 0; i + 1 < b->len; i++)
		FUZZ_CHECK((unsigned char)b->data[i] >= 0x20, "raw byte %#x at %zu",
			   (unsigned char)b->data[i], i);
	tok = json_tokener_new();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, b->data, (int)(b->len - 1));
	FUZZ_CHECK(o && json_tokener_get_error(tok) == json_tokener_success &&
			   json_tokener_get_parse_end(tok) == b->len - 1 &&
			   json_object_is_type(o, json_type_object),
		   "json-c: %s", json_tokener_error_desc(json_tokener_get_error(tok)));
	json_tokener_free(tok);
	FUZZ_CHECK(!strcmp(json_object_get_string(get(o, "event")), report_type_name(r->type)),
		   "event");
	check_cstr(o, "host", h->hostname, false);
	switch (r->type) {
	case REPORT_EXEC:
	case REPORT_CONTAINER_START:
	case REPORT_OOM:
		check_proc(o, pa);
		break;
	case REPORT_EXIT:
	case REPORT_CONTAINER_EXIT:
		check_proc(o, pa);
		if (r->killed_by)
			check_sender(get(o, "killed_by"), r->killed_by, pa);
		break;
	case REPORT_SIGNAL:
		check_sender(get(o, "sender"), r->signal, pa);
		check_proc(get(o, "target"), pb);
		check_container(get(o, "container"), pb);
		break;
	case REPORT_LOOKOUT_START:
	case REPORT_LOOKOUT_STOP:
		check_cstr(o, "options", r->options, false);
		if (r->type == REPORT_LOOKOUT_STOP && r->stopped_by)
			check_sender(get(o, "stopped_by"), r->stopped_by, pa);
		break;
	case REPORT_LOST:
		break;
	case REPORT_CONTAINER_UPDATE:
		check_container(get(o, "container"), pa);
		break;
	}
	json_object_put(o);
}

/* The live view at one width: a date line (each call starts a new day, as the view is
 * reset), then the row's lines; every line within the width (a --no-trunc one may hold a
 * long cell), none with a control byte, all valid UTF-8. With colour, each of the row's
 * lines, and only those, is wrapped in the alert colour when the report alarms. */
static void check_text(const struct report *r, const struct report_host *h, size_t variant)
{
	static const int widths[] = { 80, 120, 40, 99, 100, 300 };
	int width = widths[variant % 6];
	bool no_trunc = variant & 8;
	struct outbuf b, c, want;
	const char *p, *nl, *end;
	char cols[16];

	snprintf(cols, sizeof(cols), "%d", width);
	setenv("COLUMNS", cols, 1);
	text_view_init(-1, no_trunc, variant & 16);
	FUZZ_CHECK(text_view_width() == width, "width %d, not %d", text_view_width(), width);
	outbuf_init(&b);
	text_write_report(&b, h, r, false);
	FUZZ_CHECK(!b.failed && b.len > 0 && b.data[b.len - 1] == '\n', "no line end");
	FUZZ_CHECK(!memcmp(b.data, "--- ", 4), "no date line first");
	FUZZ_CHECK(ref_utf8_valid((const uint8_t *)b.data, b.len), "invalid UTF-8 in the live view");
	for (p = b.data, end = b.data + b.len; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		FUZZ_CHECK(!ref_has_control((const uint8_t *)p, (size_t)(nl - p)),
			   "a control character in the live view: %.*s", (int)(nl - p), p);
		FUZZ_CHECK(no_trunc || text_display_width(p, (size_t)(nl - p)) <= (size_t)width,
			   "a line of %zu columns in %d: %.*s", text_display_width(p, (size_t)(nl - p)),
			   width, (int)(nl - p), p);
	}

	text_view_init(-1, no_trunc, variant & 16);
	outbuf_init(&c);
	text_write_report(&c, h, r, true);
	FUZZ_CHECK(!c.failed, "allocation failed");
	outbuf_init(&want);
	nl = memchr(b.data, '\n', b.len);
	outbuf_put(&want, b.data, (size_t)(nl + 1 - b.data));		/* the date line */
	for (p = nl + 1, end = b.data + b.len; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (report_out_of_band(r))
			outbuf_puts(&want, COLOR_ALERT);
		outbuf_put(&want, p, (size_t)(nl - p));
		if (report_out_of_band(r))
			outbuf_puts(&want, COLOR_RESET);
		outbuf_putc(&want, '\n');
	}
	FUZZ_CHECK(!want.failed && c.len == want.len && !memcmp(c.data, want.data, c.len),
		   "colour changed the lines, or coloured a report that does not alarm");
	outbuf_free(&want);
	outbuf_free(&c);
	outbuf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct report_host host = { .boot_id = "d3d3e4f5-0000-4000-8000-000000000000",
				    .boot_to_real_ns = 1764405234000000000LL,
				    .host_pidns = 4026531836u };
	static const struct lookout_totals totals = {
		.events = 1, .dropped_events = 2, .dropped_alerts = 3, .written = 4,
		.dropped_cgroups = 5, .emitted = 6, .bad_records = 7, .tracked_full = 8,
		.cgroups_full = 9, .cgroups_resolved = 10,
	};
	struct lk_ancestor anc[LK_ANCESTRY_MAX];
	struct lk_signal_event sig;
	struct fuzz_proc pa, pb;
	struct signal_view sv;
	struct report r;
	uint8_t type, flags;
	char *options;
	size_t n;
	struct outbuf b;

	type = fuzz_u8(&in) % REPORT_TYPES;
	flags = fuzz_u8(&in);
	take_cstr(&in, host.hostname, sizeof(host.hostname));
	make_proc(&in, &pa);
	make_proc(&in, &pb);

	memset(&sig, 0, sizeof(sig));
	memset(&sv, 0, sizeof(sv));
	sig.sender = pa.k;
	sig.target = pb.k;
	sig.sig = (__s32)fuzz_u32(&in);
	sig.code = (__s32)fuzz_u32(&in);
	sig.result = (__s32)fuzz_u32(&in);
	sig.group = fuzz_u8(&in) & 1;
	sig.how = fuzz_u8(&in);
	sv.k = &sig;
	sv.sender = pa.v;
	sv.sender.k = &sig.sender;
	sv.target = pb.v;
	sv.target.k = &sig.target;
	sv.origin = (enum origin)(fuzz_u8(&in) % (ORIGIN_HOST + 1));
	sv.out_of_band = flags & 0x01;
	sv.nr_ancestors = fuzz_u8(&in) % (LK_ANCESTRY_MAX + 1);
	for (unsigned int i = 0; i < sv.nr_ancestors; i++) {
		memset(&anc[i], 0, sizeof(anc[i]));
		anc[i].pid = fuzz_u32(&in);
		anc[i].flags = fuzz_u8(&in);
		fuzz_fill(&in, anc[i].comm, sizeof(anc[i].comm));
		sv.ancestry[i].k = &anc[i];
		take_cstr(&in, sv.ancestry[i].exe, sizeof(sv.ancestry[i].exe));
	}

	memset(&r, 0, sizeof(r));
	r.type = (enum report_type)type;
	r.time_ns = (__u64)fuzz_u32(&in) * 1000003ULL;
	r.proc = pa.v;
	r.code = fuzz_u32(&in);
	/* 12 bytes no field uses now, read so that the seeds keep their layout */
	fuzz_u32(&in);
	fuzz_u64(&in);
	r.killed_by = flags & 0x04 ? &sv : NULL;
	r.via_exec = flags & 0x08;
	r.existing = flags & 0x10;
	r.filename.ptr = pb.exe;
	r.filename.len = pb.exe_len;
	options = fuzz_field(&in, 4096, &n, true);
	switch (r.type) {
	case REPORT_SIGNAL:
		r.signal = &sv;
		break;
	case REPORT_LOST:
		r.proc.k = NULL;
		r.lost_count = r.code;
		r.lost_since_ns = r.time_ns / 2;
		r.buffer = flags & 0x20 ? "alerts" : "events";
		break;
	case REPORT_LOOKOUT_START:
	case REPORT_LOOKOUT_STOP:
		r.proc.k = NULL;
		r.options = options;
		r.totals = &totals;
		r.stop_reason = "SIGTERM";
		r.stopped_by = flags & 0x40 ? &sv : NULL;
		break;
	default:
		break;
	}
	if (r.type != REPORT_EXIT && r.type != REPORT_CONTAINER_EXIT)
		r.killed_by = NULL;

	outbuf_init(&b);
	json_write_report(&b, &host, &r);
	check_json(&b, &r, &host, &pa, &pb);
	outbuf_free(&b);
	check_text(&r, &host, size);

	free(options);
	free(pa.exe);
	free(pa.argv);
	free(pb.exe);
	free(pb.argv);
	return 0;
}
