// SPDX-License-Identifier: GPL-2.0
/*
 * test_snapshot.c - snapshot.c and snapshot_output.c: the /proc parsers, grouping of
 * processes into containers, sandboxes and entered processes, the choice of each init,
 * name and id-prefix lookup, the process tree, and the ps/inspect writers with hostile
 * names.
 *
 * Each test builds a fake /proc in a temporary directory (stat, status, cgroup, cmdline,
 * and ns/ links whose text is "pid:[N]" as the kernel's magic links read) and points
 * snapshot_scan() at it, with tests/fixtures/runtime as the runtimes' state. Run from
 * the repo root.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
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
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "outbuf.h"
#include "snapshot.h"
#include "snapshot_output.h"

#define FIX "tests/fixtures/runtime"
#define DOCKER_ID "105081999aef652215c9d496546a23e2e96108bae84f57598ce51913eac3376e"
#define PODMAN_ID "e3520211374247c6836ebaa748cd6f671a9f22324d8a05240cf31a52c5fa2fc9"
#define CTR_NS "lookout-fixture-3216"
#define CTR_ID "lfx1"
/* ids no runtime state knows: found by their cgroup, nameless */
#define HOSTPID_ID "1050819aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

#define HOST_PIDNS 4026531836ULL
#define HOST_MNTNS 4026531841ULL
#define DOCKER_PIDNS 4026532100ULL
#define INNER_PIDNS 4026532101ULL
#define PODMAN_PIDNS 4026532200ULL
#define CTR_PIDNS 4026532300ULL
#define SANDBOX_PIDNS 4026532400ULL
#define HIDDEN_PIDNS 4026532500ULL

/* ---- a fake /proc ---- */

