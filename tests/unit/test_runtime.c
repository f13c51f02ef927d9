// SPDX-License-Identifier: GPL-2.0
/*
 * test_runtime.c - safe_file.c and the runtime metadata readers.
 *
 * The fixtures under tests/fixtures/runtime/ are laid out as a host root: the Docker,
 * podman and plain-ctr files are the real ones (trimmed) from containers run on the
 * development machine; the Kubernetes ones are made from them (see the README there).
 * Damaged state is generated per test in a temporary root. Run from the repo root.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cgroup.h"
#include "runtime.h"
#include "safe_file.h"

#define FIX "tests/fixtures/runtime"
#define DOCKER_ID "105081999aef652215c9d496546a23e2e96108bae84f57598ce51913eac3376e"
#define K8S_DOCKER_ID "d0c4e7a1b2c3d4e5f60718a1b2c3d4e5f60718a1b2c3d4e5f6071829304a5b6c"
#define PODMAN_ID "e3520211374247c6836ebaa748cd6f671a9f22324d8a05240cf31a52c5fa2fc9"
#define PODMAN_IMAGE_ID "9b6d96bab35ed22c8331b28f4fba0de013caeea80eaf701c89e6d196ce481b52"
#define CTR_NS "lookout-fixture-3216"
#define CTR_ID "lfx1"
#define CRI_ID "c0ffee0123456789abcdef0123456789abcdef0123456789abcdef0123456789"
#define CRI_SANDBOX_ID "5a4db0b0cafeb0b0cafeb0b0cafeb0b0cafeb0b0cafeb0b0cafeb0b0cafebeef"
#define POD_UID "1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b"
#define X64 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

#define DOCKER_CFG "var/lib/docker/containers/" X64 "/config.v2.json"
#define PODMAN_CTRS "var/lib/containers/storage/overlay-containers/containers.json"
#define PODMAN_IMGS "var/lib/containers/storage/overlay-images/images.json"
#define CTRD_TASKS "run/containerd/io.containerd.runtime.v2.task"

static const char *const hostile_ids[] = {
	"", "..", ".", "../../../etc", "a/b", "/abs", ".hidden", "a\nb", "a b", "-x",
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
};

/* ---- a scratch root per test ---- */

struct tmp {
	char root[64];
};

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static int tmp_setup(void **state)
{
	struct tmp *t = calloc(1, sizeof(*t));

	if (!t)
		return -1;
	strcpy(t->root, "/tmp/lookout-test-runtime-XXXXXX");
	if (!mkdtemp(t->root)) {
		free(t);
		return -1;
	}
	*state = t;
	return 0;
}

static int tmp_teardown(void **state)
{
	struct tmp *t = *state;

	nftw(t->root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(t);
	return 0;
}

/* mkdir -p of the directory part of root/rel */
static void mkparents(const char *root, const char *rel)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	for (char *s = p + strlen(root) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		if (mkdir(p, 0755) && errno != EEXIST)
			fail_msg("mkdir %s: %s", p, strerror(errno));
		*s = '/';
	}
}

static void put_n(const char *root, const char *rel, const char *data, size_t n)
{
	char p[PATH_MAX];
	FILE *f;

	mkparents(root, rel);
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	unlink(p);
	f = fopen(p, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	fclose(f);
}

static void put(const char *root, const char *rel, const char *data)
{
	put_n(root, rel, data, strlen(data));
}

static void del(const char *root, const char *rel)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	unlink(p);
}

static char *slurp(const char *path, size_t *len)
{
	char *buf;

	assert_int_equal(safe_read_file(path, &buf, len, 1 << 20), 0);
	return buf;
}

static void assert_meta_empty(const struct container_meta *m)
{
	assert_string_equal(m->name, "");
	assert_string_equal(m->image, "");
	assert_string_equal(m->pod, "");
	assert_string_equal(m->k8s_namespace, "");
	assert_int_equal(m->runtime, RUNTIME_NONE);
	assert_false(m->labels.known);
	assert_false(m->labels.truncated);
	assert_int_equal(m->labels.n, 0);
}

/* m has the label key=value (value NULL: has no label key) */
static void assert_label(const struct container_meta *m, const char *key, const char *value)
{
	const char *v = labels_get(&m->labels, key, strlen(key));

	if (!value) {
		assert_null(v);
		return;
	}
	if (!v)
		fail_msg("no label '%s'", key);
	assert_string_equal(v, value);
}

/* ---- safe_file ---- */

static void test_safe_read(void **state)
{
	struct tmp *t = *state;
	char p[PATH_MAX], *buf;
	struct stat st;
	size_t len;

	snprintf(p, sizeof(p), FIX "/var/lib/docker/containers/%s/config.v2.json", DOCKER_ID);
	assert_int_equal(stat(p, &st), 0);
	buf = slurp(p, &len);
	assert_int_equal(len, st.st_size);
	assert_int_equal(buf[len], '\0');
	free(buf);

	/* the bound: exactly max is fine, one more byte is not */
	assert_int_equal(safe_read_file(p, &buf, &len, (size_t)st.st_size), 0);
	free(buf);
	assert_int_equal(safe_read_file(p, &buf, &len, (size_t)st.st_size - 1), -EFBIG);
	assert_null(buf);
	assert_int_equal(len, 0);

	/* an empty file, max 0 */
	put(t->root, "empty", "");
	snprintf(p, sizeof(p), "%s/empty", t->root);
	assert_int_equal(safe_read_file(p, &buf, &len, 0), 0);
	assert_int_equal(len, 0);
	assert_string_equal(buf, "");
	free(buf);

	/* bigger than the first chunk, with NULs inside */
	{
		char big[100000];

		for (size_t i = 0; i < sizeof(big); i++)
			big[i] = (char)(i % 7);
		put_n(t->root, "big", big, sizeof(big));
		snprintf(p, sizeof(p), "%s/big", t->root);
		assert_int_equal(safe_read_file(p, &buf, &len, sizeof(big)), 0);
		assert_int_equal(len, sizeof(big));
		assert_memory_equal(buf, big, sizeof(big));
		free(buf);
		assert_int_equal(safe_read_file(p, &buf, &len, 5000), -EFBIG);
	}

	/* /proc files say size 0 but have content */
	assert_int_equal(safe_read_file("/proc/self/status", &buf, &len, 1 << 20), 0);
	assert_true(len > 0 && strstr(buf, "Pid:"));
	free(buf);
	assert_int_equal(safe_read_file("/proc/self/status", &buf, &len, 10), -EFBIG);

	/* len may be NULL; buf may not */
	assert_int_equal(safe_read_file("/proc/self/status", &buf, NULL, 1 << 20), 0);
	free(buf);
	assert_int_equal(safe_read_file("/proc/self/status", NULL, &len, 1 << 20), -EINVAL);
	assert_int_equal(safe_read_file(NULL, &buf, &len, 1 << 20), -EINVAL);
}

