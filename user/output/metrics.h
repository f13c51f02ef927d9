/* SPDX-License-Identifier: GPL-2.0 */
/*
 * metrics.h - Prometheus metrics on `--metrics ADDR:PORT` (GET /metrics, text
 * exposition format 0.0.4), served by libmicrohttpd from its own thread while
 * the main loop updates the numbers.
 *
 *   lookout_events_total{event}             events written, by event name
 *   lookout_signals_total{origin}           signal events, by origin
 *   lookout_out_of_band_total{container}    out-of-band signal events (one per
 *                                           kill, not its exits), by the target's
 *                                           container name (or id); at most
 *                                           METRICS_MAX_CONTAINERS values, then
 *                                           container="other"
 *   lookout_container_exits_total{cause}    container ends, by cause
 *   lookout_dropped_total{buffer}           records lost: "events", "alerts",
 *                                           "cgroups" (kernel ring buffers),
 *                                           "syslog", ...
 *   lookout_kernel_records_total            records the kernel wrote
 *   lookout_bad_records_total               records rejected as malformed
 *   lookout_tracked_full_total              processes left untracked (map full)
 *   lookout_cgroups_full_total              cgroups made while the cgroups map was full
 *   lookout_cgroups_resolved_total          new cgroups classified by id (record lost)
 *   lookout_tracked_processes               processes tracked now (gauge)
 *   lookout_containers                      containers known now (gauge)
 *   lookout_containers_metadata_pending     started containers without name and image (gauge)
 *
 * Start it early, before the first event is written (so every event is
 * counted) and before the BPF programs load (so a bad or busy port fails
 * fast): the HTTP thread never holds a capability, whenever it starts. A port
 * below 1024 needs CAP_NET_BIND_SERVICE, which lookout's service does not get.
 */
#ifndef LOOKOUT_METRICS_H
#define LOOKOUT_METRICS_H

#include <stddef.h>

#define METRICS_MAX_CONTAINERS 1000	/* distinct container label values */
#define METRICS_MAX_NAMES 64		/* distinct event, origin, buffer values each */
#define METRICS_LABEL_MAX 256		/* bytes of one label value, longer ones are cut */

struct metrics;

/* Unlabelled counters, set from totals kept elsewhere. */
enum metrics_counter {
	METRICS_EMITTED,
	METRICS_BAD_RECORDS,
	METRICS_TRACKED_FULL,
	METRICS_CGROUPS_FULL,
	METRICS_CGROUPS_RESOLVED,
	METRICS_COUNTERS,
};

/* listen: ADDR:PORT or [V6]:PORT. NULL with a message in err on a bad address
 * or a port that cannot be bound. */
struct metrics *metrics_start(const char *listen, char *err, size_t errlen);

void metrics_event(struct metrics *m, const char *event);		/* +1 */
void metrics_signal(struct metrics *m, const char *origin);		/* +1 */
void metrics_out_of_band(struct metrics *m, const char *container);	/* +1; NULL: "unknown" */
void metrics_container_exit(struct metrics *m, const char *cause);	/* +1 */
void metrics_set_dropped(struct metrics *m, const char *buffer, unsigned long long total);
void metrics_set_counter(struct metrics *m, enum metrics_counter which,
			 unsigned long long total);	/* never goes down */
void metrics_set_tracked(struct metrics *m, unsigned long long n);
void metrics_set_containers(struct metrics *m, unsigned long long n);
void metrics_set_metadata_pending(struct metrics *m, unsigned long long n);

/* The exposition text, malloc'd (NULL on no memory): what GET /metrics returns. */
char *metrics_render(struct metrics *m, size_t *len);

/* Stops the HTTP thread, closes the socket, frees. Accepts NULL. */
void metrics_stop(struct metrics *m);

#endif
