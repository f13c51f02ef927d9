// SPDX-License-Identifier: GPL-2.0
/*
 * cgroup_mode.c - unified (v2) or legacy/hybrid (v1 memory) from what is mounted at
 * /sys/fs/cgroup, and where the chosen hierarchy is mounted. See cgroup_mode.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cgroup_mode.h"

#define CGROUP_V1_MAGIC 0x0027e0ebUL
#define SYSFS_MAGIC 0x62656572UL
#define PROC_MAGIC 0x00009fa0UL
#define OVERLAYFS_MAGIC 0x794c7630UL
#define EXT4_MAGIC 0x0000ef53UL

/* The fields of one mountinfo line that matter here. */
struct mount_entry {
	char root[256];
	char point[256];
	char fstype[32];
	char super[512];	/* super options: a v1 hierarchy's controllers are here */
};

/* Copy the n-th space-separated field of [p, end) into out; false if absent or too long. */
static bool field(const char *p, const char *end, unsigned int n, char *out, size_t outlen)
{
	const char *f = p, *sp;
	size_t len;

	for (; n; n--) {
		sp = memchr(f, ' ', (size_t)(end - f));
		if (!sp)
			return false;
		f = sp + 1;
	}
	sp = memchr(f, ' ', (size_t)(end - f));
	len = (size_t)((sp ? sp : end) - f);
	if (len == 0 || len >= outlen)
		return false;
	memcpy(out, f, len);
	out[len] = '\0';
	return true;
}

/*
 * "ID PARENT MAJ:MIN ROOT POINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPER". A field too
 * long for its buffer makes the line unusable rather than silently cut.
 */
static bool mount_entry_parse(const char *p, size_t n, struct mount_entry *e)
{
	const char *end = p + n, *sep;

	if (memchr(p, '\0', n))
		return false;
	for (sep = p; (sep = memchr(sep, ' ', (size_t)(end - sep))); sep++) {
		if (end - sep >= 3 && sep[1] == '-' && sep[2] == ' ')
			break;
	}
	return sep && sep > p && field(p, sep, 3, e->root, sizeof(e->root)) &&
	       field(p, sep, 4, e->point, sizeof(e->point)) &&
	       field(sep + 3, end, 0, e->fstype, sizeof(e->fstype)) &&
	       field(sep + 3, end, 2, e->super, sizeof(e->super));
}

/* Is name one of the comma-separated options in list? */
static bool option_has(const char *list, const char *name)
{
	size_t nl = strlen(name);

	for (const char *p = list; p; p = strchr(p, ',')) {
		if (*p == ',')
			p++;
		if (!strncmp(p, name, nl) && (p[nl] == ',' || p[nl] == '\0'))
			return true;
	}
	return false;
}

/* A mount point strictly below dir. */
static const char *below(const char *point, const char *dir)
{
	size_t dl = strlen(dir);

	while (dl > 1 && dir[dl - 1] == '/')
		dl--;
	if (strncmp(point, dir, dl) || point[dl] != '/' || point[dl + 1] == '\0')
		return NULL;
	return point + dl + 1;
}

typedef bool (*mount_fn)(const struct mount_entry *e, void *ctx);

/* Call fn for each parsable line until it returns true; unparsable lines are skipped. */
static void mounts_each(const char *text, size_t len, mount_fn fn, void *ctx)
{
	size_t i = 0;

	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len;
		struct mount_entry e;

		if (end > i && mount_entry_parse(text + i, end - i, &e) && fn(&e, ctx))
			return;
		i = end + 1;
	}
}

struct memory_search {
	const char *dir;
	char under[256];	/* first v1 memory hierarchy mounted below dir */
	char other[256];	/* else the first anywhere (the host root's may not be ours) */
};

