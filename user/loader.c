// SPDX-License-Identifier: GPL-2.0
/*
 * loader.c - open, configure, load, attach and seed the BPF side.
 *
 * Order matters and is: check the environment (one clear line per missing
 * piece), open, write the const volatile configuration, pick the program
 * variants the running kernel's BTF describes, load, fill runtime_exes, attach
 * the cgroup hooks, seed cgroups, attach the process hooks, and only then seed
 * processes, so nothing created during start-up can slip between seeding and
 * attaching, and no process is classified against a half-seeded cgroups map.
 */
#define _GNU_SOURCE /* O_PATH */
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "cgroup_mode.h"
#include "components.h"
#include "containers.h"
#include "loader.h"
#include "lookout.skel.h"

/* libbpf before 1.0 returns errors differently (Ubuntu 22.04 ships 0.5), and its
 * version header came in 0.6: say so at build time, not with a wrong error later. */
#if __has_include(<bpf/libbpf_version.h>)
#include <bpf/libbpf_version.h>
#endif
#if !defined(LIBBPF_MAJOR_VERSION) || LIBBPF_MAJOR_VERSION < 1
#error "lookout needs libbpf 1.0 or newer: install it (Debian 12: libbpf-dev) or build libbpf 1.x"
#endif
#include "proc.h"
#include "safe_file.h"

#define DEFAULT_BTF "/sys/kernel/btf/vmlinux"
#define CGROUP_WALK_DEPTH 16
#define CGROUP_WALK_MAX 20000

static int has_cap(cap_t caps, cap_value_t v)
{
	cap_flag_value_t set = CAP_CLEAR;

	return caps && !cap_get_flag(caps, v, CAP_EFFECTIVE, &set) && set == CAP_SET;
}

int loader_check_environment(const struct loader_opts *opts)
{
	const char *btf = opts->btf_path ? opts->btf_path : DEFAULT_BTF;
	cap_t caps = cap_get_proc();
	bool admin = has_cap(caps, CAP_SYS_ADMIN);
	bool bpf = has_cap(caps, CAP_BPF) && has_cap(caps, CAP_PERFMON);

	cap_free(caps);
	if (!admin && !bpf) {
		fprintf(stderr, "lookout: needs root (CAP_SYS_ADMIN, or CAP_BPF with CAP_PERFMON) "
				"to load BPF programs: run it with sudo\n");
		return -EPERM;
	}
	if (access(btf, R_OK)) {
		if (opts->btf_path)
			fprintf(stderr, "lookout: cannot read the BTF file %s: %s: give a readable "
					"vmlinux BTF file to --btf\n", btf, strerror(errno));
		else
			fprintf(stderr, "lookout: this kernel has no BTF (%s is missing): lookout "
					"needs a kernel built with CONFIG_DEBUG_INFO_BTF=y, or a BTF "
					"file for it given with --btf FILE\n", btf);
		return -ENOENT;
	}
	return 0;
}

/*
 * The oldest kernel lookout runs on: the sender rule reads the task's saved
 * user registers with bpf_task_pt_regs() (5.15), passes pointers to global
 * functions (5.12) and uses bpf_get_current_task_btf() (5.11). Distributions
 * backport such helpers, so lookout asks the kernel's BTF for them
 * (check_helpers()) rather than judge by its version number.
 */
#define KERNEL_FLOOR_MAJOR 5
#define KERNEL_FLOOR_MINOR 15

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

static int libbpf_verbose(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	return vfprintf(stderr, fmt, ap);
}

/* The function prototype behind tracepoint `name`'s BTF typedef, or NULL. */
static const struct btf_type *tracepoint_proto(const struct btf *btf, const char *name)
{
	char tname[128];
	const struct btf_type *t;
	int id;

	snprintf(tname, sizeof(tname), "btf_trace_%s", name);
	id = btf__find_by_name_kind(btf, tname, BTF_KIND_TYPEDEF);
	if (id < 0)
		return NULL;
	t = btf__type_by_id(btf, id);
	t = t ? btf__type_by_id(btf, t->type) : NULL;		/* pointer */
	t = t ? btf__type_by_id(btf, t->type) : NULL;		/* function prototype */
	return t && btf_is_func_proto(t) ? t : NULL;
}