static void test_safe_read_refusals(void **state)
{
	struct tmp *t = *state;
	char p[PATH_MAX], target[PATH_MAX], *buf = (char *)1;
	size_t len = 1;
	struct timespec t0, t1;

	snprintf(p, sizeof(p), "%s/missing", t->root);
	assert_int_equal(safe_read_file(p, &buf, &len, 100), -ENOENT);
	assert_null(buf);
	assert_int_equal(len, 0);

	assert_int_equal(safe_read_file(t->root, &buf, &len, 100), -EISDIR);
	assert_int_equal(safe_read_file("/dev/null", &buf, &len, 100), -EINVAL);

	/* a symlink to a perfectly good file is still refused */
	put(t->root, "real", "x");
	snprintf(p, sizeof(p), "%s/link", t->root);
	snprintf(target, sizeof(target), "%s/real", t->root);
	assert_int_equal(symlink(target, p), 0);
	assert_int_equal(safe_read_file(p, &buf, &len, 100), -ELOOP);

	/* a FIFO with no writer: refused at once, not waited on */
	snprintf(p, sizeof(p), "%s/fifo", t->root);
	assert_int_equal(mkfifo(p, 0600), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(safe_read_file(p, &buf, &len, 100), -EINVAL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(t1.tv_sec - t0.tv_sec < 2);
}

static void test_safe_read_in_root(void **state)
{
	struct tmp *t = *state;
	char p[PATH_MAX], *buf;
	size_t len;

	put(t->root, "etc/hostname", "inside\n");
	/* "..", absolute symlinks and relative ones climbing out all stay in root */
	assert_int_equal(safe_read_file_in_root(t->root, "../../../../etc/hostname", &buf, &len,
						100), 0);
	assert_string_equal(buf, "inside\n");
	free(buf);
	assert_int_equal(safe_read_file_in_root(t->root, "/etc/hostname", &buf, &len, 100), 0);
	assert_string_equal(buf, "inside\n");
	free(buf);
	snprintf(p, sizeof(p), "%s/abs", t->root);
	assert_int_equal(symlink("/etc", p), 0);
	assert_int_equal(safe_read_file_in_root(t->root, "abs/hostname", &buf, &len, 100), 0);
	assert_string_equal(buf, "inside\n");
	free(buf);
	snprintf(p, sizeof(p), "%s/up", t->root);
	assert_int_equal(symlink("../../../../../../../..", p), 0);
	assert_int_equal(safe_read_file_in_root(t->root, "up/etc/hostname", &buf, &len, 100), 0);
	assert_string_equal(buf, "inside\n");
	free(buf);
	/* a file only outside the root is not reachable */
	assert_int_equal(safe_read_file_in_root(t->root, "up/etc/passwd", &buf, &len, 1 << 20),
			 -ENOENT);
	assert_int_equal(safe_read_file_in_root(t->root, "abs/passwd", &buf, &len, 1 << 20),
			 -ENOENT);
	/* final symlink refused, like safe_read_file */
	snprintf(p, sizeof(p), "%s/hn", t->root);
	assert_int_equal(symlink("etc/hostname", p), 0);
	assert_int_equal(safe_read_file_in_root(t->root, "hn", &buf, &len, 100), -ELOOP);
	/* /proc magic links are not followed */
	assert_int_equal(safe_read_file_in_root("/", "proc/self/root/etc/passwd", &buf, &len,
						1 << 20), -ELOOP);
	/* "" and NULL are "/" */
	assert_int_equal(safe_read_file_in_root("", "proc/self/status", &buf, &len, 1 << 20), 0);
	free(buf);
	assert_int_equal(safe_read_file_in_root(NULL, "etc/passwd", &buf, &len, 1 << 20), 0);
	free(buf);
	/* the bound and the type checks apply */
	assert_int_equal(safe_read_file_in_root(t->root, "etc/hostname", &buf, &len, 3), -EFBIG);
	assert_int_equal(safe_read_file_in_root(t->root, "etc", &buf, &len, 3), -EISDIR);
	assert_int_equal(safe_read_file_in_root("/nonexistent-root", "x", &buf, &len, 3), -ENOENT);
	assert_int_equal(safe_read_file_in_root(t->root, NULL, &buf, &len, 3), -EINVAL);
}

/* ---- Docker ---- */

static void test_docker_real(void **state)
{
	struct container_meta m;

	(void)state;
	assert_int_equal(runtime_docker_lookup(FIX, DOCKER_ID, &m), 0);
	assert_string_equal(m.name, "lookout-fixture-3216-d");
	assert_string_equal(m.image, "lookout-fixture-3216:latest");
	assert_string_equal(m.pod, "");
	assert_string_equal(m.k8s_namespace, "");
	assert_int_equal(m.runtime, RUNTIME_DOCKER);
	assert_true(m.labels.known);		/* "Labels": {} */
	assert_int_equal(m.labels.n, 0);
	assert_false(m.labels.truncated);

	/* Kubernetes on Docker: the labels name it */
	assert_int_equal(runtime_docker_lookup(FIX, K8S_DOCKER_ID, &m), 0);
	assert_string_equal(m.name, "api");
	assert_string_equal(m.pod, "api-5f6d7c8b9-q7w8e");
	assert_string_equal(m.k8s_namespace, "shop");
	assert_string_equal(m.image,
			    "registry.local/shop/api@sha256:abababababababababababababababab"
			    "abababababababababababababababab");
	assert_int_equal(m.labels.n, 5);
	assert_label(&m, "io.kubernetes.pod.uid", POD_UID);
	assert_label(&m, "io.kubernetes.docker.type", "container");
	assert_label(&m, "io.kubernetes.pod.name", "api-5f6d7c8b9-q7w8e");

	assert_int_equal(runtime_docker_lookup(FIX, X64, &m), -ENOENT);
	assert_meta_empty(&m);
	assert_int_equal(runtime_docker_lookup("/nonexistent-root", DOCKER_ID, &m), -ENOENT);
	for (size_t i = 0; i < sizeof(hostile_ids) / sizeof(hostile_ids[0]); i++) {
		assert_int_equal(runtime_docker_lookup(FIX, hostile_ids[i], &m), -EINVAL);
		assert_meta_empty(&m);
	}
	assert_int_equal(runtime_docker_lookup(FIX, NULL, &m), -EINVAL);
	assert_int_equal(runtime_docker_lookup(FIX, DOCKER_ID, NULL), -EINVAL);
}

struct json_case {
	const char *json;
	int rc;
	const char *name;
	const char *image;
};

static void test_docker_damaged(void **state)
{
	static const struct json_case cases[] = {
		{ "{\"Name\":\"/x\",\"Config\":{\"Image\":\"img:1\"}}", 0, "x", "img:1" },
		{ "{\"ID\":\"" X64 "\",\"Name\":\"/x\"}\n\n", 0, "x", "" },
		{ "{\"Name\":null,\"Config\":null,\"Image\":\"sha256:ab\"}", 0, "", "sha256:ab" },
		{ "{\"Name\":\"/x\",\"Config\":{\"Image\":\"\"},\"Image\":\"sha256:ab\"}", 0, "x",
		  "sha256:ab" },
		{ "{\"Name\":\"noslash\"}", 0, "noslash", "" },
		{ "{\"Name\":\"/a\\u0000b\"}", 0, "", "" },	/* NUL inside: unknown */
		{ "{}", 0, "", "" },
		{ "", -EINVAL, NULL, NULL },
		{ "\n", -EINVAL, NULL, NULL },
		{ "{", -EINVAL, NULL, NULL },
		{ "[]", -EINVAL, NULL, NULL },
		{ "null", -EINVAL, NULL, NULL },
		{ "42", -EINVAL, NULL, NULL },
		{ "\"str\"", -EINVAL, NULL, NULL },
		{ "{\"Name\":5}", -EINVAL, NULL, NULL },
		{ "{\"Name\":[\"/x\"]}", -EINVAL, NULL, NULL },
		{ "{\"Name\":\"/x\",\"Config\":\"nope\"}", -EINVAL, NULL, NULL },
		{ "{\"Name\":\"/x\",\"Config\":{\"Image\":[\"a\"]}}", -EINVAL, NULL, NULL },
		{ "{\"Name\":\"/x\",\"Config\":{\"Labels\":[]}}", -EINVAL, NULL, NULL },
		{ "{\"Name\":\"/x\",\"Config\":{\"Labels\":{\"io.kubernetes.pod.name\":1}}}",
		  -EINVAL, NULL, NULL },
		{ "{\"Name\":\"/x\",\"Image\":{}}", -EINVAL, NULL, NULL },
		{ "{\"ID\":\"someoneelse\",\"Name\":\"/x\"}", -EINVAL, NULL, NULL },
		{ "{\"ID\":7,\"Name\":\"/x\"}", -EINVAL, NULL, NULL },
		{ "{\"Name\":\"/x\"}{\"Name\":\"/y\"}", -EINVAL, NULL, NULL },
		{ "{\"Name\":\"/x\"} x", -EINVAL, NULL, NULL },
		{ "{\"Name\":\"/x\",}", -EINVAL, NULL, NULL },
		{ "{'Name':'/x'}", -EINVAL, NULL, NULL },
		{ "\xef\xbb\xbf{\"Name\":\"/x\"}", -EINVAL, NULL, NULL },
	};
	struct tmp *t = *state;
	struct container_meta m;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct json_case *c = &cases[i];
		int rc;

		put(t->root, DOCKER_CFG, c->json);
		rc = runtime_docker_lookup(t->root, X64, &m);
		if (rc != c->rc)
			fail_msg("case %zu (%s): rc %d, want %d", i, c->json, rc, c->rc);
		if (rc) {
			assert_meta_empty(&m);
			continue;
		}
		assert_string_equal(m.name, c->name);
		assert_string_equal(m.image, c->image);
	}
	/* a raw NUL in the file */
	put_n(t->root, DOCKER_CFG, "{\"Name\":\"/x\"\0}", 14);
	assert_int_equal(runtime_docker_lookup(t->root, X64, &m), -EINVAL);
	put_n(t->root, DOCKER_CFG, "{\"Name\":\"/x\"}\0", 14);
	assert_int_equal(runtime_docker_lookup(t->root, X64, &m), -EINVAL);
}

static void test_docker_limits(void **state)
{
	static char big[(1 << 20) + 200];
	struct tmp *t = *state;
	struct container_meta m;
	size_t n = (1 << 20) + 100;
	char p[PATH_MAX];

	/* too long to be a name: unknown, not cut */
	strcpy(big, "{\"Name\":\"/");
	memset(big + 10, 'n', 300);
	strcpy(big + 310, "\",\"Config\":{\"Image\":\"i\"}}");
	put(t->root, DOCKER_CFG, big);
	assert_int_equal(runtime_docker_lookup(t->root, X64, &m), 0);
	assert_string_equal(m.name, "");
	assert_string_equal(m.image, "i");

	/* over the 1 MiB bound */
	strcpy(big, "{\"Name\":\"/x\",\"Pad\":\"");
	memset(big + 20, 'p', n);
	strcpy(big + 20 + n, "\"}");
	put(t->root, DOCKER_CFG, big);
	assert_int_equal(runtime_docker_lookup(t->root, X64, &m), -EFBIG);
	assert_meta_empty(&m);

	/* nested too deep for the tokenizer */
	memset(big, '[', 100000);
	big[100000] = '\0';
	put(t->root, DOCKER_CFG, big);
	assert_int_equal(runtime_docker_lookup(t->root, X64, &m), -EINVAL);

	/* not a regular file */
	del(t->root, DOCKER_CFG);
	snprintf(p, sizeof(p), "%s/" DOCKER_CFG, t->root);
	assert_int_equal(mkfifo(p, 0600), 0);
	assert_int_equal(runtime_docker_lookup(t->root, X64, &m), -EINVAL);
	del(t->root, DOCKER_CFG);
	assert_int_equal(mkdir(p, 0755), 0);
	assert_int_equal(runtime_docker_lookup(t->root, X64, &m), -EISDIR);
	rmdir(p);
	assert_int_equal(symlink("/etc/passwd", p), 0);
	assert_int_equal(runtime_docker_lookup(t->root, X64, &m), -ELOOP);
	del(t->root, DOCKER_CFG);
}

/* Symlinks in the state tree that point at real state outside the root lead nowhere. */
static void test_docker_escape(void **state)
{
	struct tmp *t = *state;
	struct container_meta m;
	char cwd[PATH_MAX], p[PATH_MAX], target[2 * PATH_MAX];

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	mkparents(t->root, "var/lib/docker/containers/x");
	snprintf(p, sizeof(p), "%s/var/lib/docker/containers/" DOCKER_ID, t->root);
	snprintf(target, sizeof(target), "%s/" FIX "/var/lib/docker/containers/" DOCKER_ID, cwd);
	assert_int_equal(symlink(target, p), 0);
	assert_int_equal(runtime_docker_lookup(t->root, DOCKER_ID, &m), -ENOENT);
	unlink(p);
	snprintf(target, sizeof(target),
		 "../../../../../../../../../../../../../../../../%s/" FIX
		 "/var/lib/docker/containers/" DOCKER_ID, cwd);
	assert_int_equal(symlink(target, p), 0);
	assert_int_equal(runtime_docker_lookup(t->root, DOCKER_ID, &m), -ENOENT);
	unlink(p);
	/* while the same file read from its own root is fine */
	assert_int_equal(runtime_docker_lookup(FIX, DOCKER_ID, &m), 0);
}

/* Cut a real file at every byte before its end: never a success, never a crash. */
static void check_prefixes(const char *root, const char *rel, const char *fixture,
			   int (*lookup)(const char *root, struct container_meta *m))
{
	struct container_meta m;
	size_t len, end;
	char *buf = slurp(fixture, &len);

	/* the last byte of the JSON value; what follows is whitespace */
	for (end = len; end > 0 && strchr(" \n\t\r", buf[end - 1]); end--)
		;
	for (size_t k = 0; k < end; k++) {
		int rc;

		put_n(root, rel, buf, k);
		rc = lookup(root, &m);
		if (rc != -EINVAL)
			fail_msg("%s cut at %zu/%zu: rc %d", rel, k, len, rc);
		assert_meta_empty(&m);
	}
	put_n(root, rel, buf, end);
	assert_int_equal(lookup(root, &m), 0);
	free(buf);
}

/* Random byte damage: any answer is fine, as long as it is a clean one. */
static void check_mutations(const char *root, const char *rel, const char *fixture,
			    int (*lookup)(const char *root, struct container_meta *m))
{
	struct container_meta m;
	uint32_t seed = 7;
	size_t len;
	char *orig = slurp(fixture, &len), *buf = malloc(len);

	assert_non_null(buf);
	for (int it = 0; it < 1500; it++) {
		int rc;

		memcpy(buf, orig, len);
		for (int k = 0; k < 1 + it % 4; k++) {
			seed = seed * 1103515245u + 12345u;
			buf[(seed >> 8) % len] = (char)(seed >> 24);
		}
		put_n(root, rel, buf, len);
		rc = lookup(root, &m);
		assert_true(rc == 0 || rc == -EINVAL || rc == -ENOENT);
		if (rc)
			assert_meta_empty(&m);
		assert_non_null(memchr(m.name, '\0', sizeof(m.name)));
		assert_non_null(memchr(m.image, '\0', sizeof(m.image)));
	}
	free(buf);
	free(orig);
}

static int docker_x64(const char *root, struct container_meta *m)
{
	return runtime_docker_lookup(root, DOCKER_ID, m);
}

static void test_docker_truncated(void **state)
{
	struct tmp *t = *state;
	const char *rel = "var/lib/docker/containers/" DOCKER_ID "/config.v2.json";

	check_prefixes(t->root, rel, FIX "/" "var/lib/docker/containers/" DOCKER_ID
		       "/config.v2.json", docker_x64);
	check_mutations(t->root, rel, FIX "/" "var/lib/docker/containers/" DOCKER_ID
			"/config.v2.json", docker_x64);
}

/* Labels as each runtime keeps them, and hostile ones: huge, many, not text, a NUL. */
static void test_labels(void **state)
{
	static char big[64 * 1024];
	struct tmp *t = *state;
	struct container_meta m;
	size_t n;

	/* Docker: Config.Labels; what is not a string is left out, the rest kept */
	put(t->root, DOCKER_CFG, "{\"Name\":\"/x\",\"Config\":{\"Image\":\"i\",\"Labels\":"
		"{\"app\":\"web\",\"n\":7,\"o\":{},\"nul\":null,\"esc\":\"\\u001b[2J\\n\","
		"\"v0\":\"a\\u0000b\",\"\":\"\"}}}");
	assert_int_equal(runtime_docker_lookup(t->root, X64, &m), 0);
	assert_string_equal(m.name, "x");
	assert_true(m.labels.known);
	assert_true(m.labels.truncated);
	assert_int_equal(m.labels.n, 3);
	assert_label(&m, "app", "web");
	assert_label(&m, "esc", "\x1b[2J\n");	/* kept: the writers escape it */
	assert_label(&m, "", "");
	assert_label(&m, "n", NULL);
	assert_label(&m, "nul", NULL);
	assert_label(&m, "v0", NULL);		/* a NUL in the value: left out, not cut */
	put(t->root, DOCKER_CFG, "{\"Name\":\"/x\",\"Config\":{\"Labels\":null}}");
	assert_int_equal(runtime_docker_lookup(t->root, X64, &m), 0);
	assert_true(m.labels.known);
	assert_int_equal(m.labels.n, 0);
	assert_false(m.labels.truncated);
	put(t->root, DOCKER_CFG, "{\"Name\":\"/x\"}");
	assert_int_equal(runtime_docker_lookup(t->root, X64, &m), 0);
	assert_true(m.labels.known);

	/* a NUL in a key would read as another key (json-c keeps keys as C strings): the
	 * file is malformed; an escaped backslash before u0000, or a NUL in a value, is not */
	put(t->root, DOCKER_CFG, "{\"Name\":\"/x\",\"Config\":{\"Labels\":"
		"{\"app\\u0000x\":\"web\"}}}");
	assert_int_equal(runtime_docker_lookup(t->root, X64, &m), -EINVAL);
	assert_meta_empty(&m);
	put(t->root, DOCKER_CFG, "{\"Name\\u0000\" :\"/x\"}");
	assert_int_equal(runtime_docker_lookup(t->root, X64, &m), -EINVAL);
	put(t->root, DOCKER_CFG, "{\"Name\":\"/x\",\"Config\":{\"Labels\":"
		"{\"app\\\\u0000x\":\"\\u0000:\",\"b\":\"\\\\\"}}}");
	assert_int_equal(runtime_docker_lookup(t->root, X64, &m), 0);
	assert_label(&m, "app\\u0000x", NULL);	/* its value has a NUL */
	assert_label(&m, "b", "\\");

	/* many, and huge: the first that fit are kept, and the rest said to be left out */
	n = (size_t)snprintf(big, sizeof(big), "{\"Name\":\"/x\",\"Config\":{\"Labels\":{");
	for (int i = 0; i < 1000; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "%s\"k%d\":\"v%d\"", i ? "," : "",
				      i, i);
	n += (size_t)snprintf(big + n, sizeof(big) - n, ",\"huge\":\"");
	memset(big + n, 'h', 20000);
	n += 20000;
	snprintf(big + n, sizeof(big) - n, "\"}}}");
	put(t->root, DOCKER_CFG, big);
	assert_int_equal(runtime_docker_lookup(t->root, X64, &m), 0);
	assert_int_equal(m.labels.n, LABELS_MAX);
	assert_true(m.labels.truncated);
	assert_label(&m, "k0", "v0");
	assert_label(&m, "k63", "v63");
	assert_label(&m, "k64", NULL);
	assert_label(&m, "huge", NULL);

	/* containerd: the bundle's annotations */
	put(t->root, CTRD_TASKS "/default/c1/config.json",
	    "{\"annotations\":{\"nerdctl/name\":\"web\",\"team\":\"pay\\u001b\"}}");
	assert_int_equal(runtime_containerd_lookup(t->root, "default", "c1", &m), 0);
	assert_int_equal(m.labels.n, 2);
	assert_label(&m, "team", "pay\x1b");
	put(t->root, CTRD_TASKS "/default/c1/config.json",
	    "{\"annotations\":{\"io.kubernetes.cri.container-name\":7}}");
	assert_int_equal(runtime_containerd_lookup(t->root, "default", "c1", &m), -EINVAL);
	assert_meta_empty(&m);

	/* CRI-O: the labels annotation holds JSON text; bad text leaves them all out */
	{
		static const struct {
			const char *labels;	/* the annotation's JSON value, NULL: none */
			bool known, truncated;
			unsigned int n;
		} cases[] = {
			{ NULL, false, false, 0 },
			{ "null", false, false, 0 },
			{ "\"{}\"", true, false, 0 },
			{ "\"{\\\"app\\\":\\\"web\\\"}\"", true, false, 1 },
			{ "\"{\\\"app\\\":\\\"web\\\",\\\"n\\\":1}\"", true, true, 1 },
			{ "\"{\\\"app\\\":\"", true, true, 0 },
			{ "\"[]\"", true, true, 0 },
			{ "\"{} x\"", true, true, 0 },
			{ "\"{\\\"a\\\\u0000b\\\":\\\"x\\\"}\"", true, true, 0 },
			{ "\"{\\u0000}\"", true, true, 0 },
			{ "{}", true, true, 0 },
			{ "7", true, true, 0 },
		};

		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			n = (size_t)snprintf(big, sizeof(big), "{\"annotations\":{"
					     "\"io.kubernetes.container.name\":\"web\"%s%s}}",
					     cases[i].labels ? ",\"io.kubernetes.cri-o.Labels\":" :
					     "", cases[i].labels ? cases[i].labels : "");
			if (runtime_crio_parse(big, n, &m))
				fail_msg("case %zu (%s): not read", i, big);
			assert_string_equal(m.name, "web");
			if (m.labels.known != cases[i].known ||
			    m.labels.truncated != cases[i].truncated || m.labels.n != cases[i].n)
				fail_msg("case %zu (%s): known %d truncated %d n %u", i, big,
					 m.labels.known, m.labels.truncated, m.labels.n);
		}
		assert_label(&m, "app", NULL);
	}
}