static bool memory_match(const struct mount_entry *e, void *ctx)
{
	struct memory_search *s = ctx;

	if (strcmp(e->fstype, "cgroup") || strcmp(e->root, "/") || !option_has(e->super, "memory"))
		return false;
	if (below(e->point, s->dir)) {
		snprintf(s->under, sizeof(s->under), "%s", e->point);
		return true;
	}
	if (!s->other[0])
		snprintf(s->other, sizeof(s->other), "%s", e->point);
	return false;
}

struct listing {
	const char *dir;
	char *buf;
	size_t size, used;
	unsigned int count;
};

/* "cpu (cgroup), unified (cgroup2)": what is mounted below dir, for an error message. */
static bool listing_add(const struct mount_entry *e, void *ctx)
{
	struct listing *l = ctx;
	const char *name = below(e->point, l->dir);
	int r;

	if (!name || l->used >= l->size)
		return false;
	r = snprintf(l->buf + l->used, l->size - l->used, "%s%s (%s)", l->count ? ", " : "",
		     name, e->fstype);
	if (r < 0 || (size_t)r >= l->size - l->used) {
		l->used = l->size;	/* full: keep what fits */
		return true;
	}
	l->used += (size_t)r;
	l->count++;
	return false;
}

static const char *fs_name(unsigned long type)
{
	switch (type) {
	case CGROUP_V1_MAGIC:
		return "a single cgroup v1 hierarchy";
	case SYSFS_MAGIC:
		return "plain sysfs (nothing is mounted there)";
	case PROC_MAGIC:
		return "procfs";
	case OVERLAYFS_MAGIC:
		return "an overlay filesystem (a container's own root, nothing mounted there)";
	case EXT4_MAGIC:
		return "ext4 (nothing is mounted there)";
	default:
		return NULL;
	}
}

static int set_mount(struct cgroup_mode *out, bool v1, const char *point)
{
	if (strlen(point) >= sizeof(out->mount))
		return -ENAMETOOLONG;
	out->v1 = v1;
	snprintf(out->mount, sizeof(out->mount), "%s", point);
	return 0;
}

int cgroup_mode_decide(unsigned long fs_type, const char *dir, const char *mountinfo, size_t len,
		       struct cgroup_mode *out, char *why, size_t whylen)
{
	struct memory_search s = { .dir = dir };
	char there[512] = "";
	struct listing l = { .dir = dir, .buf = there, .size = sizeof(there) };
	const char *name;

	if (!dir || !*dir || (!mountinfo && len) || !out || !why || !whylen)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	why[0] = '\0';
	if (fs_type == CGROUP_MODE_CGROUP2_MAGIC)
		return set_mount(out, false, dir);
	if (fs_type == CGROUP_MODE_TMPFS_MAGIC) {
		mounts_each(mountinfo, len, memory_match, &s);
		if (s.under[0] || s.other[0])
			return set_mount(out, true, s.under[0] ? s.under : s.other);
		mounts_each(mountinfo, len, listing_add, &l);
		snprintf(why, whylen, "%s is a tmpfs of cgroup v1 hierarchies, but no v1 hierarchy "
			 "with the memory controller is mounted (there: %s): mount one (mount -t "
			 "cgroup -o memory cgroup %s/memory), or mount cgroup2 at %s for a unified "
			 "host", dir, l.count ? there : "nothing", dir, dir);
		return -ENOENT;
	}
	name = fs_name(fs_type);
	if (name)
		snprintf(why, whylen, "%s is %s, neither cgroup2 (a unified host) nor a tmpfs of "
			 "cgroup v1 hierarchies (a legacy or hybrid host): run lookout where the "
			 "host's /sys/fs/cgroup is visible (--host-root), or mount cgroup2 there",
			 dir, name);
	else
		snprintf(why, whylen, "%s is a filesystem of type 0x%lx, neither cgroup2 (a unified "
			 "host) nor a tmpfs of cgroup v1 hierarchies (a legacy or hybrid host): run "
			 "lookout where the host's /sys/fs/cgroup is visible (--host-root), or mount "
			 "cgroup2 there", dir, fs_type);
	return -ENOENT;
}