/* mark_victim(task, uid) since 6.x, mark_victim(pid) before: enable the one this
 * kernel has, or neither. */
static void pick_mark_victim(struct lookout_bpf *skel, const struct btf *btf)
{
	const struct btf_type *proto = tracepoint_proto(btf, "mark_victim");
	bool task_variant = false;

	if (proto && btf_vlen(proto) >= 2) {
		const struct btf_param *p = btf_params(proto) + 1;
		const struct btf_type *t = btf__type_by_id(btf, p->type);

		task_variant = t && btf_is_ptr(t);
	}
	bpf_program__set_autoload(skel->progs.handle_mark_victim, proto && task_variant);
	bpf_program__set_autoload(skel->progs.handle_mark_victim_pid, proto && !task_variant);
}

/*
 * What the programs need of the kernel, by the name its BTF gives it. A kernel's
 * enum bpf_func_id lists exactly the helpers it has (backports included), so
 * this asks the kernel itself, where a version number would only guess.
 */
static const struct {
	const char *enumerator;	/* in enum bpf_func_id */
	const char *helper;
	const char *since;	/* the mainline release that added it */
	const char *why;
} required_helpers[] = {
	{ "BPF_FUNC_ringbuf_output", "bpf_ringbuf_output", "5.8", "writes every record" },
	{ "BPF_FUNC_get_current_task_btf", "bpf_get_current_task_btf", "5.11",
	  "reads the sender of a signal" },
	{ "BPF_FUNC_task_storage_get", "bpf_task_storage_get", "5.11",
	  "marks the runtime's processes" },
	{ "BPF_FUNC_task_pt_regs", "bpf_task_pt_regs", "5.15",
	  "tells which system call sent a signal" },
};

/* Whether enum `type` in btf has an enumerator `name`. */
static bool btf_has_enumerator(const struct btf *btf, const char *type, const char *name)
{
	int id = btf__find_by_name_kind(btf, type, BTF_KIND_ENUM);
	const struct btf_type *t = id < 0 ? NULL : btf__type_by_id(btf, id);
	const struct btf_enum *e;
	unsigned int i;

	if (!t)
		return false;
	e = btf_enum(t);
	for (i = 0; i < btf_vlen(t); i++, e++) {
		const char *n = btf__name_by_offset(btf, e->name_off);

		if (n && !strcmp(n, name))
			return true;
	}
	return false;
}

static int check_helpers(const struct btf *btf)
{
	unsigned int i;

	for (i = 0; i < sizeof(required_helpers) / sizeof(required_helpers[0]); i++) {
		if (btf_has_enumerator(btf, "bpf_func_id", required_helpers[i].enumerator))
			continue;
		fprintf(stderr, "lookout: this kernel has no BPF helper %s (Linux %s), which "
				"lookout needs: it %s; run lookout on Linux %d.%d or newer, or "
				"on a kernel that has it backported\n",
			required_helpers[i].helper, required_helpers[i].since,
			required_helpers[i].why, KERNEL_FLOOR_MAJOR, KERNEL_FLOOR_MINOR);
		return -ENOTSUP;
	}
	return 0;
}

static const char *const required_tracepoints[] = {
	"sched_process_exec", "sched_process_fork", "sched_process_exit", "signal_generate",
};

static int check_tracepoints(struct lookout_bpf *skel, const struct btf *btf)
{
	unsigned int i;

	for (i = 0; i < sizeof(required_tracepoints) / sizeof(required_tracepoints[0]); i++) {
		if (!tracepoint_proto(btf, required_tracepoints[i])) {
			fprintf(stderr, "lookout: this kernel has no tracepoint %s in its BTF: "
					"lookout needs Linux 5.8 or newer with BTF\n",
				required_tracepoints[i]);
			return -ENOTSUP;
		}
	}
	/* Without these, membership is still re-checked at fork and exec. */
	if (!tracepoint_proto(btf, "cgroup_attach_task"))
		bpf_program__set_autoload(skel->progs.handle_cgroup_attach_task, false);
	if (!tracepoint_proto(btf, "cgroup_mkdir"))
		bpf_program__set_autoload(skel->progs.handle_cgroup_mkdir, false);
	if (!tracepoint_proto(btf, "cgroup_rmdir"))
		bpf_program__set_autoload(skel->progs.handle_cgroup_rmdir, false);
	pick_mark_victim(skel, btf);
	return 0;
}

