// SPDX-License-Identifier: GPL-2.0
/*
 * test_cgroup.c - cgroup path classification and /proc/PID/cgroup parsing.
 *
 * Every path is handed over in a heap buffer of exactly its length with no terminator,
 * so ASan catches any read past len. Real paths were taken from containers run on the
 * development machine (Docker 20.10 cgroupfs, podman 4.3 cgroupfs, ctr via dockerd's
 * containerd); the systemd and Kubernetes forms follow the runtimes' naming code.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cgroup.h"

#define H "105081999aef652215c9d496546a23e2e96108bae84f57598ce51913eac3376e"
#define H2 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define P "e3520211374247c6836ebaa748cd6f671a9f22324d8a05240cf31a52c5fa2fc9"
#define K "c0ffee0123456789abcdef0123456789abcdef0123456789abcdef0123456789"
#define H63 "105081999aef652215c9d496546a23e2e96108bae84f57598ce51913eac3376"
#define H65 H "0"
#define HUP "105081999AEF652215C9D496546A23E2E96108BAE84F57598CE51913EAC3376E"
#define HNX "105081999aef652215c9d496546a23e2e96108bae84f57598ce51913eac3376g"
#define UID "1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b"
#define UID_ "1f2e3d4c_5b6a_4798_8a7b_6c5d4e3f2a1b"
#define BURST "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_ ".slice"

/* Classify s (without its NUL) from an exact-size heap copy. */
static int classify_n(const char *s, size_t n, struct cgroup_match *m)
{
	char *buf = malloc(n ? n : 1);
	int r;

	assert_non_null(buf);
	memcpy(buf, s, n);
	r = cgroup_classify(buf, n, m);
	free(buf);
	return r;
}

static int classify(const char *s, struct cgroup_match *m)
{
	return classify_n(s, strlen(s), m);
}

static bool is_hex64(const char *s)
{
	if (strlen(s) != 64)
		return false;
	for (const char *p = s; *p; p++) {
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	}
	return true;
}

static bool is_safe(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= CGROUP_ID_MAX || !strchr("0123456789abcdefghijklmnopqrstuvwxyz"
						      "ABCDEFGHIJKLMNOPQRSTUVWXYZ", s[0]))
		return false;
	return strspn(s, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_.-") == n;
}

/* What any match must look like, whatever the input was. */
static void assert_sane(int r, const struct cgroup_match *m)
{
	if (!r) {
		assert_int_equal(m->runtime, RUNTIME_NONE);
		assert_string_equal(m->id, "");
		assert_false(m->needs_confirm);
		return;
	}
	assert_int_equal(r, 1);
	assert_non_null(runtime_kind_name(m->runtime));
	assert_non_null(memchr(m->id, '\0', sizeof(m->id)));
	assert_non_null(memchr(m->pod_uid, '\0', sizeof(m->pod_uid)));
	assert_non_null(memchr(m->ctr_namespace, '\0', sizeof(m->ctr_namespace)));
	if (m->needs_confirm) {
		assert_int_equal(m->runtime, RUNTIME_CONTAINERD);
		assert_true(is_safe(m->ctr_namespace));
		assert_true(is_safe(m->id));
	} else if (m->runtime == RUNTIME_LXC || m->runtime == RUNTIME_NSPAWN) {
		assert_true(is_safe(m->id));
	} else {
		assert_true(is_hex64(m->id));
		assert_string_equal(m->ctr_namespace, "");
	}
	assert_int_equal(strspn(m->pod_uid, "0123456789abcdef-"), strlen(m->pod_uid));
}

static void test_kind_names(void **state)
{
	(void)state;
	assert_null(runtime_kind_name(RUNTIME_NONE));
	assert_string_equal(runtime_kind_name(RUNTIME_DOCKER), "docker");
	assert_string_equal(runtime_kind_name(RUNTIME_PODMAN), "podman");
	assert_string_equal(runtime_kind_name(RUNTIME_CONTAINERD), "containerd");
	assert_string_equal(runtime_kind_name(RUNTIME_CRIO), "cri-o");
	assert_string_equal(runtime_kind_name(RUNTIME_LXC), "lxc");
	assert_string_equal(runtime_kind_name(RUNTIME_NSPAWN), "systemd-nspawn");
	assert_string_equal(runtime_kind_name(RUNTIME_SANDBOX), "sandbox");
	assert_null(runtime_kind_name((enum runtime_kind)99));
}