/* ---- podman ---- */

static void test_podman_real(void **state)
{
	struct container_meta m;

	(void)state;
	assert_int_equal(runtime_podman_lookup(FIX, PODMAN_ID, &m), 0);
	assert_string_equal(m.name, "lookout-fixture-3216-p");
	assert_string_equal(m.image, "localhost/lookout-fixture-3216:latest");
	assert_string_equal(m.pod, "");
	assert_int_equal(m.runtime, RUNTIME_PODMAN);

	assert_int_equal(runtime_podman_lookup(FIX, X64, &m), -ENOENT);
	assert_meta_empty(&m);
	assert_int_equal(runtime_podman_lookup("/nonexistent-root", PODMAN_ID, &m), -ENOENT);
	for (size_t i = 0; i < sizeof(hostile_ids) / sizeof(hostile_ids[0]); i++)
		assert_int_equal(runtime_podman_lookup(FIX, hostile_ids[i], &m), -EINVAL);
	assert_int_equal(runtime_podman_lookup(FIX, NULL, &m), -EINVAL);
}

#define CTR_X(extra) "[{\"id\":\"" X64 "\",\"names\":[\"px\",\"alias\"],\"image\":\"" \
		     PODMAN_IMAGE_ID "\"" extra "}]"
#define META ",\"metadata\":\"{\\\"image-name\\\":\\\"localhost/from-meta:1\\\"}\""

