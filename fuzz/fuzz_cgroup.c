// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_cgroup.c - cgroup paths (from BPF events and /proc/PID/cgroup) into container ids.
 *
 * The input is both a cgroup path for cgroup_classify() and the text of /proc/PID/cgroup
 * for cgroup_proc_path() (whose answer is classified in turn, as the loader does). A
 * match must name a container by an id that is safe as a path component and a file
 * name, and the rules cgroup.h states must hold: rejected forms never match, the
 * deepest container wins, sub-cgroups a container makes belong to it.
 */
#include <errno.h>
#include <stdint.h>

#include "cgroup.h"
#include "fuzz.h"

#define CGROUP_DEPTH 256	/* cgroup.c's CGROUP_DEPTH_MAX */

static const char outer[] = "/docker/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

static bool is_hex64(const char *s)
{
	size_t n = strlen(s);

	if (n != 64)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	}
	return true;
}

/* [A-Za-z0-9][A-Za-z0-9_.-]*: no '/', NUL, control byte, space, "." or "..". */
static bool is_safe_name(const char *s)
{
	bool alnum0 = (s[0] >= '0' && s[0] <= '9') || (s[0] >= 'a' && s[0] <= 'z') ||
		      (s[0] >= 'A' && s[0] <= 'Z');

	if (!alnum0)
		return false;
	for (size_t i = 1; s[i]; i++) {
		char c = s[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      c == '_' || c == '.' || c == '-'))
			return false;
	}
	return true;
}

static bool is_zero(const struct cgroup_match *m)
{
	static const struct cgroup_match zero;

	return m->runtime == RUNTIME_NONE && !memcmp(m->id, zero.id, sizeof(zero.id)) &&
	       !memcmp(m->pod_uid, zero.pod_uid, sizeof(zero.pod_uid)) &&
	       !memcmp(m->ctr_namespace, zero.ctr_namespace, sizeof(zero.ctr_namespace)) &&
	       !m->needs_confirm;
}

static bool same_match(const struct cgroup_match *a, const struct cgroup_match *b)
{
	return a->runtime == b->runtime && !strcmp(a->id, b->id) &&
	       !strcmp(a->pod_uid, b->pod_uid) && !strcmp(a->ctr_namespace, b->ctr_namespace) &&
	       a->needs_confirm == b->needs_confirm;
}

/* Forms cgroup.h says are rejected outright. */
static bool malformed(const char *p, size_t len)
{
	if (len < 2 || len > CGROUP_PATH_MAX || p[0] != '/' || p[len - 1] == '/')
		return true;
	if (memchr(p, '\0', len))
		return true;
	for (size_t i = 0; i + 1 < len; i++) {
		if (p[i] == '/' && p[i + 1] == '/')
			return true;
	}
	return false;
}