struct fake {
	char dir[64];		/* the temp dir */
	char proc[96];		/* dir/proc */
};

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static int fake_setup(void **state)
{
	struct fake *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	strcpy(f->dir, "/tmp/lookout-test-snapshot-XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->proc, sizeof(f->proc), "%s/proc", f->dir);
	if (mkdir(f->proc, 0755)) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int fake_teardown(void **state)
{
	struct fake *f = *state;

	nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* A process that ended: its directory goes. */
static int remove_proc(const struct fake *f, __u32 pid)
{
	char d[PATH_MAX];

	snprintf(d, sizeof(d), "%s/%u", f->proc, pid);
	return nftw(d, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void put_file(const struct fake *f, __u32 pid, const char *name, const char *data,
		     size_t n)
{
	char p[PATH_MAX];
	FILE *fp;

	snprintf(p, sizeof(p), "%s/%u/%s", f->proc, pid, name);
	fp = fopen(p, "w");
	if (!fp)
		fail_msg("fopen %s: %s", p, strerror(errno));
	assert_int_equal(fwrite(data, 1, n, fp), n);
	fclose(fp);
}

static void put_ns(const struct fake *f, __u32 pid, const char *name, unsigned long long ino)
{
	char p[PATH_MAX], link[64];

	snprintf(p, sizeof(p), "%s/%u/ns/%s", f->proc, pid, name);
	snprintf(link, sizeof(link), "%s:[%llu]", name, ino);
	unlink(p);
	assert_int_equal(symlink(link, p), 0);
}

struct fp {
	__u32 pid, ppid;
	const char *comm;	/* NULL: "sh" */
	unsigned long long start;
	const char *nspid;	/* "100 1" */
	const char *cgroup;	/* the path in every hierarchy */
	unsigned long long pidns, mntns;
	const char *cmdline;	/* NUL-separated, cmdline_len bytes */
	size_t cmdline_len;
	__u32 uid;
	char state;
	const char *exe;	/* the exe link's target; NULL: none (unreadable) */
};

/* One process as the kernel shows it, on a hybrid cgroup host (v1 memory plus v2). */
static void add_proc(const struct fake *f, const struct fp *p)
{
	char d[PATH_MAX], buf[8192];
	const char *comm = p->comm ? p->comm : "sh";
	int n;

	snprintf(d, sizeof(d), "%s/%u", f->proc, p->pid);
	assert_int_equal(mkdir(d, 0755), 0);
	snprintf(d, sizeof(d), "%s/%u/ns", f->proc, p->pid);
	assert_int_equal(mkdir(d, 0755), 0);
	n = snprintf(buf, sizeof(buf),
		     "%u (%s) %c %u %u %u 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 %llu "
		     "1234567 200 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n",
		     p->pid, comm, p->state ? p->state : 'S', p->ppid, p->pid, p->pid, p->start);
	put_file(f, p->pid, "stat", buf, (size_t)n);
	n = snprintf(buf, sizeof(buf),
		     "Name:\t%s\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t%u\nNgid:\t0\n"
		     "Pid:\t%u\nPPid:\t%u\nTracerPid:\t0\nUid:\t%u\t%u\t%u\t%u\n"
		     "Gid:\t0\t0\t0\t0\nFDSize:\t64\nGroups:\t\nNStgid:\t%s\nNSpid:\t%s\n"
		     "NSpgid:\t%s\nThreads:\t1\n",
		     "whatever", p->pid, p->pid, p->ppid, p->uid, p->uid, p->uid, p->uid,
		     p->nspid, p->nspid, p->nspid);
	put_file(f, p->pid, "status", buf, (size_t)n);
	n = snprintf(buf, sizeof(buf), "9:name=systemd:%s\n4:memory:%s\n1:cpu:%s\n0::%s\n",
		     p->cgroup, p->cgroup, p->cgroup, p->cgroup);
	put_file(f, p->pid, "cgroup", buf, (size_t)n);
	put_file(f, p->pid, "cmdline", p->cmdline ? p->cmdline : "", p->cmdline_len);
	if (p->pidns)
		put_ns(f, p->pid, "pid", p->pidns);
	if (p->mntns)
		put_ns(f, p->pid, "mnt", p->mntns);
	put_ns(f, p->pid, "net", p->pidns == HOST_PIDNS ? 4026531840ULL : p->pidns + 5);
	put_ns(f, p->pid, "uts", 4026531838ULL);
	put_ns(f, p->pid, "ipc", 4026531839ULL);
	put_ns(f, p->pid, "user", 4026531837ULL);
	put_ns(f, p->pid, "cgroup", 4026531835ULL);
	if (p->exe) {
		snprintf(d, sizeof(d), "%s/%u/exe", f->proc, p->pid);
		assert_int_equal(symlink(p->exe, d), 0);
	}
}

#define CMD(s) .cmdline = s, .cmdline_len = sizeof(s) - 1

/*
 * The host of most tests:
 *   1      systemd, host                      2  kthreadd (cgroup /)
 *   90     containerd-shim (host)
 *   100    docker init, ns pid 1               101 its child (ns 2)
 *   102    unshare's child inside the docker container: ns pid 1 of a deeper namespace
 *   150    `docker exec` process: parent is the shim, not the init
 *   200    nsenter'd into the docker container from the host (host cgroup)
 *   300    unshare sandbox init, 301 its child
 *   400/401  a --pid=host container; 401 is older, so it is the init
 *   500/501  podman: payload in .../libpod-<id>/container, 501 in the top cgroup
 *   600    plain ctr container, confirmed by containerd's bundle
 *   700    a two-level host cgroup that only looks like ctr's
 */
static void build_host(const struct fake *f)
{
	const char *dcg = "/docker/" DOCKER_ID;

	add_proc(f, &(struct fp){ .pid = 1, .comm = "systemd", .start = 1, .nspid = "1",
				  .cgroup = "/init.scope", .pidns = HOST_PIDNS,
				  .mntns = HOST_MNTNS, CMD("/sbin/init\0") });
	add_proc(f, &(struct fp){ .pid = 2, .comm = "kthreadd", .start = 1, .nspid = "2",
				  .cgroup = "/", .pidns = HOST_PIDNS, .mntns = HOST_MNTNS });
	add_proc(f, &(struct fp){ .pid = 90, .ppid = 1, .comm = "containerd-shim", .start = 900,
				  .nspid = "90", .cgroup = "/system.slice/docker.service",
				  .pidns = HOST_PIDNS, .mntns = HOST_MNTNS });
	add_proc(f, &(struct fp){ .pid = 100, .ppid = 90, .comm = "sleep", .start = 1000,
				  .nspid = "100\t1", .cgroup = dcg, .pidns = DOCKER_PIDNS,
				  .mntns = DOCKER_PIDNS + 1, CMD("/bin/sleep\0" "600\0") });
	add_proc(f, &(struct fp){ .pid = 101, .ppid = 100, .start = 1010, .nspid = "101\t2",
				  .cgroup = dcg, .pidns = DOCKER_PIDNS, .mntns = DOCKER_PIDNS + 1,
				  CMD("sh\0" "-c\0" "sleep 1\0") });
	add_proc(f, &(struct fp){ .pid = 102, .ppid = 101, .start = 1020, .nspid = "102\t3\t1",
				  .cgroup = dcg, .pidns = INNER_PIDNS, .mntns = DOCKER_PIDNS + 1,
				  CMD("inner\0") });
	add_proc(f, &(struct fp){ .pid = 150, .ppid = 90, .start = 1500, .nspid = "150\t7",
				  .cgroup = dcg, .pidns = DOCKER_PIDNS, .mntns = DOCKER_PIDNS + 1,
				  CMD("sleep\0" "300\0") });
	add_proc(f, &(struct fp){ .pid = 200, .ppid = 199, .start = 2000, .nspid = "200\t9",
				  .cgroup = "/user.slice", .pidns = DOCKER_PIDNS,
				  .mntns = DOCKER_PIDNS + 1, CMD("sleep\0" "42\0") });
	add_proc(f, &(struct fp){ .pid = 300, .ppid = 299, .start = 3000, .nspid = "300\t1",
				  .cgroup = "/user.slice", .pidns = SANDBOX_PIDNS,
				  .mntns = SANDBOX_PIDNS + 1, CMD("sh\0") });
	add_proc(f, &(struct fp){ .pid = 301, .ppid = 300, .start = 3001, .nspid = "301\t2",
				  .cgroup = "/user.slice", .pidns = SANDBOX_PIDNS,
				  .mntns = SANDBOX_PIDNS + 1, CMD("sleep\0" "9\0") });
	add_proc(f, &(struct fp){ .pid = 400, .ppid = 90, .start = 4000, .nspid = "400",
				  .cgroup = "/docker/" HOSTPID_ID, .pidns = HOST_PIDNS,
				  .mntns = 4026532450ULL, CMD("b\0") });
	add_proc(f, &(struct fp){ .pid = 401, .ppid = 90, .start = 3900, .nspid = "401",
				  .cgroup = "/docker/" HOSTPID_ID, .pidns = HOST_PIDNS,
				  .mntns = 4026532450ULL, CMD("a\0") });
	add_proc(f, &(struct fp){ .pid = 500, .ppid = 499, .start = 5000, .nspid = "500\t1",
				  .cgroup = "/libpod_parent/libpod-" PODMAN_ID "/container",
				  .pidns = PODMAN_PIDNS, .mntns = PODMAN_PIDNS + 1, CMD("p\0") });
	add_proc(f, &(struct fp){ .pid = 501, .ppid = 499, .start = 5100, .nspid = "501\t2",
				  .cgroup = "/libpod_parent/libpod-" PODMAN_ID,
				  .pidns = PODMAN_PIDNS, .mntns = PODMAN_PIDNS + 1, CMD("q\0") });
	add_proc(f, &(struct fp){ .pid = 600, .ppid = 599, .start = 6000, .nspid = "600\t1",
				  .cgroup = "/" CTR_NS "/" CTR_ID, .pidns = CTR_PIDNS,
				  .mntns = CTR_PIDNS + 1, CMD("c\0") });
	add_proc(f, &(struct fp){ .pid = 700, .ppid = 1, .start = 7000, .nspid = "700",
				  .cgroup = "/process_api/71e814c573faafafba79683ec552f1dd",
				  .pidns = HOST_PIDNS, .mntns = HOST_MNTNS, CMD("api\0") });
}

static struct snapshot *scan(const struct fake *f)
{
	struct snapshot_opts o = { .proc_root = f->proc, .state_root = FIX };
	struct snapshot *s = NULL;

	assert_int_equal(snapshot_scan(&o, &s), 0);
	assert_non_null(s);
	return s;
}

static const struct snap_container *by_id(const struct snapshot *s, const char *id)
{
	for (size_t i = 0; i < s->nctrs; i++)
		if (!strcmp(s->ctrs[i].id, id))
			return &s->ctrs[i];
	fail_msg("no container %s", id);
	return NULL;
}

static const struct snap_proc *proc_of(const struct snapshot *s, __u32 pid)
{
	for (size_t i = 0; i < s->nprocs; i++)
		if (s->procs[i].pid == pid)
			return &s->procs[i];
	fail_msg("no process %u", pid);
	return NULL;
}

static size_t index_of(const struct snapshot *s, const struct snap_container *c)
{
	return (size_t)(c - s->ctrs);
}

/* ---- parsers ---- */

static void test_parse_stat(void **state)
{
	const char good[] = "42 (a) b) (c) R 7 42 42 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 555 0 0\n";
	unsigned long long start = 0;
	char comm[SNAP_COMM_MAX], st = 0;
	__u32 ppid = 0;

	(void)state;
	assert_int_equal(snapshot_parse_stat(good, strlen(good), comm, sizeof(comm), &st, &ppid,
					     &start), 0);
	assert_string_equal(comm, "a) b) (c");
	assert_int_equal(st, 'R');
	assert_int_equal(ppid, 7);
	assert_int_equal(start, 555);

	/* comm with control bytes and a newline is kept raw, escaped only on output */
	{
		const char t[] = "9 (\x1b[2J\n) S 1 9 9 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 77 0\n";

		assert_int_equal(snapshot_parse_stat(t, sizeof(t) - 1, comm, sizeof(comm), &st,
						     &ppid, &start), 0);
		assert_string_equal(comm, "\x1b[2J\n");
	}
	/* a short comm buffer truncates, never overflows */
	{
		char small[4];

		assert_int_equal(snapshot_parse_stat(good, strlen(good), small, sizeof(small), &st,
						     &ppid, &start), 0);
		assert_string_equal(small, "a) ");
	}
	static const char *const bad[] = {
		"", "42", "42 (a", "42 a) R 1", "42 (a)", "42 (a) R", "42 (a) R x 1",
		"42 (a) R 99999999999 1 1 1", "42 (a) R 1 2 3", "42 (a)R 1 2 3 4 5 6 7 8 9 0 1 2",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(snapshot_parse_stat(bad[i], strlen(bad[i]), comm, sizeof(comm),
						     &st, &ppid, &start), -EINVAL);
}

static int status(const char *t, __u32 *nspid, unsigned int *depth, __u32 *uid)
{
	return snapshot_parse_status(t, strlen(t), nspid, depth, uid);
}

static void test_parse_status(void **state)
{
	const char t[] = "Name:\tx\nUid:\t1000\t0\t0\t0\nNSpid:\t300\t12\t1\n";
	unsigned int depth = 0;
	__u32 nspid = 0, uid = 0;

	(void)state;
	assert_int_equal(snapshot_parse_status(t, strlen(t), &nspid, &depth, &uid), 0);
	assert_int_equal(nspid, 1);
	assert_int_equal(depth, 3);
	assert_int_equal(uid, 1000);
	/* before Linux 4.1 there is no NSpid: one namespace, ns_pid left to the caller */
	assert_int_equal(status("Uid:\t5\t5\t5\t5", &nspid, &depth, &uid), 0);
	assert_int_equal(nspid, 0);
	assert_int_equal(depth, 1);
	assert_int_equal(uid, 5);
	/* no trailing newline */
	assert_int_equal(status("Uid:\t0\nNSpid:\t8", &nspid, &depth, &uid), 0);
	assert_int_equal(nspid, 8);
	assert_int_equal(status("Name:\tx\n", &nspid, &depth, &uid), -EINVAL);
	assert_int_equal(status("Uid:\tx\n", &nspid, &depth, &uid), -EINVAL);
	assert_int_equal(status("Uid:\t0\nNSpid:\t\n", &nspid, &depth, &uid), -EINVAL);
	assert_int_equal(status("Uid:\t0\nNSpid:\t9999999999\n", &nspid, &depth, &uid), -EINVAL);
	assert_int_equal(status("Uid:\t0\nNSpid:\t1 2x\n", &nspid, &depth, &uid), -EINVAL);
	/* no process has PID 0 in any namespace */
	assert_int_equal(status("Uid:\t0\nNSpid:\t100\t0\n", &nspid, &depth, &uid), -EINVAL);
}

static void test_parse_ns_link(void **state)
{
	__u64 ino = 0;

	(void)state;
	assert_int_equal(snapshot_parse_ns_link("pid:[4026531836]", 16, "pid", &ino), 0);
	assert_int_equal(ino, 4026531836ULL);
	assert_int_equal(snapshot_parse_ns_link("mnt:[4026531836]", 16, "pid", &ino), -EINVAL);
	assert_int_equal(snapshot_parse_ns_link("pid:[]", 6, "pid", &ino), -EINVAL);
	assert_int_equal(snapshot_parse_ns_link("pid:[0]", 7, "pid", &ino), -EINVAL);
	assert_int_equal(snapshot_parse_ns_link("pid:[01]", 8, "pid", &ino), -EINVAL);
	assert_int_equal(snapshot_parse_ns_link("pid:[+1]", 8, "pid", &ino), -EINVAL);
	assert_int_equal(snapshot_parse_ns_link("pid:[12a]", 9, "pid", &ino), -EINVAL);
	assert_int_equal(snapshot_parse_ns_link("pid:[12", 7, "pid", &ino), -EINVAL);
	assert_int_equal(snapshot_parse_ns_link("pid", 3, "pid", &ino), -EINVAL);
	assert_int_equal(snapshot_parse_ns_link("pid:[99999999999999999999]", 26, "pid", &ino),
			 -EINVAL);
}

static void test_short_id(void **state)
{
	char out[CGROUP_ID_MAX + 32];

	(void)state;
	snapshot_short_id(DOCKER_ID, out, sizeof(out));
	assert_string_equal(out, "105081999aef");
	/* not 64 hex: names and pidns ids are shown whole, never cut */
	snapshot_short_id("pidns:4026532400", out, sizeof(out));
	assert_string_equal(out, "pidns:4026532400");
	snapshot_short_id("my-lxc-container-with-a-long-name", out, sizeof(out));
	assert_string_equal(out, "my-lxc-container-with-a-long-name");
}

static void test_uptime(void **state)
{
	char b[32];

	(void)state;
	format_uptime(b, sizeof(b), 0);
	assert_string_equal(b, "0s");
	format_uptime(b, sizeof(b), 59ULL * 1000000000ULL);
	assert_string_equal(b, "59s");
	format_uptime(b, sizeof(b), 63ULL * 1000000000ULL);
	assert_string_equal(b, "1m03s");
	format_uptime(b, sizeof(b), 7380ULL * 1000000000ULL);
	assert_string_equal(b, "2h03m");
	format_uptime(b, sizeof(b), (3 * 86400ULL + 7 * 3600) * 1000000000ULL);
	assert_string_equal(b, "3d07h");
}

/* ---- grouping ---- */

static void test_scan_groups(void **state)
{
	struct fake *f = *state;
	const struct snap_container *c;
	struct snapshot *s;

	build_host(f);
	s = scan(f);
	assert_int_equal(s->host_pidns, HOST_PIDNS);
	assert_int_equal(s->nprocs, 16);
	assert_int_equal(s->unreadable, 0);
	/* docker, --pid=host docker, podman, ctr, sandbox; not the look-alike cgroup */
	assert_int_equal(s->nctrs, 5);

	c = by_id(s, DOCKER_ID);
	assert_int_equal(c->runtime, RUNTIME_DOCKER);
	assert_string_equal(c->meta.name, "lookout-fixture-3216-d");
	assert_string_equal(c->meta.image, "lookout-fixture-3216:latest");
	/* the init is ns pid 1 of the container's namespace, not the deeper one's pid 1 */
	assert_int_equal(s->procs[c->init].pid, 100);
	assert_int_equal(c->pidns, DOCKER_PIDNS);
	assert_int_equal(c->mntns, DOCKER_PIDNS + 1);
	/* 100 101 102 150 plus the nsenter'd 200 */
	assert_int_equal(c->nprocs, 5);
	assert_int_equal(c->nentered, 1);
	assert_string_equal(c->cgroup, "/docker/" DOCKER_ID);
	assert_true(proc_of(s, 200)->entered);
	assert_int_equal(proc_of(s, 200)->ctr, (int)index_of(s, c));
	assert_false(proc_of(s, 150)->entered);
	assert_int_equal(proc_of(s, 150)->ns_pid, 7);
	assert_int_equal(proc_of(s, 102)->ns_depth, 3);

	/* --pid=host: no namespace of its own, the oldest process is the init */
	c = by_id(s, HOSTPID_ID);
	assert_int_equal(s->procs[c->init].pid, 401);
	assert_int_equal(c->pidns, HOST_PIDNS);
	assert_int_equal(c->nprocs, 2);
	assert_string_equal(c->meta.name, "");
	assert_int_equal(c->meta_err, -ENOENT);

	/* podman: the payload's nested cgroup counts, the container's top one is named */
	c = by_id(s, PODMAN_ID);
	assert_int_equal(c->runtime, RUNTIME_PODMAN);
	assert_string_equal(c->meta.name, "lookout-fixture-3216-p");
	assert_int_equal(s->procs[c->init].pid, 500);
	assert_int_equal(c->nprocs, 2);
	assert_string_equal(c->cgroup, "/libpod_parent/libpod-" PODMAN_ID);

	c = by_id(s, CTR_ID);
	assert_int_equal(c->runtime, RUNTIME_CONTAINERD);
	assert_string_equal(c->meta.name, CTR_ID);

	c = by_id(s, "pidns:4026532400");
	assert_int_equal(c->runtime, RUNTIME_SANDBOX);
	assert_int_equal(s->procs[c->init].pid, 300);
	assert_int_equal(c->nprocs, 2);
	assert_string_equal(c->cgroup, "/user.slice");

	/* host processes, the look-alike cgroup included */
	assert_int_equal(proc_of(s, 700)->ctr, -1);
	assert_int_equal(proc_of(s, 1)->ctr, -1);
	assert_int_equal(proc_of(s, 90)->ctr, -1);

	/* oldest init first */
	for (size_t i = 1; i < s->nctrs; i++)
		assert_true(s->procs[s->ctrs[i - 1].init].start_ticks <=
			    s->procs[s->ctrs[i].init].start_ticks);
	snapshot_free(s);
}

/* Damaged, vanished and unreadable processes are skipped and counted, never fatal. */
static void test_scan_damage(void **state)
{
	struct fake *f = *state;
	char p[PATH_MAX];
	struct snapshot *s;

	build_host(f);
	/* stat gone: the process ended between readdir and read */
	add_proc(f, &(struct fp){ .pid = 800, .start = 8000, .nspid = "800", .cgroup = "/",
				  .pidns = HOST_PIDNS, .mntns = HOST_MNTNS });
	snprintf(p, sizeof(p), "%s/800/stat", f->proc);
	assert_int_equal(unlink(p), 0);
	/* status without Uid: damage */
	add_proc(f, &(struct fp){ .pid = 801, .start = 8010, .nspid = "801", .cgroup = "/",
				  .pidns = HOST_PIDNS, .mntns = HOST_MNTNS });
	put_file(f, 801, "status", "Name:\tx\n", 8);
	/* a cgroup file that is not one */
	add_proc(f, &(struct fp){ .pid = 802, .start = 8020, .nspid = "802", .cgroup = "/",
				  .pidns = HOST_PIDNS, .mntns = HOST_MNTNS });
	put_file(f, 802, "cgroup", "garbage\n", 8);
	/* stat as a symlink: never followed */
	add_proc(f, &(struct fp){ .pid = 803, .start = 8030, .nspid = "803", .cgroup = "/",
				  .pidns = HOST_PIDNS, .mntns = HOST_MNTNS });
	snprintf(p, sizeof(p), "%s/803/stat", f->proc);
	unlink(p);
	assert_int_equal(symlink("../1/stat", p), 0);
	/* a zombie has no mount namespace left: still counted */
	add_proc(f, &(struct fp){ .pid = 103, .ppid = 100, .start = 1030, .nspid = "103\t4",
				  .cgroup = "/docker/" DOCKER_ID, .pidns = DOCKER_PIDNS,
				  .state = 'Z', CMD("") });
	/* a namespace link we may not read (no ptrace access): in a container's cgroup it
	 * still counts; outside any, it is a sandbox we cannot see, and said so */
	add_proc(f, &(struct fp){ .pid = 104, .ppid = 100, .start = 1040, .nspid = "104\t5",
				  .cgroup = "/docker/" DOCKER_ID, .mntns = DOCKER_PIDNS + 1 });
	add_proc(f, &(struct fp){ .pid = 900, .ppid = 1, .start = 9000, .nspid = "900\t1",
				  .cgroup = "/user.slice", .mntns = HIDDEN_PIDNS });
	/* host process whose link is unreadable: its single NSpid says host */
	add_proc(f, &(struct fp){ .pid = 901, .ppid = 1, .start = 9010, .nspid = "901",
				  .cgroup = "/user.slice" });
	/* not processes */
	snprintf(p, sizeof(p), "%s/self", f->proc);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/0123", f->proc);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/99999999999", f->proc);
	assert_int_equal(mkdir(p, 0755), 0);

	s = scan(f);
	assert_int_equal(s->vanished, 1);
	assert_int_equal(s->unreadable, 3);
	assert_int_equal(s->ns_unreadable, 1);
	assert_int_equal(by_id(s, DOCKER_ID)->nprocs, 7);
	assert_int_equal(proc_of(s, 103)->mntns, 0);
	assert_int_equal(proc_of(s, 901)->pidns, HOST_PIDNS);
	assert_int_equal(proc_of(s, 900)->ctr, -1);
	assert_int_equal(s->nctrs, 5);
	snapshot_free(s);

	/* no /proc at all */
	{
		struct snapshot_opts o = { .proc_root = "/nonexistent/proc" };

		assert_int_equal(snapshot_scan(&o, &s), -ENOENT);
		assert_null(s);
	}
}

/* With init's namespace unreadable (a hardened init), the host's is that of any process
 * with a single NSpid field, and init itself is not an unreadable process. */
static void test_scan_hidden_init(void **state)
{
	struct fake *f = *state;
	char p[PATH_MAX];
	struct snapshot *s;

	build_host(f);
	snprintf(p, sizeof(p), "%s/1/ns/pid", f->proc);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(symlink("garbage", p), 0);
	/* garbage link text is damage, not permission: init is skipped */
	s = scan(f);
	assert_int_equal(s->host_pidns, HOST_PIDNS);
	assert_int_equal(s->unreadable, 1);
	assert_int_equal(s->nctrs, 5);
	snapshot_free(s);
}

/*
 * A cgroup v2 mount namespace on a hybrid kernel: /proc/PID/cgroup still lists the v1
 * memory hierarchy (here lookout's own cgroup there), and only the v2 line names the
 * container. The unified option makes the v2 line decide, as the loader does.
 */
static void test_scan_unified(void **state)
{
	static const char cg[] = "9:name=systemd:/\n4:memory:/process_api/71e814c573fa\n"
				 "1:cpu:/\n0::/docker/" DOCKER_ID "\n";
	struct fake *f = *state;
	struct snapshot_opts o = { .proc_root = f->proc, .state_root = FIX };
	struct snapshot *s = NULL;

	build_host(f);
	put_file(f, 100, "cgroup", cg, sizeof(cg) - 1);
	put_file(f, 101, "cgroup", cg, sizeof(cg) - 1);
	/* the memory line decides: not a container's cgroup, the docker one loses its init */
	s = scan(f);
	assert_string_equal(proc_of(s, 100)->cgroup, "/process_api/71e814c573fa");
	assert_int_equal(proc_of(s, 100)->match.runtime, RUNTIME_NONE);
	snapshot_free(s);
	o.unified = true;
	assert_int_equal(snapshot_scan(&o, &s), 0);
	assert_string_equal(proc_of(s, 100)->cgroup, "/docker/" DOCKER_ID);
	assert_int_equal(proc_of(s, 100)->match.runtime, RUNTIME_DOCKER);
	assert_int_equal(s->procs[by_id(s, DOCKER_ID)->init].pid, 100);
	snapshot_free(s);
}

/*
 * Runtime components in a container's cgroup, shallower and older than its init, are
 * never the init (container_init.h): systemd-nspawn's supervisor, which shares the
 * machine's scope in the v1 hierarchies, and runc 1.1's runc init run from a memfd
 * copy of runc beside a --pid=host workload. Runtime executables are looked for under
 * the state root, here the fake's own directory.
 */
static void test_scan_runtime_component(void **state)
{
	struct fake *f = *state;
	struct snapshot_opts o = { .proc_root = f->proc, .state_root = f->dir };
	const char *ncg = "/machine.slice/machine-deb.scope", *hcg = "/docker/" HOSTPID_ID;
	char nspawn[PATH_MAX], runc[PATH_MAX], d[PATH_MAX];
	struct snapshot *s = NULL;
	FILE *fp;

	snprintf(d, sizeof(d), "%s/usr", f->dir);
	assert_int_equal(mkdir(d, 0755), 0);
	snprintf(d, sizeof(d), "%s/usr/bin", f->dir);
	assert_int_equal(mkdir(d, 0755), 0);
	snprintf(nspawn, sizeof(nspawn), "%s/usr/bin/systemd-nspawn", f->dir);
	snprintf(runc, sizeof(runc), "%s/usr/bin/runc", f->dir);
	assert_non_null(fp = fopen(nspawn, "w"));
	fclose(fp);
	assert_non_null(fp = fopen(runc, "w"));
	fclose(fp);
	add_proc(f, &(struct fp){ .pid = 1, .comm = "systemd", .start = 1, .nspid = "1",
				  .cgroup = "/init.scope", .pidns = HOST_PIDNS,
				  .mntns = HOST_MNTNS });
	add_proc(f, &(struct fp){ .pid = 80, .ppid = 1, .comm = "systemd-nspawn", .start = 800,
				  .nspid = "80", .cgroup = ncg, .pidns = HOST_PIDNS,
				  .mntns = HOST_MNTNS, .exe = nspawn });
	add_proc(f, &(struct fp){ .pid = 81, .ppid = 80, .comm = "systemd", .start = 810,
				  .nspid = "81	1", .cgroup = ncg, .pidns = CTR_PIDNS,
				  .mntns = CTR_PIDNS + 1 });
	add_proc(f, &(struct fp){ .pid = 82, .ppid = 81, .start = 820, .nspid = "82	2",
				  .cgroup = ncg, .pidns = CTR_PIDNS, .mntns = CTR_PIDNS + 1 });
	add_proc(f, &(struct fp){ .pid = 90, .ppid = 1, .comm = "runc", .start = 900,
				  .nspid = "90", .cgroup = "/system.slice/containerd.service",
				  .pidns = HOST_PIDNS, .mntns = HOST_MNTNS, .exe = runc });
	add_proc(f, &(struct fp){ .pid = 91, .ppid = 90, .comm = "runc:[2:INIT]", .start = 910,
				  .nspid = "91", .cgroup = hcg, .pidns = HOST_PIDNS,
				  .mntns = HOST_MNTNS,
				  .exe = "/memfd:runc_cloned:/proc/self/exe (deleted)" });
	add_proc(f, &(struct fp){ .pid = 95, .ppid = 1, .comm = "sleep", .start = 950,
				  .nspid = "95", .cgroup = hcg, .pidns = HOST_PIDNS,
				  .mntns = HOST_MNTNS });
	assert_int_equal(snapshot_scan(&o, &s), 0);
	assert_true(proc_of(s, 80)->runtime);
	assert_true(proc_of(s, 91)->runtime);
	assert_false(proc_of(s, 81)->runtime);
	assert_int_equal(s->procs[by_id(s, "deb")->init].pid, 81);
	assert_int_equal(by_id(s, "deb")->pidns, CTR_PIDNS);
	assert_int_equal(by_id(s, "deb")->nprocs, 3);
	assert_int_equal(s->procs[by_id(s, HOSTPID_ID)->init].pid, 95);
	snapshot_free(s);

	/* only the runtime's helper left (between runc create and start): still listed */
	assert_int_equal(remove_proc(f, 95), 0);
	assert_int_equal(snapshot_scan(&o, &s), 0);
	assert_int_equal(s->procs[by_id(s, HOSTPID_ID)->init].pid, 91);
	snapshot_free(s);
}

/* ---- lookups ---- */

static void test_find(void **state)
{
	struct fake *f = *state;
	struct snapshot *s;
	size_t idx[8], n;

	build_host(f);
	s = scan(f);
	/* exact name */
	n = snapshot_find(s, "lookout-fixture-3216-d", idx, 8);
	assert_int_equal(n, 1);
	assert_string_equal(s->ctrs[idx[0]].id, DOCKER_ID);
	/* unique prefix, and the full id */
	n = snapshot_find(s, "e35", idx, 8);
	assert_int_equal(n, 1);
	assert_string_equal(s->ctrs[idx[0]].id, PODMAN_ID);
	assert_int_equal(snapshot_find(s, PODMAN_ID, idx, 8), 1);
	/* "105081" starts both the docker id and the --pid=host one */
	n = snapshot_find(s, "105081", idx, 8);
	assert_int_equal(n, 2);
	/* max bounds what is written, not what is counted */
	assert_int_equal(snapshot_find(s, "105081", idx, 1), 2);
	assert_int_equal(snapshot_find(s, "1050819a", idx, 8), 1);
	assert_string_equal(s->ctrs[idx[0]].id, HOSTPID_ID);
	/* sandboxes by their id */
	assert_int_equal(snapshot_find(s, "pidns:4026532400", idx, 8), 1);
	assert_int_equal(snapshot_find(s, "pidns:", idx, 8), 1);
	/* nothing, and nothing for the empty query */
	assert_int_equal(snapshot_find(s, "zzz", idx, 8), 0);
	assert_int_equal(snapshot_find(s, "", idx, 8), 0);
	/* a name's start: ambiguous when two names share it, one when cut as the live view
	 * shows a long name */
	assert_int_equal(snapshot_find(s, "lookout-fixture", idx, 8), 2);
	n = snapshot_find(s, "lookout-fixture-3216-p\xe2\x80\xa6", idx, 8);
	assert_int_equal(n, 1);
	assert_string_equal(s->ctrs[idx[0]].id, PODMAN_ID);
	assert_int_equal(snapshot_find(s, "lookout-fixture-3216-q\xe2\x80\xa6", idx, 8), 0);
	assert_int_equal(snapshot_find(s, "\xe2\x80\xa6", idx, 8), 0);
	assert_int_equal(snapshot_find(s, NULL, idx, 8), 0);

	/* a name that is also another container's id prefix: the name wins (Docker's order) */
	strcpy(s->ctrs[index_of(s, by_id(s, DOCKER_ID))].meta.name, "e35");
	n = snapshot_find(s, "e35", idx, 8);
	assert_int_equal(n, 1);
	assert_string_equal(s->ctrs[idx[0]].id, DOCKER_ID);
	/* two containers with the same name (two runtimes): ambiguous */
	strcpy(s->ctrs[index_of(s, by_id(s, HOSTPID_ID))].meta.name, "twin");
	strcpy(s->ctrs[index_of(s, by_id(s, CTR_ID))].meta.name, "twin");
	assert_int_equal(snapshot_find(s, "twin", idx, 8), 2);
	snapshot_free(s);
}

static void test_candidates(void **state)
{
	struct fake *f = *state;
	struct snapshot *s;
	struct outbuf b;
	size_t idx[8], n;

	build_host(f);
	s = scan(f);
	n = snapshot_find(s, "105081", idx, 8);
	assert_int_equal(n, 2);
	outbuf_init(&b);
	snapshot_write_candidates(&b, s, idx, n);
	/* each shown long enough to tell them apart: they share 7 characters, so 12 do */
	assert_non_null(strstr(b.data, "105081999aef (lookout-fixture-3216-d, docker)"));
	assert_non_null(strstr(b.data, "1050819aaaaa (-, docker)"));
	outbuf_free(&b);

	/* ids sharing more than 12 characters are shown up to where they differ */
	strcpy(s->ctrs[idx[1]].id, DOCKER_ID);
	s->ctrs[idx[1]].id[20] = 'x';
	outbuf_init(&b);
	snapshot_write_candidates(&b, s, idx, n);
	assert_non_null(strstr(b.data, "105081999aef652215c9d"));
	assert_non_null(strstr(b.data, "105081999aef652215c9x"));
	outbuf_free(&b);
	snapshot_free(s);
}

static void test_tree(void **state)
{
	struct fake *f = *state;
	const struct snap_container *c;
	unsigned int *depth;
	struct snapshot *s;
	size_t *order;
	int n;

	build_host(f);
	/* 105 claims 150 as parent but is older: a reused PID, not its child */
	add_proc(f, &(struct fp){ .pid = 105, .ppid = 150, .start = 1001, .nspid = "105\t6",
				  .cgroup = "/docker/" DOCKER_ID, .pidns = DOCKER_PIDNS,
				  .mntns = DOCKER_PIDNS + 1 });
	/* a cycle only PID reuse could make: 106 <-> 107 with the same start */
	add_proc(f, &(struct fp){ .pid = 106, .ppid = 107, .start = 1100, .nspid = "106\t10",
				  .cgroup = "/docker/" DOCKER_ID, .pidns = DOCKER_PIDNS,
				  .mntns = DOCKER_PIDNS + 1 });
	add_proc(f, &(struct fp){ .pid = 107, .ppid = 106, .start = 1100, .nspid = "107\t11",
				  .cgroup = "/docker/" DOCKER_ID, .pidns = DOCKER_PIDNS,
				  .mntns = DOCKER_PIDNS + 1 });
	s = scan(f);
	c = by_id(s, DOCKER_ID);
	n = snapshot_tree(s, c, &order, &depth);
	assert_int_equal(n, (int)c->nprocs);
	assert_int_equal(n, 8);
	/* roots in PID order, each followed by its subtree */
	static const __u32 want_pid[] = { 100, 101, 102, 105, 150, 200, 106, 107 };
	static const unsigned int want_depth[] = { 0, 1, 2, 0, 0, 0, 0, 1 };
	for (int i = 0; i < n; i++) {
		assert_int_equal(s->procs[order[i]].pid, want_pid[i]);
		assert_int_equal(depth[i], want_depth[i]);
	}
	free(order);
	free(depth);
	snapshot_free(s);
}

static void test_read_argv(void **state)
{
	struct fake *f = *state;
	struct snapshot *s;
	char big[SNAP_ARGV_MAX + 100];
	size_t i;

	build_host(f);
	memset(big, 'x', sizeof(big));
	big[sizeof(big) - 1] = '\0';
	add_proc(f, &(struct fp){ .pid = 108, .ppid = 100, .start = 1080, .nspid = "108\t12",
				  .cgroup = "/docker/" DOCKER_ID, .pidns = DOCKER_PIDNS,
				  .mntns = DOCKER_PIDNS + 1, .cmdline = big,
				  .cmdline_len = sizeof(big) });
	s = scan(f);
	for (i = 0; i < s->nprocs; i++)
		if (s->procs[i].pid == 100 || s->procs[i].pid == 108)
			assert_int_equal(snapshot_read_argv(s, i), 0);
	assert_int_equal(proc_of(s, 100)->argv_len, 15);
	assert_memory_equal(proc_of(s, 100)->argv, "/bin/sleep\0" "600\0", 15);
	assert_false(proc_of(s, 100)->argv_truncated);
	assert_int_equal(proc_of(s, 108)->argv_len, SNAP_ARGV_MAX);
	assert_true(proc_of(s, 108)->argv_truncated);

	/* a process replaced since the scan (another start time): argv not taken */
	for (i = 0; i < s->nprocs; i++)
		if (s->procs[i].pid == 101)
			break;
	s->procs[i].start_ticks++;
	assert_int_equal(snapshot_read_argv(s, i), -ESRCH);
	assert_null(s->procs[i].argv);
	snapshot_free(s);
}

/* ---- writers ---- */

static const struct snap_clock clk = {
	.boot_to_real_ns = 1700000000LL * 1000000000LL,	/* 2023-11-14T22:13:20Z */
	.now_boot_ns = 100ULL * 1000000000ULL,
};

/* Parse strictly (json-c keeps a duplicate key's last value silently: the e2e tests'
 * parser rejects duplicates). */
static struct json_object *parse_json(const char *text)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o;

	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, text, (int)strlen(text));
	if (!o)
		fail_msg("not JSON (%s): %s", json_tokener_error_desc(json_tokener_get_error(tok)),
			 text);
	json_tokener_free(tok);
	return o;
}

static const char *jstr(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		fail_msg("no key %s", key);
	return json_object_is_type(v, json_type_null) ? NULL : json_object_get_string(v);
}

static int64_t jint(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		fail_msg("no int key %s", key);
	return json_object_get_int64(v);
}

static void assert_no_controls(const struct outbuf *b)
{
	for (size_t i = 0; i < b->len; i++) {
		unsigned char c = (unsigned char)b->data[i];

		if (c == '\n')
			continue;
		if (c < 0x20 || c == 0x7f)
			fail_msg("control byte 0x%02x at %zu in:\n%s", c, i, b->data);
	}
}

/* Every line of a table has its columns at the same offsets as the header. */
static void assert_aligned(const char *text, const char *col)
{
	const char *head = text, *nl = strchr(text, '\n'), *at = strstr(head, col);
	size_t off = (size_t)(at - head);

	assert_non_null(at);
	assert_true(at < nl);
	for (const char *line = nl + 1; *line; line = strchr(line, '\n') + 1) {
		const char *e = strchr(line, '\n');

		assert_non_null(e);
		assert_true((size_t)(e - line) > off);
		/* the column starts after two spaces of padding (or a right-aligned field) */
		assert_true(line[off - 1] == ' ');
	}
}

static void test_ps_writers(void **state)
{
	struct fake *f = *state;
	struct json_object *arr, *o;
	struct snapshot *s;
	struct outbuf b;
	size_t i;

	build_host(f);
	s = scan(f);
	outbuf_init(&b);
	snapshot_write_ps_json(&b, s, &clk);
	assert_false(b.failed);
	assert_int_equal(b.data[b.len - 1], '\n');
	arr = parse_json(b.data);
	assert_true(json_object_is_type(arr, json_type_array));
	assert_int_equal(json_object_array_length(arr), s->nctrs);
	for (i = 0; i < s->nctrs; i++) {
		static const char *const keys[] = { "id", "name", "image", "runtime", "init_pid",
			"processes", "started", "root", "pidns", "mntns", "cgroup" };

		o = json_object_array_get_idx(arr, i);
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			assert_true(json_object_object_get_ex(o, keys[k], NULL));
		if (strcmp(jstr(o, "id"), DOCKER_ID))
			continue;
		assert_string_equal(jstr(o, "name"), "lookout-fixture-3216-d");
		assert_string_equal(jstr(o, "image"), "lookout-fixture-3216:latest");
		assert_string_equal(jstr(o, "runtime"), "docker");
		assert_int_equal(jint(o, "init_pid"), 100);
		assert_int_equal(jint(o, "processes"), 5);
		assert_int_equal(jint(o, "pidns"), DOCKER_PIDNS);
		assert_int_equal(jint(o, "mntns"), DOCKER_PIDNS + 1);
		assert_string_equal(jstr(o, "root"), "/proc/100/root");
		assert_string_equal(jstr(o, "cgroup"), "/docker/" DOCKER_ID);
		/* start 1000 ticks = 10 s after boot */
		assert_string_equal(jstr(o, "started"), "2023-11-14T22:13:30Z");
		assert_int_equal(jint(o, "process_count"), 5);
		assert_int_equal(jint(o, "uptime_seconds"), 90);
	}
	json_object_put(arr);

	outbuf_reset(&b);
	snapshot_write_ps_text(&b, s, &clk);
	assert_false(b.failed);
	/* the header names every column, in order, on the first line */
	{
		static const char *const cols[] = {
			"RUNTIME ", " ID ", " NAME ", " IMAGE ", " PID ", " PROCS ", " UPTIME ",
			" ROOT\n",
		};
		const char *at = b.data;

		for (size_t k = 0; k < sizeof(cols) / sizeof(cols[0]); k++) {
			at = strstr(at, cols[k]);
			assert_non_null(at);
		}
		assert_ptr_equal(at + 5, strchr(b.data, '\n'));
	}
	assert_non_null(strstr(b.data, "lookout-fixture-3216-d"));
	assert_non_null(strstr(b.data, "pidns:4026532400"));
	assert_non_null(strstr(b.data, "/proc/401/root"));
	assert_non_null(strstr(b.data, "1m30s"));
	assert_aligned(b.data, "IMAGE");
	assert_aligned(b.data, "ROOT");
	outbuf_free(&b);
	snapshot_free(s);

	/* no containers: an empty array, a lone header */
	{
		struct snapshot empty = { .nctrs = 0 };

		outbuf_init(&b);
		snapshot_write_ps_json(&b, &empty, &clk);
		assert_string_equal(b.data, "[]\n");
		outbuf_reset(&b);
		snapshot_write_ps_text(&b, &empty, &clk);
		assert_string_equal(b.data, "RUNTIME  ID  NAME  IMAGE  PID  PROCS  UPTIME  ROOT\n");
		outbuf_free(&b);
	}
}

/* Names, images, comms and argv with terminal escapes, newlines, invalid UTF-8 and
 * quotes: the text stays on its lines with no control byte, the JSON stays JSON. */
static void test_hostile_names(void **state)
{
	static const char evil[] = "\x1b]0;pwned\x07\x1b[2J\nfake\tline\"\\\xff\xc0\x80\xc2\x9b";
	struct fake *f = *state;
	struct snap_namespaces ns = {};
	struct json_object *o, *procs, *p, *argv;
	const struct snap_container *c;
	struct snapshot *s;
	struct outbuf b;
	char cmd[64];
	size_t i, n;

	build_host(f);
	memcpy(cmd, "a\nb\0\x1b[31m\0", 10);
	add_proc(f, &(struct fp){ .pid = 109, .ppid = 100, .start = 1090, .nspid = "109\t13",
				  .comm = "\x1b[31m)\n(", .cgroup = "/docker/" DOCKER_ID,
				  .pidns = DOCKER_PIDNS, .mntns = DOCKER_PIDNS + 1, .cmdline = cmd,
				  .cmdline_len = 10 });
	s = scan(f);
	c = by_id(s, DOCKER_ID);
	/* a runtime state that says anything */
	snprintf(s->ctrs[index_of(s, c)].meta.name, sizeof(c->meta.name), "%s", evil);
	snprintf(s->ctrs[index_of(s, c)].meta.image, sizeof(c->meta.image), "%s", evil);
	assert_string_equal(proc_of(s, 109)->comm, "\x1b[31m)\n(");
	for (i = 0; i < s->nprocs; i++)
		if (s->procs[i].ctr == (int)index_of(s, c))
			snapshot_read_argv(s, i);

	outbuf_init(&b);
	snapshot_write_ps_text(&b, s, &clk);
	assert_no_controls(&b);
	assert_non_null(strstr(b.data, "\\x1b]0;pwned\\x07\\x1b[2J\\x0afake\\x09line\"\\\\"));
	/* one line per container plus the header */
	n = 0;
	for (i = 0; i < b.len; i++)
		n += b.data[i] == '\n';
	assert_int_equal(n, s->nctrs + 1);
	assert_aligned(b.data, "PID");

	outbuf_reset(&b);
	snapshot_namespaces(s, c, &ns);
	snapshot_write_inspect_text(&b, s, c, &ns, &clk);
	assert_no_controls(&b);
	assert_non_null(strstr(b.data, "\\x1b[31m)\\x0a("));
	assert_non_null(strstr(b.data, "a\\x0ab \\x1b[31m"));

	outbuf_reset(&b);
	snapshot_write_ps_json(&b, s, &clk);
	o = parse_json(b.data);
	json_object_put(o);

	outbuf_reset(&b);
	snapshot_write_inspect_json(&b, s, c, &ns, &clk);
	/* one line */
	assert_ptr_equal(strchr(b.data, '\n'), b.data + b.len - 1);
	o = parse_json(b.data);
	assert_non_null(strstr(jstr(o, "name"), "\x1b]0;pwned\x07\x1b[2J\nfake\tline\"\\"));
	assert_true(json_object_object_get_ex(o, "processes", &procs));
	for (i = 0; i < json_object_array_length(procs); i++) {
		p = json_object_array_get_idx(procs, i);
		if (jint(p, "host_pid") != 109)
			continue;
		assert_string_equal(jstr(p, "comm"), "\x1b[31m)\n(");
		assert_true(json_object_object_get_ex(p, "argv", &argv));
		assert_int_equal(json_object_array_length(argv), 2);
		assert_string_equal(json_object_get_string(json_object_array_get_idx(argv, 0)),
				    "a\nb");
		assert_string_equal(json_object_get_string(json_object_array_get_idx(argv, 1)),
				    "\x1b[31m");
	}
	json_object_put(o);
	outbuf_free(&b);
	snapshot_free(s);
}

/* labels in ps --json and inspect --json (an object, null when the runtime does not say)
 * and in inspect's text, hostile keys and values escaped in both. */
static void test_labels_written(void **state)
{
	static const char evil[] = "\x1b[2J\nfake\"\\\xff";
	struct fake *f = *state;
	struct snap_namespaces ns = {};
	struct json_object *arr, *o, *l, *v;
	struct snap_container *c;
	struct snapshot *s;
	struct outbuf b;

	build_host(f);
	s = scan(f);
	c = &s->ctrs[index_of(s, by_id(s, DOCKER_ID))];
	assert_true(c->meta.labels.known);	/* the fixture's "Labels": {} */
	labels_add(&c->meta.labels, "app", 3, "web", 3);
	labels_add(&c->meta.labels, "esc\x1b[31m", 8, evil, sizeof(evil) - 1);
	labels_add(&c->meta.labels, "k", 1, "", 0);
	c->meta.labels.truncated = true;

	outbuf_init(&b);
	snapshot_write_ps_json(&b, s, &clk);
	arr = parse_json(b.data);
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		o = json_object_array_get_idx(arr, i);
		assert_true(json_object_object_get_ex(o, "labels", &l));
		assert_true(json_object_object_get_ex(o, "labels_truncated", &v));
		if (!strcmp(jstr(o, "id"), DOCKER_ID)) {
			assert_true(json_object_get_boolean(v));
			assert_int_equal(json_object_object_length(l), 3);
			assert_string_equal(jstr(l, "app"), "web");
			assert_string_equal(jstr(l, "k"), "");
			assert_string_equal(jstr(l, "esc\x1b[31m"), "\x1b[2J\nfake\"\\\xef\xbf\xbd");
		} else if (!strcmp(jstr(o, "runtime"), "podman") ||
			   !strcmp(jstr(o, "runtime"), "sandbox")) {
			assert_null(l);		/* not known */
			assert_false(json_object_get_boolean(v));
		}
	}
	json_object_put(arr);

	outbuf_reset(&b);
	snapshot_namespaces(s, c, &ns);
	snapshot_write_inspect_json(&b, s, c, &ns, &clk);
	o = parse_json(b.data);
	assert_true(json_object_object_get_ex(o, "labels", &l));
	assert_string_equal(jstr(l, "app"), "web");
	json_object_put(o);

	outbuf_reset(&b);
	snapshot_write_inspect_text(&b, s, c, &ns, &clk);
	assert_no_controls(&b);
	assert_non_null(strstr(b.data, "  labels     app=web\n"));
	assert_non_null(strstr(b.data, "\n             esc\\x1b[31m=\\x1b[2J\\x0afake\"\\\\\\xff\n"));
	assert_non_null(strstr(b.data, "\n             k=\n"));
	assert_non_null(strstr(b.data, "\n             (some not kept"));
	/* none known: no line; known and none: "-" */
	c->meta.labels.known = false;
	outbuf_reset(&b);
	snapshot_write_inspect_text(&b, s, c, &ns, &clk);
	assert_null(strstr(b.data, "labels"));
	memset(&c->meta.labels, 0, sizeof(c->meta.labels));
	c->meta.labels.known = true;
	outbuf_reset(&b);
	snapshot_write_inspect_text(&b, s, c, &ns, &clk);
	assert_non_null(strstr(b.data, "  labels     -\n"));
	outbuf_free(&b);
	snapshot_free(s);
}

static void test_inspect_writers(void **state)
{
	struct fake *f = *state;
	struct json_object *o, *v, *procs, *nsobj, *pid;
	const struct snap_container *c;
	struct snap_namespaces ns;
	struct snapshot *s;
	struct outbuf b;
	size_t i;

	build_host(f);
	s = scan(f);
	c = by_id(s, DOCKER_ID);
	for (i = 0; i < s->nprocs; i++)
		if (s->procs[i].ctr == (int)index_of(s, c))
			assert_int_equal(snapshot_read_argv(s, i), 0);
	/* a process gone before its cmdline was read: argv unknown */
	free(s->procs[proc_of(s, 150) - s->procs].argv);
	s->procs[proc_of(s, 150) - s->procs].argv = NULL;
	snapshot_namespaces(s, c, &ns);
	assert_int_equal(ns.ctr[0], DOCKER_PIDNS);
	assert_int_equal(ns.host[0], HOST_PIDNS);
	assert_int_equal(ns.ctr[5], ns.host[5]);	/* user: shared */

	outbuf_init(&b);
	snapshot_write_inspect_json(&b, s, c, &ns, &clk);
	assert_false(b.failed);
	o = parse_json(b.data);
	/* the process list, not also the count */
	assert_null(strstr(strstr(b.data, "\"processes\":") + 1, "\"processes\":"));
	assert_string_equal(jstr(o, "id"), DOCKER_ID);
	assert_string_equal(jstr(o, "runtime"), "docker");
	assert_string_equal(jstr(o, "name"), "lookout-fixture-3216-d");
	assert_int_equal(jint(o, "init_pid"), 100);
	assert_string_equal(jstr(o, "enter"), "nsenter -t 100 -a");
	assert_string_equal(jstr(o, "root"), "/proc/100/root");
	assert_string_equal(jstr(o, "cgroup"), "/docker/" DOCKER_ID);
	assert_true(json_object_object_get_ex(o, "namespaces", &nsobj));
	assert_true(json_object_object_get_ex(nsobj, "pid", &pid));
	assert_int_equal(jint(pid, "inode"), DOCKER_PIDNS);
	assert_true(json_object_object_get_ex(pid, "shared_with_host", &v));
	assert_false(json_object_get_boolean(v));
	assert_true(json_object_object_get_ex(nsobj, "user", &pid));
	assert_true(json_object_object_get_ex(pid, "shared_with_host", &v));
	assert_true(json_object_get_boolean(v));
	assert_true(json_object_object_get_ex(o, "processes", &procs));
	assert_true(json_object_is_type(procs, json_type_array));
	assert_int_equal(json_object_array_length(procs), 5);
	v = json_object_array_get_idx(procs, 0);
	assert_int_equal(jint(v, "host_pid"), 100);
	assert_int_equal(jint(v, "ns_pid"), 1);
	assert_int_equal(jint(v, "ppid"), 90);
	assert_int_equal(jint(v, "uid"), 0);
	assert_string_equal(jstr(v, "comm"), "sleep");
	/* argv as the event contract has it: known, or [] said to be unknown */
	assert_int_equal(json_object_array_length(json_object_object_get(v, "argv")), 2);
	assert_false(json_object_get_boolean(json_object_object_get(v, "argv_truncated")));
	assert_false(json_object_object_get_ex(v, "argv_unknown", NULL));
	for (i = 0; i < json_object_array_length(procs); i++) {
		v = json_object_array_get_idx(procs, i);
		if (jint(v, "host_pid") != 150)
			continue;
		assert_true(json_object_is_type(json_object_object_get(v, "argv"),
						json_type_array));
		assert_int_equal(json_object_array_length(json_object_object_get(v, "argv")), 0);
		assert_true(json_object_get_boolean(json_object_object_get(v, "argv_unknown")));
		assert_false(json_object_get_boolean(json_object_object_get(v, "argv_truncated")));
		break;
	}
	assert_true(i < json_object_array_length(procs));
	v = json_object_array_get_idx(procs, 4);
	assert_int_equal(jint(v, "host_pid"), 200);
	assert_true(json_object_object_get_ex(v, "entered_namespaces", &v));
	assert_true(json_object_get_boolean(v));
	json_object_put(o);

	outbuf_reset(&b);
	snapshot_write_inspect_text(&b, s, c, &ns, &clk);
	assert_non_null(strstr(b.data, "docker container lookout-fixture-3216-d\n"));
	assert_non_null(strstr(b.data, "nsenter -t 100 -a"));
	assert_non_null(strstr(b.data, "ls /proc/100/root/"));
	assert_non_null(strstr(b.data, "cat /proc/100/cgroup"));
	assert_non_null(strstr(b.data, "shared with the host"));
	assert_non_null(strstr(b.data, "\\_ sh -c sleep 1"));
	assert_non_null(strstr(b.data, "  \\_ inner"));
	assert_non_null(strstr(b.data, "sleep 42  (entered from the host)"));
	outbuf_free(&b);

	/* namespaces we could not read: null, never a guess */
	memset(&ns, 0, sizeof(ns));
	outbuf_init(&b);
	snapshot_write_inspect_json(&b, s, c, &ns, &clk);
	o = parse_json(b.data);
	assert_true(json_object_object_get_ex(o, "namespaces", &nsobj));
	assert_true(json_object_object_get_ex(nsobj, "net", &pid));
	assert_true(json_object_object_get_ex(pid, "inode", &v));
	assert_null(v);
	json_object_put(o);
	outbuf_free(&b);
	snapshot_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_stat),
		cmocka_unit_test(test_parse_status),
		cmocka_unit_test(test_parse_ns_link),
		cmocka_unit_test(test_short_id),
		cmocka_unit_test(test_uptime),
		cmocka_unit_test_setup_teardown(test_scan_groups, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_scan_damage, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_scan_hidden_init, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_scan_runtime_component, fake_setup,
						fake_teardown),
		cmocka_unit_test_setup_teardown(test_scan_unified, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_find, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_candidates, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_tree, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_read_argv, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_ps_writers, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_hostile_names, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_inspect_writers, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_labels_written, fake_setup, fake_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