static void test_podman_image_fallbacks(void **state)
{
	struct tmp *t = *state;
	struct container_meta m;

	/* images.json names it */
	put(t->root, PODMAN_CTRS, CTR_X(META));
	put(t->root, PODMAN_IMGS,
	    "[{\"id\":\"" PODMAN_IMAGE_ID "\",\"names\":[\"localhost/i:2\"]}]");
	assert_int_equal(runtime_podman_lookup(t->root, X64, &m), 0);
	assert_string_equal(m.name, "px");
	assert_string_equal(m.image, "localhost/i:2");

	/* images.json gone, damaged, silent about it, or nameless: podman's metadata */
	del(t->root, PODMAN_IMGS);
	assert_int_equal(runtime_podman_lookup(t->root, X64, &m), 0);
	assert_string_equal(m.image, "localhost/from-meta:1");
	put(t->root, PODMAN_IMGS, "[{\"id\":");
	assert_int_equal(runtime_podman_lookup(t->root, X64, &m), 0);
	assert_string_equal(m.image, "localhost/from-meta:1");
	put(t->root, PODMAN_IMGS, "[{\"id\":\"other\",\"names\":[\"o:1\"]}]");
	assert_int_equal(runtime_podman_lookup(t->root, X64, &m), 0);
	assert_string_equal(m.image, "localhost/from-meta:1");
	put(t->root, PODMAN_IMGS, "[{\"id\":\"" PODMAN_IMAGE_ID "\",\"names\":[]}]");
	assert_int_equal(runtime_podman_lookup(t->root, X64, &m), 0);
	assert_string_equal(m.image, "localhost/from-meta:1");
	put(t->root, PODMAN_IMGS, "[{\"id\":\"" PODMAN_IMAGE_ID "\",\"names\":\"x\"}]");
	assert_int_equal(runtime_podman_lookup(t->root, X64, &m), 0);
	assert_string_equal(m.image, "localhost/from-meta:1");

	/* no metadata either (or a damaged one): the image id */
	put(t->root, PODMAN_CTRS, CTR_X(""));
	assert_int_equal(runtime_podman_lookup(t->root, X64, &m), 0);
	assert_string_equal(m.image, PODMAN_IMAGE_ID);
	put(t->root, PODMAN_CTRS, CTR_X(",\"metadata\":\"{not json\""));
	assert_int_equal(runtime_podman_lookup(t->root, X64, &m), 0);
	assert_string_equal(m.image, PODMAN_IMAGE_ID);
	put(t->root, PODMAN_CTRS, CTR_X(",\"metadata\":\"{\\\"image-name\\\":3}\""));
	assert_int_equal(runtime_podman_lookup(t->root, X64, &m), 0);
	assert_string_equal(m.image, PODMAN_IMAGE_ID);

	/* a container made from a rootfs has no image */
	put(t->root, PODMAN_CTRS, "[{\"id\":\"" X64 "\",\"names\":[],\"image\":\"\"}]");
	assert_int_equal(runtime_podman_lookup(t->root, X64, &m), 0);
	assert_string_equal(m.name, "");
	assert_string_equal(m.image, "");

	/* the vfs driver's files when there are no overlay ones */
	del(t->root, PODMAN_CTRS);
	put(t->root, "var/lib/containers/storage/vfs-containers/containers.json", CTR_X(""));
	put(t->root, "var/lib/containers/storage/vfs-images/images.json",
	    "[{\"id\":\"" PODMAN_IMAGE_ID "\",\"names\":[\"localhost/vfs:1\"]}]");
	assert_int_equal(runtime_podman_lookup(t->root, X64, &m), 0);
	assert_string_equal(m.name, "px");
	assert_string_equal(m.image, "localhost/vfs:1");
}

