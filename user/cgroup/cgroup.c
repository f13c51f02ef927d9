// SPDX-License-Identifier: GPL-2.0
/*
 * cgroup.c - container identity from a cgroup path, and /proc/PID/cgroup lines.
 *
 * Everything here works on (pointer, length) slices of caller memory that is not
 * NUL-terminated: the path may come straight from a BPF event or a read() buffer.
 * The runtimes' naming conventions are listed in cgroup.h.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "cgroup.h"

/* Deeper paths never match: no runtime nests anywhere near this. */
#define CGROUP_DEPTH_MAX 256
#define HEX_ID_LEN 64
/* containerd's namespace and id rule: [A-Za-z0-9][A-Za-z0-9_.-]{0,75} */
#define CTR_NAME_MAX 76

struct comp {
	const char *p;
	size_t n;
};

const char *runtime_kind_name(enum runtime_kind k)
{
	switch (k) {
	case RUNTIME_DOCKER:
		return "docker";
	case RUNTIME_PODMAN:
		return "podman";
	case RUNTIME_CONTAINERD:
		return "containerd";
	case RUNTIME_CRIO:
		return "cri-o";
	case RUNTIME_LXC:
		return "lxc";
	case RUNTIME_NSPAWN:
		return "systemd-nspawn";
	case RUNTIME_SANDBOX:
		return "sandbox";
	case RUNTIME_NONE:
	default:
		return NULL;
	}
}

static bool comp_is(const struct comp *c, const char *s)
{
	size_t l = strlen(s);

	return c->n == l && memcmp(c->p, s, l) == 0;
}

static bool comp_has_prefix(const struct comp *c, const char *s)
{
	size_t l = strlen(s);

	return c->n >= l && memcmp(c->p, s, l) == 0;
}

static bool comp_has_suffix(const struct comp *c, const char *s)
{
	size_t l = strlen(s);

	return c->n >= l && memcmp(c->p + c->n - l, s, l) == 0;
}

static bool comp_contains(const struct comp *c, const char *s)
{
	return memmem(c->p, c->n, s, strlen(s)) != NULL;
}

static bool is_hex64(const char *p, size_t n)
{
	if (n != HEX_ID_LEN)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return false;
	}
	return true;
}

static bool is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * [A-Za-z0-9][A-Za-z0-9_.-]* of 1..max bytes. Used for every name that becomes an id:
 * it can never be "." or "..", hold a '/', or need escaping in a path.
 */
static bool is_safe_name(const char *p, size_t n, size_t max)
{
	if (n == 0 || n > max || !is_alnum(p[0]))
		return false;
	for (size_t i = 1; i < n; i++) {
		if (!is_alnum(p[i]) && p[i] != '_' && p[i] != '.' && p[i] != '-')
			return false;
	}
	return true;
}

static void set_str(char *dst, const char *p, size_t n)
{
	memcpy(dst, p, n);
	dst[n] = '\0';
}

/* Lowercase hex and '-' (API form) or '_' (systemd form, converted to '-'). */
static bool copy_pod_uid(char *out, size_t outlen, const char *p, size_t n, char sep)
{
	if (n == 0 || n >= outlen)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];

		if (c != sep && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	for (size_t i = 0; i < n; i++)
		out[i] = p[i] == sep ? '-' : p[i];
	out[n] = '\0';
	return true;
}

static bool any_ancestor_contains(const struct comp *c, size_t below, const char *s)
{
	for (size_t j = 0; j < below; j++) {
		if (comp_contains(&c[j], s))
			return true;
	}
	return false;
}

/*
 * Pod uid from the component at index i: cgroupfs "pod<uid>" under a kubepods
 * ancestor, or systemd "kubepods[-<qos>]-pod<uid_with_underscores>.slice".
 */