/*
 * Open a host path O_PATH. With a host root (lookout in a container, seeing the host
 * through /proc/1/root) symlinks must resolve inside that root, not ours: openat2
 * with RESOLVE_IN_ROOT does that.
 */
static int host_open_path(const char *host_root, const char *path)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT };
	int root, fd, err;

	if (!host_root || !*host_root)
		return open(path, O_PATH | O_CLOEXEC);
	root = open(host_root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return -1;
	fd = (int)syscall(SYS_openat2, root, path, &how, sizeof(how));
	err = errno;
	close(root);
	errno = err;
	return fd;
}

/* The v1 memory controller's hierarchy id, as /proc/self/cgroup lists it; 0 if none. */
static int memory_hierarchy_id(void)
{
	char *text = NULL, *line, *save = NULL;
	size_t len;
	int id = 0;

	if (safe_read_file("/proc/self/cgroup", &text, &len, 1 << 16))
		return 0;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *ctrl = strchr(line, ':'), *tok, *s2 = NULL;

		if (!ctrl)
			continue;
		*ctrl++ = '\0';
		if (!strchr(ctrl, ':'))
			continue;
		*strchr(ctrl, ':') = '\0';
		for (tok = strtok_r(ctrl, ",", &s2); tok; tok = strtok_r(NULL, ",", &s2)) {
			if (!strcmp(tok, "memory") && atoi(line) > 0)
				id = atoi(line);
		}
	}
	free(text);
	return id;
}

/*
 * Which cgroup hierarchy decides membership, from what is mounted at /sys/fs/cgroup
 * (under the host root): cgroup2 there is a unified host, where runtimes place
 * containers in the v2 tree only; a tmpfs is a legacy or hybrid host, where every
 * runtime places them in v1's memory hierarchy too. See cgroup_mode.h.
 */
static int pick_hierarchy(struct loader *ld, const struct loader_opts *opts)
{
	const char *host_root = opts->host_root ? opts->host_root : "";
	char dir[PATH_MAX], why[1024], *text = NULL;
	struct cgroup_mode mode;
	struct statfs sfs;
	size_t len;
	int fd, err;

	ld->cgroup_v1 = false;
	ld->hierarchy_id = 0;
	snprintf(dir, sizeof(dir), "%s/sys/fs/cgroup", host_root);
	fd = host_open_path(host_root, "/sys/fs/cgroup");
	if (fd < 0 || fstatfs(fd, &sfs)) {
		err = -errno;
		fprintf(stderr, "lookout: cannot look at %s: %s: lookout needs the host's cgroup "
				"filesystem there (mount sysfs and cgroups, or give --host-root where "
				"the host's / is)\n", dir, strerror(-err));
		if (fd >= 0)
			close(fd);
		return err;
	}
	close(fd);
	err = safe_read_file("/proc/self/mountinfo", &text, &len, 1 << 22);
	if (err) {
		fprintf(stderr, "lookout: cannot read /proc/self/mountinfo: %s: is /proc "
				"mounted?\n", strerror(-err));
		return err;
	}
	err = cgroup_mode_decide((unsigned long)sfs.f_type, dir, text, len, &mode, why,
				 sizeof(why));
	free(text);
	if (err == -ENAMETOOLONG)
		snprintf(why, sizeof(why), "the cgroup mount point under %.900s is too long", dir);
	if (err) {
		fprintf(stderr, "lookout: %s\n", why);
		return err;
	}
	ld->cgroup_v1 = mode.v1;
	snprintf(ld->cgroup_mount, sizeof(ld->cgroup_mount), "%s", mode.mount);
	if (mode.v1) {
		ld->hierarchy_id = memory_hierarchy_id();
		if (ld->hierarchy_id <= 0) {
			fprintf(stderr, "lookout: the v1 memory hierarchy is mounted at %s, but "
					"/proc/self/cgroup lists no memory hierarchy: mount the "
					"host's /proc, and run lookout in the host's PID namespace\n",
				mode.mount);
			return -ENOENT;
		}
	}
	if (opts->verbose)
		fprintf(stderr, "lookout: cgroup mode %s: tracking %s\n",
			mode.v1 ? "legacy/hybrid (v1 memory)" : "unified (v2)", mode.mount);
	return 0;
}