static void test_podman_damaged(void **state)
{
	static const char *const bad[] = {
		"",
		"{}",
		"[",
		"[{\"id\":\"" X64 "\"}",
		"[5]",
		"[[]]",
		"[{\"names\":[\"px\"]}]",				/* no id */
		"[{\"id\":5}]",
		"[{\"id\":null}]",
		"[{\"id\":\"" X64 "\",\"names\":\"px\"}]",
		"[{\"id\":\"" X64 "\",\"names\":[5]}]",
		"[{\"id\":\"" X64 "\",\"names\":[\"px\"],\"image\":5}]",
		"[{\"id\":\"" X64 "\"},{\"id\":\"" X64 "\"}]",	/* listed twice */
		"[{\"id\":\"" X64 "\"}]]",
	};
	struct tmp *t = *state;
	struct container_meta m;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc;

		put(t->root, PODMAN_CTRS, bad[i]);
		rc = runtime_podman_lookup(t->root, X64, &m);
		if (rc != -EINVAL)
			fail_msg("%s: rc %d", bad[i], rc);
		assert_meta_empty(&m);
	}
	put(t->root, PODMAN_CTRS, "[]");
	assert_int_equal(runtime_podman_lookup(t->root, X64, &m), -ENOENT);
}

static int podman_real(const char *root, struct container_meta *m)
{
	return runtime_podman_lookup(root, PODMAN_ID, m);
}