static bool pod_uid_at(const struct comp *c, size_t i, char *out, size_t outlen)
{
	const struct comp *pc = &c[i];

	if (comp_has_prefix(pc, "kubepods") && comp_has_suffix(pc, ".slice")) {
		size_t end = pc->n - strlen(".slice");

		/* the uid holds no '-' in this form, so the last "-pod" starts it */
		for (size_t k = end; k >= 4; k--) {
			if (memcmp(pc->p + k - 4, "-pod", 4) == 0)
				return copy_pod_uid(out, outlen, pc->p + k, end - k, '_');
		}
		return false;
	}
	if (comp_has_prefix(pc, "pod") && any_ancestor_contains(c, i, "kubepods"))
		return copy_pod_uid(out, outlen, pc->p + 3, pc->n - 3, '-');
	return false;
}

/* <prefix><64 hex><suffix> with suffix "" or ".scope"; returns the id or NULL. */
static const char *prefixed_hex(const struct comp *c, const char *prefix, const char *suffix)
{
	size_t pl = strlen(prefix), sl = strlen(suffix);

	if (c->n != pl + HEX_ID_LEN + sl || !comp_has_prefix(c, prefix) ||
	    !comp_has_suffix(c, suffix) || !is_hex64(c->p + pl, HEX_ID_LEN))
		return NULL;
	return c->p + pl;
}

/* systemd scope units the runtimes create: <prefix><64 hex>.scope */
static enum runtime_kind scope_kind(const struct comp *c, const char **id)
{
	static const struct {
		const char *prefix;
		enum runtime_kind kind;
	} scopes[] = {
		{ "docker-", RUNTIME_DOCKER },
		{ "libpod-", RUNTIME_PODMAN },
		{ "cri-containerd-", RUNTIME_CONTAINERD },
		{ "crio-", RUNTIME_CRIO },
	};

	for (size_t k = 0; k < sizeof(scopes) / sizeof(scopes[0]); k++) {
		*id = prefixed_hex(c, scopes[k].prefix, ".scope");
		if (*id)
			return scopes[k].kind;
	}
	return RUNTIME_NONE;
}

/* systemd unit-name escaping: \xNN is a byte; nothing else is special for us. */
static bool unescape_unit(const char *p, size_t n, char *out, size_t outlen, size_t *outn)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		char c = p[i];

		if (c == '\\') {
			unsigned int v = 0;

			if (n - i < 4 || p[i + 1] != 'x')
				return false;
			for (size_t k = i + 2; k < i + 4; k++) {
				char h = p[k];

				v <<= 4;
				if (h >= '0' && h <= '9')
					v |= (unsigned int)(h - '0');
				else if (h >= 'a' && h <= 'f')
					v |= (unsigned int)(h - 'a' + 10);
				else
					return false;
			}
			c = (char)v;
			i += 3;
		}
		if (o + 1 >= outlen)
			return false;
		out[o++] = c;
	}
	*outn = o;
	return true;
}

/* /machine.slice/machine-<escaped name>.scope, i == 1 */
static bool nspawn_name(const struct comp *c, size_t n, char *out)
{
	char name[CGROUP_ID_MAX];
	size_t nl;

	if (!comp_is(&c[0], "machine.slice") || !comp_has_prefix(&c[1], "machine-") ||
	    !comp_has_suffix(&c[1], ".scope"))
		return false;
	/* nspawn's own process lives in the "supervisor" sub-cgroup: a host process */
	if (n > 2 && comp_is(&c[2], "supervisor"))
		return false;
	if (c[1].n < strlen("machine-") + strlen(".scope"))
		return false;
	if (!unescape_unit(c[1].p + strlen("machine-"),
			   c[1].n - strlen("machine-") - strlen(".scope"), name, sizeof(name), &nl))
		return false;
	if (!is_safe_name(name, nl, CGROUP_ID_MAX - 1))
		return false;
	/* libvirt registers its VMs with machined too: qemu processes are not containers */
	if (nl >= 5 && memcmp(name, "qemu-", 5) == 0)
		return false;
	set_str(out, name, nl);
	return true;
}