int loader_open_and_load(struct loader *ld, const struct loader_opts *opts)
{
	LIBBPF_OPTS(bpf_object_open_opts, oopts, .btf_custom_path = opts->btf_path);
	struct btf *btf;
	int err;

	memset(ld, 0, sizeof(*ld));
	ld->cgroup_mount_fd = -1;
	libbpf_set_print(opts->verbose ? libbpf_verbose : libbpf_quiet);
	err = pick_hierarchy(ld, opts);
	if (err)
		return err;
	ld->host_pidns = proc_self_ns("pid");

	btf = opts->btf_path ? btf__parse(opts->btf_path, NULL) : btf__load_vmlinux_btf();
	if (!btf) {
		char why[128];

		err = -errno;
		/* libbpf's own codes (beyond errno's range) name format problems. */
		libbpf_strerror(err, why, sizeof(why));
		fprintf(stderr, "lookout: %s is not usable kernel BTF (%s): lookout needs the "
				"kernel's BTF, as in /sys/kernel/btf/vmlinux (CONFIG_DEBUG_INFO_BTF=y)"
				"%s\n", opts->btf_path ? opts->btf_path : DEFAULT_BTF, why,
			opts->btf_path ? "; give such a file to --btf" : "");
		return err ? err : -EINVAL;
	}
	ld->skel = lookout_bpf__open_opts(&oopts);
	if (!ld->skel) {
		err = -errno;
		fprintf(stderr, "lookout: cannot open the BPF object: %s: run with --verbose "
				"for libbpf's messages\n", strerror(-err));
		btf__free(btf);
		return err;
	}
	err = check_helpers(btf);
	if (!err)
		err = check_tracepoints(ld->skel, btf);
	btf__free(btf);
	if (err)
		return err;

	ld->skel->rodata->report_all = opts->all;
	ld->skel->rodata->host_pidns = ld->host_pidns;
	ld->skel->rodata->self_pid = (__u32)getpid();
	ld->skel->rodata->cgroup_v1_memory = ld->cgroup_v1;
	ld->skel->rodata->cgroup_hierarchy = ld->hierarchy_id;
	ld->skel->rodata->signal_mask = opts->signal_mask;
	ld->skel->rodata->kernel_signals = opts->kernel_signals;
	if (opts->events_size)
		bpf_map__set_max_entries(ld->skel->maps.events, opts->events_size);
	/* Batch wake-ups at a quarter of the buffer: well before it can fill. */
	ld->skel->rodata->wakeup_bytes = bpf_map__max_entries(ld->skel->maps.events) / 4;
	if (opts->alerts_size)
		bpf_map__set_max_entries(ld->skel->maps.alerts, opts->alerts_size);
	if (opts->cgroups_size)
		bpf_map__set_max_entries(ld->skel->maps.cgroup_events, opts->cgroups_size);
	if (opts->cgroups_max)
		bpf_map__set_max_entries(ld->skel->maps.cgroups, opts->cgroups_max);

	err = lookout_bpf__load(ld->skel);
	if (err) {
		fprintf(stderr, "lookout: the kernel refused to load the BPF programs: %s: "
				"lookout needs Linux %d.%d or newer with BTF and BPF allowed "
				"(kernel lockdown off); run with --verbose for the verifier's log\n",
			strerror(-err), KERNEL_FLOOR_MAJOR, KERNEL_FLOOR_MINOR);
		return err;
	}
	return 0;
}