struct good {
	const char *path;
	enum runtime_kind kind;
	const char *id;
	const char *pod_uid;
	const char *ns; /* non-NULL: plain ctr form, needs_confirm */
};

static const struct good goods[] = {
	/* Docker, cgroupfs (real) and systemd drivers */
	{ "/docker/" H, RUNTIME_DOCKER, H, "", NULL },
	{ "/foo/docker/" H, RUNTIME_DOCKER, H, "", NULL },
	{ "/docker/" H2 "/docker/" H, RUNTIME_DOCKER, H, "", NULL }, /* docker in docker */
	{ "/docker/" H "/init.scope", RUNTIME_DOCKER, H, "", NULL }, /* systemd inside */
	{ "/system.slice/docker-" H ".scope", RUNTIME_DOCKER, H, "", NULL },
	/* podman: cgroupfs (real), systemd, split cgroups, a pod */
	{ "/libpod_parent/libpod-" P, RUNTIME_PODMAN, P, "", NULL },
	{ "/machine.slice/libpod-" P ".scope", RUNTIME_PODMAN, P, "", NULL },
	{ "/machine.slice/libpod-" P ".scope/container", RUNTIME_PODMAN, P, "", NULL },
	{ "/libpod_parent/" H2 "/libpod-" P, RUNTIME_PODMAN, P, "", NULL },
	{ "/other/libpod-" P, RUNTIME_PODMAN, P, "", NULL }, /* --cgroup-parent=/other */
	/* Kubernetes: cgroupfs (containerd, or Docker: caller decides), systemd */
	{ "/kubepods/besteffort/pod" UID "/" K, RUNTIME_CONTAINERD, K, UID, NULL },
	{ "/kubepods/burstable/pod" UID "/" K, RUNTIME_CONTAINERD, K, UID, NULL },
	{ "/kubepods/pod" UID "/" K, RUNTIME_CONTAINERD, K, UID, NULL },
	{ "/kubepods/burstable/pod0123456789abcdef0123456789abcdef/" K, RUNTIME_CONTAINERD, K,
	  "0123456789abcdef0123456789abcdef", NULL }, /* static pod: uid is a hash */
	{ BURST "/cri-containerd-" K ".scope", RUNTIME_CONTAINERD, K, UID, NULL },
	{ "/kubepods.slice/kubepods-pod" UID_ ".slice/cri-containerd-" K ".scope",
	  RUNTIME_CONTAINERD, K, UID, NULL },
	{ BURST "/docker-" K ".scope", RUNTIME_DOCKER, K, UID, NULL },
	/* CRI-O: systemd and cgroupfs */
	{ BURST "/crio-" K ".scope", RUNTIME_CRIO, K, UID, NULL },
	{ "/kubepods/burstable/pod" UID "/crio-" K, RUNTIME_CRIO, K, UID, NULL },
	{ "/system.slice/crio-" K ".scope", RUNTIME_CRIO, K, "", NULL },
	/* plain ctr (real) */
	{ "/lookout-fixture-3216/lfx1", RUNTIME_CONTAINERD, "lfx1", "", "lookout-fixture-3216" },
	{ "/default/redis-1.cache_x", RUNTIME_CONTAINERD, "redis-1.cache_x", "", "default" },
	{ "/k8s.io/" K, RUNTIME_CONTAINERD, K, "", "k8s.io" },
	/* LXC */
	{ "/lxc.payload.web1", RUNTIME_LXC, "web1", "", NULL },
	{ "/lxc.payload.web1/init.scope", RUNTIME_LXC, "web1", "", NULL },
	{ "/user.slice/user-1000.slice/user@1000.service/lxc.payload.u1", RUNTIME_LXC, "u1", "",
	  NULL },
	{ "/lxc/old1", RUNTIME_LXC, "old1", "", NULL },
	{ "/lxc/old1/sub", RUNTIME_LXC, "old1", "", NULL },
	/* systemd-nspawn */
	{ "/machine.slice/machine-deb.scope", RUNTIME_NSPAWN, "deb", "", NULL },
	{ "/machine.slice/machine-my\\x2dbox.scope", RUNTIME_NSPAWN, "my-box", "", NULL },
	{ "/machine.slice/machine-a\\x2db\\x2dc.scope/payload/system.slice/x.service",
	  RUNTIME_NSPAWN, "a-b-c", "", NULL },
};