/* Does component i name a container? Fills m (already zeroed) and returns true if so. */
static bool classify_at(const struct comp *c, size_t n, size_t i, struct cgroup_match *m)
{
	const struct comp *ci = &c[i];
	const char *id;
	enum runtime_kind k = scope_kind(ci, &id);

	if (k != RUNTIME_NONE) {
		if (i > 0)
			pod_uid_at(c, i - 1, m->pod_uid, sizeof(m->pod_uid));
		goto hex;
	}
	if (i > 0 && comp_is(&c[i - 1], "docker") && is_hex64(ci->p, ci->n)) {
		k = RUNTIME_DOCKER;
		id = ci->p;
		goto hex;
	}
	/*
	 * podman's cgroupfs manager: <cgroup-parent, default /libpod_parent>/libpod-<id>.
	 * Under a systemd slice it is the systemd manager's, which always adds ".scope".
	 */
	id = prefixed_hex(ci, "libpod-", "");
	if (id && !(i > 0 && comp_has_suffix(&c[i - 1], ".slice"))) {
		k = RUNTIME_PODMAN;
		goto hex;
	}
	if (i > 0 && comp_has_prefix(&c[i - 1], "pod") &&
	    pod_uid_at(c, i - 1, m->pod_uid, sizeof(m->pod_uid))) {
		if (is_hex64(ci->p, ci->n)) {
			k = RUNTIME_CONTAINERD;
			id = ci->p;
			goto hex;
		}
		id = prefixed_hex(ci, "crio-", "");
		if (id) {
			k = RUNTIME_CRIO;
			goto hex;
		}
		m->pod_uid[0] = '\0';
	}
	if (comp_has_prefix(ci, "lxc.payload.") &&
	    is_safe_name(ci->p + 12, ci->n - 12, CGROUP_ID_MAX - 1)) {
		m->runtime = RUNTIME_LXC;
		set_str(m->id, ci->p + 12, ci->n - 12);
		return true;
	}
	if (i == 1 && nspawn_name(c, n, m->id)) {
		m->runtime = RUNTIME_NSPAWN;
		return true;
	}
	if (i == 1 && comp_is(&c[0], "lxc") && is_safe_name(ci->p, ci->n, CGROUP_ID_MAX - 1)) {
		m->runtime = RUNTIME_LXC;
		set_str(m->id, ci->p, ci->n);
		return true;
	}
	return false;
hex:
	m->runtime = k;
	set_str(m->id, id, HEX_ID_LEN);
	return true;
}

/* /<ns>/<id> as `ctr run` makes it: the weakest form, tried last and only confirmed later. */
static bool classify_ctr(const struct comp *c, size_t n, struct cgroup_match *m)
{
	static const char *const not_ns[] = { "docker", "libpod_parent", "lxc" };
	static const char *const unit_suffix[] = { ".scope", ".slice", ".service",
						   ".mount",  ".socket", ".swap" };

	if (n != 2 || !is_safe_name(c[0].p, c[0].n, sizeof(m->ctr_namespace) - 1) ||
	    !is_safe_name(c[1].p, c[1].n, CTR_NAME_MAX))
		return false;
	for (size_t k = 0; k < sizeof(not_ns) / sizeof(not_ns[0]); k++) {
		if (comp_is(&c[0], not_ns[k]))
			return false;
	}
	if (comp_has_prefix(&c[0], "kubepods"))
		return false;
	for (size_t j = 0; j < 2; j++) {
		for (size_t k = 0; k < sizeof(unit_suffix) / sizeof(unit_suffix[0]); k++) {
			if (comp_has_suffix(&c[j], unit_suffix[k]))
				return false;
		}
	}
	m->runtime = RUNTIME_CONTAINERD;
	m->needs_confirm = true;
	set_str(m->ctr_namespace, c[0].p, c[0].n);
	set_str(m->id, c[1].p, c[1].n);
	return true;
}