/* Classify the path at p (len bytes, an exact-size copy) and check the match. */
static void check_classify(const char *p, size_t len)
{
	struct cgroup_match m, again;
	size_t depth = 0;
	char *buf;
	int r;

	memset(&m, 0xa5, sizeof(m));
	r = cgroup_classify(p, len, &m);
	FUZZ_CHECK(r == 0 || r == 1, "returned %d", r);
	FUZZ_CHECK(cgroup_classify(p, len, NULL) == r, "answer depends on m being NULL");
	if (r == 0) {
		FUZZ_CHECK(is_zero(&m), "no match but m is not all zero");
		return;
	}
	FUZZ_CHECK(!malformed(p, len), "a malformed path matched");
	FUZZ_CHECK(runtime_kind_name(m.runtime) && m.runtime != RUNTIME_SANDBOX,
		   "runtime %d", (int)m.runtime);
	FUZZ_CHECK(memchr(m.id, '\0', sizeof(m.id)), "id not terminated");
	FUZZ_CHECK(memchr(m.pod_uid, '\0', sizeof(m.pod_uid)), "pod uid not terminated");
	FUZZ_CHECK(memchr(m.ctr_namespace, '\0', sizeof(m.ctr_namespace)),
		   "ctr namespace not terminated");
	FUZZ_CHECK(m.id[0] && is_safe_name(m.id), "unsafe id '%s'", m.id);
	for (size_t i = 0; m.pod_uid[i]; i++)
		FUZZ_CHECK((m.pod_uid[i] >= '0' && m.pod_uid[i] <= '9') ||
				   (m.pod_uid[i] >= 'a' && m.pod_uid[i] <= 'f') || m.pod_uid[i] == '-',
			   "pod uid '%s'", m.pod_uid);
	FUZZ_CHECK(m.needs_confirm == (m.ctr_namespace[0] != '\0'),
		   "needs_confirm and the ctr namespace disagree");
	if (m.needs_confirm) {
		FUZZ_CHECK(m.runtime == RUNTIME_CONTAINERD && is_safe_name(m.ctr_namespace) &&
				   !m.pod_uid[0],
			   "ctr form");
		FUZZ_CHECK(strlen(m.id) <= 76, "ctr id longer than containerd allows");
	}
	switch (m.runtime) {
	case RUNTIME_DOCKER:
	case RUNTIME_PODMAN:
	case RUNTIME_CRIO:
		FUZZ_CHECK(is_hex64(m.id), "id '%s' is not 64 hex", m.id);
		break;
	case RUNTIME_CONTAINERD:
		FUZZ_CHECK(m.needs_confirm || is_hex64(m.id), "id '%s' is not 64 hex", m.id);
		break;
	case RUNTIME_NSPAWN:
		FUZZ_CHECK(len > 23 && !memcmp(p, "/machine.slice/machine-", 23), "nspawn path");
		break;
	default:
		break;
	}
	/* the id was taken from the path (nspawn's after undoing \xNN escapes) */
	if (m.runtime != RUNTIME_NSPAWN) {
		buf = fuzz_cstr((const uint8_t *)p, len);
		FUZZ_CHECK(strstr(buf, m.id), "id '%s' is not in the path", m.id);
		free(buf);
	}
	/* the two forms tied to a position in the path */
	if (m.runtime == RUNTIME_NSPAWN || m.needs_confirm)
		return;
	/* cgroup.c's depth bound (256 components): deeper paths never match */
	for (size_t i = 0; i < len; i++)
		depth += p[i] == '/';

	/* a sub-cgroup the container makes for itself is still the container */
	if (len + 8 <= CGROUP_PATH_MAX && depth + 1 <= CGROUP_DEPTH) {
		buf = malloc(len + 9);
		memcpy(buf, p, len);
		memcpy(buf + len, "/fuzzsub", 8);
		buf[len + 8] = '\0';
		memset(&again, 0, sizeof(again));
		r = cgroup_classify(buf, len + 8, &again);
		FUZZ_CHECK(r == 1 && same_match(&m, &again),
			   "%.*s/fuzzsub is %s '%s', not the container", (int)len, p,
			   runtime_kind_name(again.runtime), again.id);
		free(buf);
	}
	/* docker-in-docker: the inner (deepest) container wins */
	if (!(m.runtime == RUNTIME_LXC && len >= 5 + strlen(m.id) && !memcmp(p, "/lxc/", 5) &&
	      !memcmp(p + 5, m.id, strlen(m.id))) &&
	    len + sizeof(outer) <= CGROUP_PATH_MAX && depth + 2 <= CGROUP_DEPTH) {
		buf = malloc(sizeof(outer) - 1 + len);
		memcpy(buf, outer, sizeof(outer) - 1);
		memcpy(buf + sizeof(outer) - 1, p, len);
		memset(&again, 0, sizeof(again));
		r = cgroup_classify(buf, sizeof(outer) - 1 + len, &again);
		FUZZ_CHECK(r == 1 && same_match(&m, &again),
			   "under %s it is %s '%s', not the inner container", outer,
			   runtime_kind_name(again.runtime), again.id);
		free(buf);
	}
}

static void check_proc_path(const char *text, size_t len, const char *controller)
{
	static const size_t outlens[] = { CGROUP_PATH_MAX + 1, 16, 1 };
	size_t found = 0;
	int first = 0;

	for (size_t k = 0; k < sizeof(outlens) / sizeof(outlens[0]); k++) {
		size_t outlen = outlens[k], n;
		char *out = malloc(outlen);
		int r;

		memset(out, 'X', outlen);
		r = cgroup_proc_path(text, len, controller, out, outlen);
		FUZZ_CHECK(r == 0 || r == -ENOENT || r == -EINVAL || r == -ENAMETOOLONG,
			   "returned %d", r);
		if (r) {
			FUZZ_CHECK(out[0] == '\0', "error %d but out is not \"\"", r);
		} else {
			n = strnlen(out, outlen);
			FUZZ_CHECK(n < outlen, "out not terminated");
			FUZZ_CHECK(out[0] == '/' && !memchr(out, '\n', n), "path '%s'", out);
			FUZZ_CHECK(!memchr(text, '\0', len), "text with a NUL accepted");
		}
		if (k == 0) {
			first = r;
			if (r == 0) {
				/* it is a whole line's tail */
				char *t = fuzz_cstr((const uint8_t *)text, len);
				const char *at = strstr(t, out);

				n = strlen(out);
				while (at && !(at > t && at[-1] == ':' &&
					       (at[n] == '\n' || at[n] == '\0')))
					at = strstr(at + 1, out);
				FUZZ_CHECK(at, "'%s' is not the end of a line", out);
				free(t);
				found = n;
				check_classify(out, n);
			}
		} else if (first != 0) {
			FUZZ_CHECK(r == first, "outlen %zu changed %d into %d", outlen, first, r);
		} else {
			FUZZ_CHECK(r == (found < outlen ? 0 : -ENAMETOOLONG),
				   "%zu bytes in outlen %zu gave %d", found, outlen, r);
		}
		free(out);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const controllers[] = { NULL, "", "memory", "name=systemd",
						   "cpu,cpuacct", "pids" };

	check_classify((const char *)data, size);
	for (size_t k = 0; k < sizeof(controllers) / sizeof(controllers[0]); k++)
		check_proc_path((const char *)data, size, controllers[k]);
	return 0;
}