static void test_forms(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(goods) / sizeof(goods[0]); i++) {
		const struct good *g = &goods[i];
		struct cgroup_match m;
		int r = classify(g->path, &m);

		if (r != 1 || m.runtime != g->kind)
			fail_msg("%s: r=%d runtime=%d", g->path, r, m.runtime);
		assert_sane(r, &m);
		assert_string_equal(m.id, g->id);
		assert_string_equal(m.pod_uid, g->pod_uid);
		assert_string_equal(m.ctr_namespace, g->ns ? g->ns : "");
		assert_int_equal(m.needs_confirm, g->ns != NULL);
	}
}

static const char *const bads[] = {
	"/",
	"//",
	"///",
	"docker/" H,				/* not absolute */
	"/docker/" H "/",			/* trailing slash */
	"/docker//" H,				/* empty component */
	"/docker/" H63,				/* short id */
	"/docker/" H65,				/* long id */
	"/docker/" HUP,				/* uppercase hex */
	"/docker/" HNX,				/* not hex */
	"/docker/abc",
	"/docker",
	"/docker/",
	"/system.slice/docker-" H,		/* missing .scope */
	"/system.slice/docker-" H ".scop",
	"/system.slice/docker-" H ".scope.d",
	"/system.slice/docker-" H63 ".scope",
	"/system.slice/docker-" HUP ".scope",
	"/system.slice/docker-" H ".service",
	"/system.slice/docker.service",
	"/system.slice/containerd.service",
	"/system.slice/var-lib-docker.mount",
	"/system.slice/docker.socket",
	"/system.slice/" H ".scope",		/* no runtime prefix */
	"/machine.slice/libpod-conmon-" P ".scope",
	"/machine.slice/libpod-" P,		/* missing .scope, not libpod_parent */
	"/libpod_parent/conmon",
	"/libpod_parent/libpod-conmon-" P,
	"/libpod_parent/libpod-" H63,
	BURST "/crio-conmon-" K ".scope",
	BURST "/cri-containerd-" H63 ".scope",
	BURST,					/* the pod, not a container */
	"/kubepods/besteffort",
	"/kubepods/besteffort/pod" UID,
	"/kubepods/besteffort/pod" UID "/notahexid",
	"/kubepods/besteffort/pod" UID "/" HUP,
	"/kubepods/besteffort/podXYZ/" K,	/* bad pod uid */
	"/kubepods/besteffort/pod/" K,		/* empty pod uid */
	"/besteffort/pod" UID "/" K,		/* no kubepods ancestor */
	"/kubepods/" K,
	"/user.slice/user-1000.slice/session-1.scope",
	"/user.slice/user-1000.slice",
	"/user.slice/foo",
	"/system.slice/x.service",
	"/init.scope",
	"/onlyone",
	"/a/b/c",				/* ctr is exactly two levels */
	"/a/b.scope",
	"/a/b.slice",
	"/a/b.mount",
	"/a/b.service",
	"/lxc.payload.",
	"/lxc.monitor.web1",
	"/lxc.payload..hidden",
	"/lxc.payload.a b",
	"/lxc",
	"/lxc/.hidden",
	"/machine.slice/machine-.scope",
	"/machine.slice/machine-deb.scope/supervisor",
	"/machine.slice/machine-qemu\\x2d1\\x2dvm.scope",
	"/machine.slice/machine-bad\\x2.scope",
	"/machine.slice/machine-bad\\x.scope",
	"/machine.slice/machine-bad\\.scope",
	"/machine.slice/machine-a\\x2fb.scope",	/* escape decodes to '/' */
	"/machine.slice/machine-\\x2e\\x2e.scope", /* ".." */
	"/machine.slice/machine-deb.slice",
	"/machine.slice/machine-deb",
	"/../etc",
	"/./x",
	"/default/..",
	"/default/.",
	"/a b/c",
	"/ns/id\n",
	"/ns/" "a1234567890123456789012345678901234567890123456789012345678901234567890123456",
	"/a123456789012345678901234567890123456789012345678901234567890123/x", /* ns > 63 */
};