/* Split "/a/b/c" into components; false on empty components, NULs or excess depth. */
static bool split_path(const char *path, size_t len, struct comp *c, size_t *n)
{
	size_t i = 1, cnt = 0;

	if (len < 2 || len > CGROUP_PATH_MAX || path[0] != '/')
		return false;
	if (memchr(path, '\0', len))
		return false;
	while (i < len) {
		const char *slash = memchr(path + i, '/', len - i);
		size_t end = slash ? (size_t)(slash - path) : len;

		if (end == i || cnt == CGROUP_DEPTH_MAX)
			return false;
		c[cnt].p = path + i;
		c[cnt].n = end - i;
		cnt++;
		i = end + 1;
		/* a '/' as the last byte is a trailing slash: not a cgroup path we make */
		if (slash && i == len)
			return false;
	}
	*n = cnt;
	return true;
}

int cgroup_classify(const char *path, size_t len, struct cgroup_match *m)
{
	struct comp c[CGROUP_DEPTH_MAX];
	struct cgroup_match scratch;
	size_t n;

	if (!m)
		m = &scratch;
	memset(m, 0, sizeof(*m));
	if (!path || !split_path(path, len, c, &n))
		return 0;
	for (size_t i = n; i-- > 0;) {
		if (classify_at(c, n, i, m))
			return 1;
		memset(m, 0, sizeof(*m));
	}
	if (classify_ctr(c, n, m))
		return 1;
	memset(m, 0, sizeof(*m));
	return 0;
}

/* Is `name` one of the comma-separated controllers in [p, p + n)? */
static bool list_has(const char *p, size_t n, const char *name)
{
	size_t nl = strlen(name), i = 0;

	while (i <= n) {
		const char *comma = memchr(p + i, ',', n - i);
		size_t end = comma ? (size_t)(comma - p) : n;

		if (end - i == nl && memcmp(p + i, name, nl) == 0)
			return true;
		if (!comma)
			break;
		i = end + 1;
	}
	return false;
}

/*
 * One "hierarchy-ID:controller-list:cgroup-path" line. The path is everything after the
 * second ':' (cgroup names may contain ':').
 */
static int parse_line(const char *p, size_t n, const char *controller, const char **path,
		      size_t *pathlen)
{
	const char *c1 = memchr(p, ':', n), *c2;
	bool v2_wanted = !controller || !controller[0];

	if (!c1 || c1 == p)
		return -EINVAL;
	for (const char *q = p; q < c1; q++) {
		if (*q < '0' || *q > '9')
			return -EINVAL;
	}
	c2 = memchr(c1 + 1, ':', (size_t)(p + n - (c1 + 1)));
	if (!c2 || c2 + 1 == p + n || c2[1] != '/')
		return -EINVAL;
	*path = c2 + 1;
	*pathlen = (size_t)(p + n - *path);
	if (v2_wanted)
		return (c1 - p == 1 && p[0] == '0' && c2 == c1 + 1) ? 1 : 0;
	return list_has(c1 + 1, (size_t)(c2 - (c1 + 1)), controller) ? 1 : 0;
}

int cgroup_proc_path(const char *text, size_t len, const char *controller, char *out,
		     size_t outlen)
{
	const char *found = NULL;
	size_t foundlen = 0, i = 0;

	if (!text || !out || outlen == 0)
		return -EINVAL;
	out[0] = '\0';
	if (controller && (strchr(controller, ':') || strchr(controller, ',')))
		return -EINVAL;
	if (memchr(text, '\0', len))
		return -EINVAL;
	/* check every line, so the answer does not depend on where the damage is */
	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len;
		const char *path;
		size_t pathlen;
		int r;

		if (end > i) {
			r = parse_line(text + i, end - i, controller, &path, &pathlen);
			if (r < 0)
				return r;
			if (r == 1 && !found) {
				found = path;
				foundlen = pathlen;
			}
		}
		i = end + 1;
	}
	if (!found)
		return -ENOENT;
	if (foundlen >= outlen)
		return -ENAMETOOLONG;
	set_str(out, found, foundlen);
	return 0;
}