static void test_podman_truncated(void **state)
{
	struct tmp *t = *state;

	put(t->root, PODMAN_IMGS, "[]");
	check_prefixes(t->root, PODMAN_CTRS, FIX "/" PODMAN_CTRS, podman_real);
	check_mutations(t->root, PODMAN_CTRS, FIX "/" PODMAN_CTRS, podman_real);
}

/* ---- containerd ---- */

static void test_containerd_real(void **state)
{
	struct container_meta m;

	(void)state;
	/* plain ctr, through dockerd's containerd: no annotations */
	assert_int_equal(runtime_containerd_lookup(FIX, CTR_NS, CTR_ID, &m), 0);
	assert_string_equal(m.name, CTR_ID);
	assert_string_equal(m.image, "");
	assert_int_equal(m.runtime, RUNTIME_CONTAINERD);
	assert_true(m.labels.known);
	assert_int_equal(m.labels.n, 0);
	assert_int_equal(runtime_containerd_lookup(FIX, "", CTR_ID, &m), 0);
	assert_string_equal(m.name, CTR_ID);
	assert_int_equal(runtime_containerd_lookup(FIX, NULL, CTR_ID, &m), 0);
	assert_int_equal(runtime_containerd_lookup(FIX, "default", CTR_ID, &m), -ENOENT);
	assert_meta_empty(&m);
	assert_int_equal(runtime_containerd_lookup(FIX, CTR_NS, "lfx2", &m), -ENOENT);

	/* CRI: the annotations name the container, its image and pod */
	assert_int_equal(runtime_containerd_lookup(FIX, "k8s.io", CRI_ID, &m), 0);
	assert_string_equal(m.name, "web");
	assert_string_equal(m.image, "docker.io/library/nginx:1.25");
	assert_string_equal(m.pod, "web-7d4b9c8f6-x2x9z");
	assert_string_equal(m.k8s_namespace, "shop");
	/* as labels, the bundle's annotations */
	assert_int_equal(m.labels.n, 7);
	assert_label(&m, "io.kubernetes.cri.sandbox-uid", POD_UID);
	assert_label(&m, "io.kubernetes.cri.container-type", "container");
	assert_int_equal(runtime_containerd_lookup(FIX, "", CRI_ID, &m), 0);
	assert_string_equal(m.name, "web");
	/* the pod sandbox (pause) */
	assert_int_equal(runtime_containerd_lookup(FIX, "", CRI_SANDBOX_ID, &m), 0);
	assert_string_equal(m.name, "");
	assert_string_equal(m.pod, "web-7d4b9c8f6-x2x9z");
	assert_string_equal(m.k8s_namespace, "shop");

	assert_true(runtime_containerd_exists(FIX, CTR_NS, CTR_ID));
	assert_true(runtime_containerd_exists(FIX, "", CTR_ID));
	assert_true(runtime_containerd_exists(FIX, "k8s.io", CRI_ID));
	assert_false(runtime_containerd_exists(FIX, "k8s.io", CTR_ID));
	assert_false(runtime_containerd_exists(FIX, "", "nope"));
	assert_false(runtime_containerd_exists(FIX, CTR_NS, NULL));
	assert_false(runtime_containerd_exists("/nonexistent-root", CTR_NS, CTR_ID));
	for (size_t i = 0; i < sizeof(hostile_ids) / sizeof(hostile_ids[0]); i++) {
		const char *h = hostile_ids[i];

		assert_int_equal(runtime_containerd_lookup(FIX, CTR_NS, h, &m), -EINVAL);
		assert_meta_empty(&m);
		if (h[0])
			assert_int_equal(runtime_containerd_lookup(FIX, h, CTR_ID, &m), -EINVAL);
		assert_false(runtime_containerd_exists(FIX, CTR_NS, h));
		if (h[0])
			assert_false(runtime_containerd_exists(FIX, h, CTR_ID));
	}
	/* the shim's neighbours of config.json are not confused with it */
	assert_false(runtime_containerd_exists(FIX, CTR_NS, "lfx1/config.json"));
}