static void test_not_containers(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		struct cgroup_match m;
		int r;

		memset(&m, 0xa5, sizeof(m));
		r = classify(bads[i], &m);
		if (r != 0)
			fail_msg("%s matched as %s id %s", bads[i], runtime_kind_name(m.runtime),
				 m.id);
		assert_sane(r, &m);
	}
	/* empty path, NULL path, NULL match */
	assert_int_equal(classify_n("", 0, NULL), 0);
	assert_int_equal(cgroup_classify(NULL, 5, NULL), 0);
	assert_int_equal(cgroup_classify("/docker/" H, strlen("/docker/" H), NULL), 1);
}

static void test_embedded_nul(void **state)
{
	const char path[] = "/docker/" H;
	char buf[sizeof(path)];
	struct cgroup_match m;

	(void)state;
	/* a NUL anywhere inside len, including a terminator counted in len */
	for (size_t i = 0; i < sizeof(path); i++) {
		memcpy(buf, path, sizeof(path));
		buf[i] = '\0';
		assert_int_equal(classify_n(buf, sizeof(path), &m), 0);
		assert_sane(0, &m);
	}
	assert_int_equal(classify_n("/lxc.payload.a\0b", 16, &m), 0);
	assert_int_equal(classify_n("/default/x\0", 11, &m), 0);
}

/* Every prefix of every good path: matches only ever give well-formed ids. */
static void test_truncated(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(goods) / sizeof(goods[0]); i++) {
		const char *p = goods[i].path;
		size_t n = strlen(p);

		for (size_t k = 0; k < n; k++) {
			struct cgroup_match m;
			int r = classify_n(p, k, &m);

			assert_sane(r, &m);
			/* cutting into a hex id never leaves a (shorter) hex-id match of it */
			if (r && !m.needs_confirm && m.runtime != RUNTIME_LXC &&
			    m.runtime != RUNTIME_NSPAWN)
				assert_non_null(memmem(p, k, m.id, 64));
		}
	}
	/* the docker id cut at every length: never docker */
	for (size_t k = 0; k < 64; k++) {
		char path[80];
		struct cgroup_match m;

		snprintf(path, sizeof(path), "/docker/%.*s", (int)k, H);
		assert_int_equal(classify(path, &m), 0);
	}
}

static void test_long_paths(void **state)
{
	size_t cap = 3 * CGROUP_PATH_MAX;
	char *buf = malloc(cap);
	const char *tail = "/docker/" H;
	struct cgroup_match m;
	size_t n;

	(void)state;
	assert_non_null(buf);
	/* exactly CGROUP_PATH_MAX bytes, made of 100-byte components, ending in a docker id */
	n = 0;
	while (n + 101 + strlen(tail) <= CGROUP_PATH_MAX) {
		buf[n++] = '/';
		memset(buf + n, 'a', 100);
		n += 100;
	}
	buf[n++] = '/';
	memset(buf + n, 'b', CGROUP_PATH_MAX - n - strlen(tail));
	n = CGROUP_PATH_MAX - strlen(tail);
	memcpy(buf + n, tail, strlen(tail));
	n += strlen(tail);
	assert_int_equal(n, CGROUP_PATH_MAX);
	assert_int_equal(classify_n(buf, n, &m), 1);
	assert_string_equal(m.id, H);
	/* one byte longer: refused */
	memmove(buf + 1, buf, n);
	buf[1] = 'c';
	assert_int_equal(classify_n(buf, n + 1, &m), 0);
	/* short but very deep */
	n = 0;
	for (int i = 0; i < 1000; i++) {
		buf[n++] = '/';
		buf[n++] = 'x';
	}
	memcpy(buf + n, tail, strlen(tail));
	assert_int_equal(classify_n(buf, n + strlen(tail), &m), 0);
	/* one huge component */
	memset(buf, 'a', cap);
	buf[0] = '/';
	assert_int_equal(classify_n(buf, cap, &m), 0);
	assert_int_equal(classify_n(buf, CGROUP_PATH_MAX, &m), 0);
	free(buf);
}