/* Run a BPF iterator to its end: its output, malloc'd, in *out. */
static int run_iter(struct bpf_program *prog, const char *what, char **out, size_t *out_len)
{
	struct bpf_link *link;
	size_t len = 0, cap = 0;
	char *buf = NULL;
	int fd, err = 0;
	ssize_t n;

	link = bpf_program__attach_iter(prog, NULL);
	if (!link) {
		err = -errno;
		fprintf(stderr, "lookout: cannot create the %s iterator: %s: lookout needs "
				"Linux 5.8 or newer\n", what, strerror(-err));
		return err;
	}
	fd = bpf_iter_create(bpf_link__fd(link));
	if (fd < 0) {
		err = -errno;
		fprintf(stderr, "lookout: cannot run the %s iterator: %s\n", what, strerror(-err));
		bpf_link__destroy(link);
		return err;
	}
	for (;;) {
		if (cap - len < 65536) {
			char *p = realloc(buf, cap + (1 << 20));

			if (!p) {
				err = -ENOMEM;
				break;
			}
			buf = p;
			cap += 1 << 20;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	bpf_link__destroy(link);
	if (err) {
		free(buf);
		fprintf(stderr, "lookout: reading the %s iterator: %s\n", what, strerror(-err));
		return err;
	}
	*out = buf;
	*out_len = len;
	return 0;
}

/*
 * Runtime executables are keyed as the kernel sees them: lookout opens each
 * and asks the kernel (key_open_files) for the key of the open file, so the
 * running program and the file on disk are compared by the same code.
 */
#define RUNTIME_FDS_MAX 256

struct runtime_fds {
	int fd[RUNTIME_FDS_MAX];
	unsigned int n;
};

static int runtime_fds_add(struct runtime_fds *r, const char *host_root, const char *path)
{
	int fd;

	if (r->n >= RUNTIME_FDS_MAX)
		return -E2BIG;
	fd = component_open(host_root, path);
	if (fd < 0)
		return fd;
	r->fd[r->n++] = fd;
	return 0;
}

static bool runtime_fds_has(const struct runtime_fds *r, __u32 fd)
{
	unsigned int i;

	for (i = 0; i < r->n; i++)
		if ((__u32)r->fd[i] == fd)
			return true;
	return false;
}

static int runtime_fds_to_map(struct loader *ld, const struct runtime_fds *r)
{
	int map_fd = bpf_map__fd(ld->skel->maps.runtime_exes);
	int ino_fd = bpf_map__fd(ld->skel->maps.runtime_inos);
	struct lk_fd_key rec;
	size_t len, off;
	char *buf;
	__u8 one = 1;
	int err;

	if (!r->n)
		return 0;
	err = run_iter(ld->skel->progs.key_open_files, "open file", &buf, &len);
	if (err)
		return err;
	for (off = 0; off + sizeof(rec) <= len; off += sizeof(rec)) {
		memcpy(&rec, buf + off, sizeof(rec));
		if (!runtime_fds_has(r, rec.fd))
			continue;
		if (bpf_map_update_elem(map_fd, &rec.key, &one, BPF_ANY) ||
		    bpf_map_update_elem(ino_fd, &rec.key.ino, &one, BPF_ANY)) {
			err = -errno;
			break;
		}
		ld->skel->bss->runtime_ino_bits[(rec.key.ino >> 6) & 15] |= 1ULL << (rec.key.ino & 63);
		ld->nr_runtime_exes++;
	}
	free(buf);
	return err;
}

static int fill_runtime_exes(struct loader *ld, const struct loader_opts *opts)
{
	struct runtime_fds r = {};
	char path[PATH_MAX];
	unsigned int i;
	int err = 0;

	/* most are absent on a given host */
	for (i = 0; component_path(i, path, sizeof(path)); i++)
		runtime_fds_add(&r, opts->host_root, path);
	for (i = 0; i < opts->nr_runtime_exes && !err; i++) {
		/* Given on our command line: a path as we see it. */
		err = runtime_fds_add(&r, NULL, opts->runtime_exes[i]);
		if (err)
			fprintf(stderr, "lookout: --runtime-exe %s: %s: give the path of an "
					"existing executable\n", opts->runtime_exes[i],
				strerror(-err));
	}
	if (!err)
		err = runtime_fds_to_map(ld, &r);
	for (i = 0; i < r.n; i++)
		close(r.fd[i]);
	return err;
}

static int attach_one(struct bpf_program *prog, struct bpf_link **link, bool required)
{
	if (!bpf_program__autoload(prog))
		return 0;
	*link = bpf_program__attach(prog);
	if (*link)
		return 0;
	if (!required)
		return 0;
	fprintf(stderr, "lookout: cannot attach %s (%s): %s: this kernel does not allow "
			"BTF tracepoint programs there; run with --verbose for details\n",
		bpf_program__name(prog), bpf_program__section_name(prog), strerror(errno));
	return -errno;
}

int loader_attach_cgroups(struct loader *ld)
{
	struct lookout_bpf *s = ld->skel;
	int err = 0;

	err = err ?: attach_one(s->progs.handle_cgroup_mkdir, &s->links.handle_cgroup_mkdir,
				false);
	err = err ?: attach_one(s->progs.handle_cgroup_rmdir, &s->links.handle_cgroup_rmdir,
				false);
	return err;
}

int loader_attach(struct loader *ld)
{
	struct lookout_bpf *s = ld->skel;
	int err = 0;

	err = err ?: attach_one(s->progs.handle_sched_process_fork,
				&s->links.handle_sched_process_fork, true);
	err = err ?: attach_one(s->progs.handle_sched_process_exec,
				&s->links.handle_sched_process_exec, true);
	err = err ?: attach_one(s->progs.handle_sched_process_exit,
				&s->links.handle_sched_process_exit, true);
	err = err ?: attach_one(s->progs.handle_signal_generate,
				&s->links.handle_signal_generate, true);
	err = err ?: attach_one(s->progs.handle_cgroup_attach_task,
				&s->links.handle_cgroup_attach_task, false);
	err = err ?: attach_one(s->progs.handle_mark_victim, &s->links.handle_mark_victim,
				false);
	err = err ?: attach_one(s->progs.handle_mark_victim_pid,
				&s->links.handle_mark_victim_pid, false);
	return err;
}

struct cgroup_walk {
	struct loader *ld;
	struct containers *cs;
	int map_fd;
	unsigned int visited;
};

/*
 * Record a container cgroup the walk found. The mkdir and rmdir hooks are
 * already attached: insert, then look again, and take the entry back if the
 * cgroup went meanwhile. Removed after the insert, the rmdir hook deletes it;
 * removed before, the second look does. Either way no gone cgroup stays.
 */
static void seed_one(struct cgroup_walk *w, int dirfd, const char *name, __u64 cgid)
{
	__u32 verdict = LK_CG_CONTAINER;
	struct stat st;

	if (bpf_map_update_elem(w->map_fd, &cgid, &verdict, BPF_ANY)) {
		if (errno == E2BIG)
			w->ld->cgroups_unrecorded++;
		containers_remove_cgroup(w->cs, cgid);
		return;
	}
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) || st.st_ino != cgid) {
		bpf_map_delete_elem(w->map_fd, &cgid);
		containers_remove_cgroup(w->cs, cgid);
	}
}