static void test_containerd_damaged(void **state)
{
	static const struct json_case cases[] = {
		{ "{\"ociVersion\":\"1.0.2\"}", 0, "c1", "" },
		{ "{\"annotations\":null}", 0, "c1", "" },
		{ "{\"annotations\":{}}", 0, "c1", "" },
		{ "{\"annotations\":{\"io.containerd.image.name\":\"docker.io/x/y:1\"}}", 0, "c1",
		  "docker.io/x/y:1" },
		{ "{\"annotations\":{\"io.kubernetes.cri.container-type\":\"container\","
		  "\"io.kubernetes.cri.container-name\":\"n\","
		  "\"io.containerd.image.name\":\"fallback:1\"}}", 0, "n", "fallback:1" },
		{ "", -EINVAL, NULL, NULL },
		{ "[]", -EINVAL, NULL, NULL },
		{ "{\"annotations\":[]}", -EINVAL, NULL, NULL },
		{ "{\"annotations\":\"x\"}", -EINVAL, NULL, NULL },
		{ "{\"annotations\":{\"io.kubernetes.cri.container-name\":{}}}", -EINVAL, NULL,
		  NULL },
		{ "{\"annotations\":{\"io.kubernetes.cri.sandbox-namespace\":true}}", -EINVAL, NULL,
		  NULL },
		{ "{\"annotations\":{\"io.kubernetes.cri.image-name\":1.5}}", -EINVAL, NULL, NULL },
		{ "{\"annotations\":{\"io.containerd.image.name\":[]}}", -EINVAL, NULL, NULL },
		{ "{\"annotations\":{}", -EINVAL, NULL, NULL },
	};
	struct tmp *t = *state;
	const char *rel = CTRD_TASKS "/ns1/c1/config.json";
	struct container_meta m;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct json_case *c = &cases[i];
		int rc;

		put(t->root, rel, c->json);
		rc = runtime_containerd_lookup(t->root, "ns1", "c1", &m);
		if (rc != c->rc)
			fail_msg("case %zu (%s): rc %d, want %d", i, c->json, rc, c->rc);
		if (rc) {
			assert_meta_empty(&m);
			continue;
		}
		assert_string_equal(m.name, c->name);
		assert_string_equal(m.image, c->image);
	}
}

static void test_containerd_ambiguous(void **state)
{
	struct tmp *t = *state;
	struct container_meta m;
	char p[PATH_MAX];

	put(t->root, CTRD_TASKS "/ns1/dup/config.json", "{}");
	put(t->root, "var/run/docker/containerd/daemon/io.containerd.runtime.v2.task/ns2/dup/"
		     "config.json", "{}");
	/* asked by namespace: fine; asked across namespaces: which one is it? */
	assert_int_equal(runtime_containerd_lookup(t->root, "ns1", "dup", &m), 0);
	assert_int_equal(runtime_containerd_lookup(t->root, "ns2", "dup", &m), 0);
	assert_int_equal(runtime_containerd_lookup(t->root, "", "dup", &m), -EINVAL);
	assert_meta_empty(&m);
	assert_false(runtime_containerd_exists(t->root, "", "dup"));
	assert_true(runtime_containerd_exists(t->root, "ns1", "dup"));

	/* namespace entries that are not plain names are skipped */
	put(t->root, CTRD_TASKS "/.hidden/c9/config.json", "{}");
	assert_false(runtime_containerd_exists(t->root, "", "c9"));

	/* a bundle whose config.json is a FIFO, a directory or a symlink is no bundle */
	mkparents(t->root, CTRD_TASKS "/ns1/f/x");
	snprintf(p, sizeof(p), "%s/" CTRD_TASKS "/ns1/f/config.json", t->root);
	assert_int_equal(mkfifo(p, 0600), 0);
	assert_false(runtime_containerd_exists(t->root, "ns1", "f"));
	assert_int_equal(runtime_containerd_lookup(t->root, "ns1", "f", &m), -ENOENT);
	mkparents(t->root, CTRD_TASKS "/ns1/d/config.json/x");
	assert_false(runtime_containerd_exists(t->root, "ns1", "d"));
	mkparents(t->root, CTRD_TASKS "/ns1/l/x");
	snprintf(p, sizeof(p), "%s/" CTRD_TASKS "/ns1/l/config.json", t->root);
	assert_int_equal(symlink("../dup/config.json", p), 0);
	assert_false(runtime_containerd_exists(t->root, "ns1", "l"));
}

static int containerd_cri(const char *root, struct container_meta *m)
{
	return runtime_containerd_lookup(root, "k8s.io", CRI_ID, m);
}

static void test_containerd_truncated(void **state)
{
	struct tmp *t = *state;
	const char *rel = CTRD_TASKS "/k8s.io/" CRI_ID "/config.json";

	check_prefixes(t->root, rel, FIX "/" CTRD_TASKS "/k8s.io/" CRI_ID "/config.json",
		       containerd_cri);
	check_mutations(t->root, rel, FIX "/" CTRD_TASKS "/k8s.io/" CRI_ID "/config.json",
			containerd_cri);
}

/* ---- from a cgroup path to metadata ---- */

static int lookup_path(const char *path, struct cgroup_match *cm, struct container_meta *m)
{
	assert_int_equal(cgroup_classify(path, strlen(path), cm), 1);
	return runtime_lookup(FIX, cm, m);
}