static uint32_t rng_state = 12345;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

/* Random byte strings and random assemblies of the pieces the rules look for. */
static void test_fuzz(void **state)
{
	static const char *const pieces[] = {
		"/", "/", "/", "docker", "docker-", "libpod-", "libpod_parent", "conmon",
		"cri-containerd-", "crio-", ".scope", ".slice", "kubepods", "kubepods-",
		"-pod", "pod", UID, UID_, H, H63, K, "lxc.payload.", "lxc", "machine.slice",
		"machine-", "\\x2d", "\\x", "supervisor", "container", "..", ".", "_", "-",
		"a", "Z", "\n", ":", "\xff",
	};
#define N_PIECES (sizeof(pieces) / sizeof(pieces[0]))
	char buf[600];
	struct cgroup_match m;

	(void)state;
	for (int it = 0; it < 200000; it++) {
		size_t n = 0;

		if (it & 1) {
			size_t want = rng() % 300;

			for (n = 0; n < want; n++)
				buf[n] = (char)(rng() & 0xff);
			if (n && (rng() & 1))
				buf[0] = '/';
		} else {
			size_t k = rng() % 12;

			for (size_t j = 0; j < k; j++) {
				const char *p = pieces[rng() % N_PIECES];
				size_t pl = strlen(p);

				if (n + pl > sizeof(buf))
					break;
				memcpy(buf + n, p, pl);
				n += pl;
			}
		}
		assert_sane(classify_n(buf, n, &m), &m);
	}
}

/* /proc/PID/cgroup of the real Docker container (hybrid v1 + v2 host) */
static const char real_proc[] =
	"9:name=systemd:/docker/" H "\n"
	"8:pids:/docker/" H "\n"
	"7:blkio:/docker/" H "\n"
	"6:freezer:/docker/" H "\n"
	"5:devices:/docker/" H "\n"
	"4:memory:/docker/" H "\n"
	"3:cpuset:/docker/" H "\n"
	"2:cpuacct:/docker/" H "\n"
	"1:cpu:/docker/" H "\n"
	"0::/docker/" H "\n";

static int proc_path(const char *text, const char *ctl, char *out, size_t outlen)
{
	size_t n = strlen(text);
	char *buf = malloc(n ? n : 1);
	int r;

	assert_non_null(buf);
	memcpy(buf, text, n);
	r = cgroup_proc_path(buf, n, ctl, out, outlen);
	free(buf);
	return r;
}