static void walk_cgroups(struct cgroup_walk *w, int dirfd, char *path, size_t len,
			 unsigned int depth)
{
	struct dirent *de;
	DIR *dir;

	dir = fdopendir(dirfd);
	if (!dir) {
		close(dirfd);
		return;
	}
	while ((de = readdir(dir)) && w->visited < CGROUP_WALK_MAX) {
		struct stat st;
		size_t n = strlen(de->d_name);
		__u64 cgid;
		int fd;

		if (de->d_type != DT_DIR || de->d_name[0] == '.' || len + 1 + n >= PATH_MAX)
			continue;
		if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISDIR(st.st_mode))
			continue;
		w->visited++;
		path[len] = '/';
		memcpy(path + len + 1, de->d_name, n + 1);
		/* A cgroup directory's inode number is its kernfs id, the id BPF reads. */
		cgid = st.st_ino;
		if (containers_add_cgroup(w->cs, cgid, path))
			seed_one(w, dirfd, de->d_name, cgid);
		if (depth < CGROUP_WALK_DEPTH) {
			fd = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (fd >= 0)
				walk_cgroups(w, fd, path, len + 1 + n, depth + 1);
		}
		path[len] = '\0';
	}
	closedir(dir);
}

int loader_seed_cgroups(struct loader *ld, struct containers *cs)
{
	struct cgroup_walk w = { .ld = ld, .cs = cs };
	char path[PATH_MAX] = "";
	int fd, err;

	w.map_fd = bpf_map__fd(ld->skel->maps.cgroups);
	fd = open(ld->cgroup_mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		fprintf(stderr, "lookout: cannot open %s: %s\n", ld->cgroup_mount, strerror(-err));
		return err;
	}
	ld->cgroup_mount_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (ld->cgroup_mount_fd < 0) {
		err = -errno;
		fprintf(stderr, "lookout: cannot open %s: %s\n", ld->cgroup_mount, strerror(-err));
		close(fd);
		return err;
	}
	walk_cgroups(&w, fd, path, 0, 0);
	return 0;
}