static void test_lookup_dispatch(void **state)
{
	struct cgroup_match cm;
	struct container_meta m;

	(void)state;
	assert_int_equal(lookup_path("/docker/" DOCKER_ID, &cm, &m), 0);
	assert_string_equal(m.name, "lookout-fixture-3216-d");
	assert_int_equal(m.runtime, RUNTIME_DOCKER);

	assert_int_equal(lookup_path("/libpod_parent/libpod-" PODMAN_ID, &cm, &m), 0);
	assert_string_equal(m.name, "lookout-fixture-3216-p");
	assert_int_equal(m.runtime, RUNTIME_PODMAN);
	assert_false(m.labels.known);		/* in podman's database, not read */

	/* plain ctr: confirmed by its bundle, then looked up */
	assert_int_equal(lookup_path("/" CTR_NS "/" CTR_ID, &cm, &m), 0);
	assert_true(cm.needs_confirm);
	assert_true(runtime_containerd_exists(FIX, cm.ctr_namespace, cm.id));
	assert_string_equal(m.name, CTR_ID);
	/* a two-level host cgroup that only looks like one */
	assert_int_equal(lookup_path("/process_api/71e814c573faafafba79683ec552f1dd", &cm, &m),
			 -ENOENT);
	assert_false(runtime_containerd_exists(FIX, cm.ctr_namespace, cm.id));

	assert_int_equal(lookup_path("/kubepods.slice/kubepods-besteffort.slice/kubepods-"
				     "besteffort-pod1f2e3d4c_5b6a_4798_8a7b_6c5d4e3f2a1b.slice/"
				     "cri-containerd-" CRI_ID ".scope", &cm, &m), 0);
	assert_string_equal(cm.pod_uid, POD_UID);
	assert_string_equal(m.name, "web");
	assert_string_equal(m.pod, "web-7d4b9c8f6-x2x9z");
	assert_int_equal(m.runtime, RUNTIME_CONTAINERD);
	assert_int_equal(lookup_path("/kubepods/besteffort/pod" POD_UID "/" CRI_ID, &cm, &m), 0);
	assert_string_equal(m.name, "web");

	/* the same cgroupfs form under Kubernetes on Docker: Docker answers */
	assert_int_equal(lookup_path("/kubepods/burstable/pod" POD_UID "/" K8S_DOCKER_ID, &cm,
				     &m), 0);
	assert_int_equal(cm.runtime, RUNTIME_CONTAINERD);
	assert_int_equal(m.runtime, RUNTIME_DOCKER);
	assert_string_equal(m.name, "api");
	assert_string_equal(m.k8s_namespace, "shop");
	/* neither has it */
	assert_int_equal(lookup_path("/kubepods/burstable/pod" POD_UID "/" X64, &cm, &m),
			 -ENOENT);

	assert_int_equal(lookup_path("/lxc.payload.web1", &cm, &m), 0);
	assert_string_equal(m.name, "web1");
	assert_int_equal(m.runtime, RUNTIME_LXC);
	assert_false(m.labels.known);
	assert_int_equal(lookup_path("/machine.slice/machine-my\\x2dbox.scope", &cm, &m), 0);
	assert_string_equal(m.name, "my-box");
	assert_int_equal(m.runtime, RUNTIME_NSPAWN);

	assert_int_equal(lookup_path("/kubepods.slice/crio-" CRI_ID ".scope", &cm, &m), 0);
	assert_string_equal(m.name, "web");
	assert_string_equal(m.pod, "web-7d4b9c5f8-x2x9q");
	assert_string_equal(m.k8s_namespace, "shop");
	assert_string_equal(m.image, "docker.io/library/nginx:1.25");
	assert_int_equal(m.runtime, RUNTIME_CRIO);
	/* CRI-O's labels annotation, not its other annotations */
	assert_int_equal(m.labels.n, 4);
	assert_label(&m, "io.kubernetes.pod.uid", POD_UID);
	assert_label(&m, "io.kubernetes.cri-o.ImageName", NULL);
	assert_false(m.labels.truncated);
	/* a CRI-O id it does not have */
	assert_int_equal(lookup_path("/system.slice/crio-" X64 ".scope", &cm, &m), -ENOENT);
	assert_meta_empty(&m);
	/* an OCI config without CRI-O's annotations is not taken for one */
	{
		static const char *const none = "{\"annotations\":{}}";
		static const char *const list = "{\"annotations\":[]}";
		static const char *const num = "{\"annotations\":{\"io.kubernetes.container.name\":7}}";

		assert_int_equal(runtime_crio_parse(none, strlen(none), &m), -ENOENT);
		assert_int_equal(runtime_crio_parse(list, strlen(list), &m), -EINVAL);
		assert_int_equal(runtime_crio_parse(num, strlen(num), &m), -EINVAL);
	}
	assert_meta_empty(&m);

	/* hand-made matches: nothing, a sandbox, hostile ids */
	memset(&cm, 0, sizeof(cm));
	assert_int_equal(runtime_lookup(FIX, &cm, &m), -ENOENT);
	cm.runtime = RUNTIME_SANDBOX;
	strcpy(cm.id, "pidns:4026531836");
	assert_int_equal(runtime_lookup(FIX, &cm, &m), -ENOENT);
	for (size_t i = 0; i < sizeof(hostile_ids) / sizeof(hostile_ids[0]); i++) {
		static const enum runtime_kind kinds[] = { RUNTIME_DOCKER, RUNTIME_PODMAN,
							   RUNTIME_CONTAINERD, RUNTIME_LXC,
							   RUNTIME_NSPAWN };

		if (strlen(hostile_ids[i]) >= sizeof(cm.id))
			continue;
		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			memset(&cm, 0, sizeof(cm));
			cm.runtime = kinds[k];
			strcpy(cm.id, hostile_ids[i]);
			assert_int_equal(runtime_lookup(FIX, &cm, &m), -EINVAL);
			assert_meta_empty(&m);
		}
	}
	assert_int_equal(runtime_lookup(FIX, NULL, &m), -EINVAL);
	assert_int_equal(runtime_lookup(FIX, &cm, NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_safe_read, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_safe_read_refusals, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_safe_read_in_root, tmp_setup, tmp_teardown),
		cmocka_unit_test(test_docker_real),
		cmocka_unit_test_setup_teardown(test_docker_damaged, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_docker_limits, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_docker_escape, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_docker_truncated, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_labels, tmp_setup, tmp_teardown),
		cmocka_unit_test(test_podman_real),
		cmocka_unit_test_setup_teardown(test_podman_image_fallbacks, tmp_setup,
						tmp_teardown),
		cmocka_unit_test_setup_teardown(test_podman_damaged, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_podman_truncated, tmp_setup, tmp_teardown),
		cmocka_unit_test(test_containerd_real),
		cmocka_unit_test_setup_teardown(test_containerd_damaged, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_containerd_ambiguous, tmp_setup,
						tmp_teardown),
		cmocka_unit_test_setup_teardown(test_containerd_truncated, tmp_setup,
						tmp_teardown),
		cmocka_unit_test(test_lookup_dispatch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