static void test_proc_path(void **state)
{
	char out[256];

	(void)state;
	assert_int_equal(proc_path(real_proc, "memory", out, sizeof(out)), 0);
	assert_string_equal(out, "/docker/" H);
	assert_int_equal(proc_path(real_proc, "name=systemd", out, sizeof(out)), 0);
	assert_int_equal(proc_path(real_proc, NULL, out, sizeof(out)), 0);
	assert_string_equal(out, "/docker/" H);
	assert_int_equal(proc_path(real_proc, "", out, sizeof(out)), 0);
	assert_int_equal(proc_path(real_proc, "hugetlb", out, sizeof(out)), -ENOENT);
	assert_int_equal(proc_path(real_proc, "systemd", out, sizeof(out)), -ENOENT);

	/* comma-separated controller lists match whole names only */
	const char *co = "4:cpu,cpuacct:/a\n3:memory:/b\n";

	assert_int_equal(proc_path(co, "cpuacct", out, sizeof(out)), 0);
	assert_string_equal(out, "/a");
	assert_int_equal(proc_path(co, "cpu", out, sizeof(out)), 0);
	assert_string_equal(out, "/a");
	assert_int_equal(proc_path(co, "cpuac", out, sizeof(out)), -ENOENT);
	assert_int_equal(proc_path(co, "memory", out, sizeof(out)), 0);
	assert_string_equal(out, "/b");
	assert_int_equal(proc_path(co, NULL, out, sizeof(out)), -ENOENT);

	/* v2 only, no final newline, ':' inside the path, root cgroup */
	assert_int_equal(proc_path("0::/user.slice/x", NULL, out, sizeof(out)), 0);
	assert_string_equal(out, "/user.slice/x");
	assert_int_equal(proc_path("0::/user.slice/x\n", "memory", out, sizeof(out)), -ENOENT);
	assert_int_equal(proc_path("0::/a:b\n", NULL, out, sizeof(out)), 0);
	assert_string_equal(out, "/a:b");
	assert_int_equal(proc_path("0::/\n", NULL, out, sizeof(out)), 0);
	assert_string_equal(out, "/");
	/* "10:..." is not hierarchy 0 */
	assert_int_equal(proc_path("10::/x\n", NULL, out, sizeof(out)), -ENOENT);

	/* the output buffer: exact fit, one short */
	assert_int_equal(proc_path("0::/abc\n", NULL, out, 5), 0);
	assert_string_equal(out, "/abc");
	assert_int_equal(proc_path("0::/abc\n", NULL, out, 4), -ENAMETOOLONG);
	assert_int_equal(proc_path("0::/abc\n", NULL, out, 0), -EINVAL);

	/* empty text, bad arguments */
	assert_int_equal(proc_path("", NULL, out, sizeof(out)), -ENOENT);
	assert_int_equal(proc_path("\n\n", NULL, out, sizeof(out)), -ENOENT);
	assert_int_equal(cgroup_proc_path(NULL, 0, NULL, out, sizeof(out)), -EINVAL);
	assert_int_equal(cgroup_proc_path("0::/\n", 5, NULL, NULL, 10), -EINVAL);
	assert_int_equal(proc_path(real_proc, "cpu,cpuacct", out, sizeof(out)), -EINVAL);
	assert_int_equal(proc_path(real_proc, "a:b", out, sizeof(out)), -EINVAL);
}

static void test_proc_path_malformed(void **state)
{
	static const char *const bad[] = {
		"garbage\n",
		"1:cpu\n",
		"x:cpu:/a\n",
		"1x:cpu:/a\n",
		":cpu:/a\n",
		"1:cpu:relative\n",
		"1:cpu:\n",
		"0::\n",
		"0:\n",
		"0::/ok\nbroken\n",	/* damage after the match still counts */
		"broken\n0::/ok\n",
		"-1::/a\n",
	};
	char out[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (proc_path(bad[i], NULL, out, sizeof(out)) != -EINVAL)
			fail_msg("accepted %s", bad[i]);
		assert_int_equal(proc_path(bad[i], "cpu", out, sizeof(out)), -EINVAL);
	}
	/* an embedded NUL */
	assert_int_equal(cgroup_proc_path("0::/a\0b\n", 8, NULL, out, sizeof(out)), -EINVAL);
	/* every prefix of the real text parses or fails cleanly */
	for (size_t k = 0; k <= strlen(real_proc); k++) {
		char *buf = malloc(k ? k : 1);
		int r;

		memcpy(buf, real_proc, k);
		r = cgroup_proc_path(buf, k, "memory", out, sizeof(out));
		free(buf);
		assert_true(r == 0 || r == -ENOENT || r == -EINVAL);
		if (r == 0)
			assert_non_null(strstr("/docker/" H, out));
	}
}

/* This process's own file: whatever the host, it parses. */
static void test_proc_self(void **state)
{
	char text[4096], out[4096];
	FILE *f = fopen("/proc/self/cgroup", "r");
	size_t n;
	int r;

	(void)state;
	assert_non_null(f);
	n = fread(text, 1, sizeof(text), f);
	fclose(f);
	r = cgroup_proc_path(text, n, NULL, out, sizeof(out));
	assert_true(r == 0 || r == -ENOENT);
	if (r == 0)
		assert_int_equal(out[0], '/');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_not_containers),
		cmocka_unit_test(test_embedded_nul),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_long_paths),
		cmocka_unit_test(test_fuzz),
		cmocka_unit_test(test_proc_path),
		cmocka_unit_test(test_proc_path_malformed),
		cmocka_unit_test(test_proc_self),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