int loader_seed_tasks(struct loader *ld, void (*fn)(void *ctx, const void *rec, size_t size),
		      void *ctx)
{
	size_t len, off;
	char *buf;
	int err;

	err = run_iter(ld->skel->progs.seed_tasks, "task", &buf, &len);
	if (err)
		return err;
	/* Records follow each other unaligned: copy each out before reading it. */
	for (off = 0; !err && off + sizeof(struct lk_hdr) <= len;) {
		static __u64 rec[LK_RECORD_MAX / sizeof(__u64)];
		struct lk_hdr h;

		memcpy(&h, buf + off, sizeof(h));
		if (h.size < sizeof(h) || h.size > len - off || h.size > sizeof(rec))
			break;
		memcpy(rec, buf + off, h.size);
		fn(ctx, rec, h.size);
		off += h.size;
	}
	free(buf);
	return err;
}

int loader_fill_maps(struct loader *ld, const struct loader_opts *opts)
{
	return fill_runtime_exes(ld, opts);
}

void loader_destroy(struct loader *ld)
{
	if (!ld)
		return;
	if (ld->cgroup_mount_fd >= 0)
		close(ld->cgroup_mount_fd);
	ld->cgroup_mount_fd = -1;
	lookout_bpf__destroy(ld->skel);
	ld->skel = NULL;
}

void loader_ring_fds(const struct loader *ld, int fds[LOADER_RINGS])
{
	fds[LOADER_RING_CGROUPS] = bpf_map__fd(ld->skel->maps.cgroup_events);
	fds[LOADER_RING_ALERTS] = bpf_map__fd(ld->skel->maps.alerts);
	fds[LOADER_RING_EVENTS] = bpf_map__fd(ld->skel->maps.events);
}

int loader_cgroups_fd(const struct loader *ld)
{
	return bpf_map__fd(ld->skel->maps.cgroups);
}

__u32 loader_cgroups_max(const struct loader *ld)
{
	return bpf_map__max_entries(ld->skel->maps.cgroups);
}

void loader_read_stats(const struct loader *ld, __u64 out[LK_STAT_MAX])
{
	int fd = bpf_map__fd(ld->skel->maps.stats), ncpus = libbpf_num_possible_cpus(), i;
	__u64 *vals;
	__u32 key;

	memset(out, 0, LK_STAT_MAX * sizeof(out[0]));
	if (ncpus <= 0)
		return;
	vals = calloc((size_t)ncpus, sizeof(__u64));
	if (!vals)
		return;
	for (key = 0; key < LK_STAT_MAX; key++) {
		if (bpf_map_lookup_elem(fd, &key, vals))
			continue;
		for (i = 0; i < ncpus; i++)
			out[key] += vals[i];
	}
	free(vals);
}

void loader_count_members(const struct loader *ld, unsigned long long *procs,
			  unsigned long long *containers)
{
	int fd = bpf_map__fd(ld->skel->maps.members);
	struct lk_ckey key, next, *prev = NULL;
	__s64 n;

	*procs = *containers = 0;
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		if (!bpf_map_lookup_elem(fd, &next, &n) && n > 0) {
			*procs += (unsigned long long)n;
			(*containers)++;
		}
		key = next;
		prev = &key;
	}
}

size_t loader_take_container_losses(const struct loader *ld, struct lk_lost_entry *out,
				    size_t max)
{
	int fd = bpf_map__fd(ld->skel->maps.lost_by_container);
	struct lk_ckey key, *prev = NULL;
	size_t n = 0, i;

	/* The keys first: deleting while walking the map could skip some. */
	while (n < max && !bpf_map_get_next_key(fd, prev, &out[n].key)) {
		key = out[n].key;
		prev = &key;
		n++;
	}
	for (i = 0; i < n; i++) {
		if (bpf_map_lookup_and_delete_elem(fd, &out[i].key, &out[i].count)) {
			/* Kernels before 5.14 cannot do both at once for a hash map. */
			if (bpf_map_lookup_elem(fd, &out[i].key, &out[i].count))
				out[i].count = 0;
			bpf_map_delete_elem(fd, &out[i].key);
		}
	}
	return n;
}
