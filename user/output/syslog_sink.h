/* SPDX-License-Identifier: GPL-2.0 */
/*
 * syslog_sink.h - events to a syslog receiver (`--syslog URL`), one message per
 * event, without ever holding up the event loop.
 *
 * Message (RFC 5424, over udp:// and tcp://):
 *   <PRI>1 TIMESTAMP HOSTNAME lookout PROCID MSGID - JSON
 *   PRI        facility daemon (3) for every event; severity as the caller
 *              says: LOG_WARNING for out-of-band signals and kills, LOG_INFO
 *              otherwise. One facility keeps a kill and the exit it caused in
 *              the same stream; filter on severity (or MSGID) to pick them out.
 *   TIMESTAMP  when the message was made, UTC, microseconds (RFC 5424 allows
 *              no more); the event's own nanosecond kernel time is in the JSON
 *   HOSTNAME   the host, reduced to printable ASCII (others become '_'), <= 255
 *   PROCID     lookout's pid; MSGID the event name ("signal"), <= 32 bytes
 *   SD         "-": every field is in the JSON, and lookout has no IANA
 *              enterprise number for an SD-ID of its own (32473 is reserved
 *              for documentation, RFC 5612)
 *   MSG        the event's JSON line without its newline, and without a BOM
 *              (receivers hand MSG to JSON parsers that would choke on one);
 *              any raw control byte, which lookout's JSON never holds, becomes
 *              a space so no input can split or forge a message
 * `local` writes the format every /dev/log reader understands (glibc's:
 * "<PRI>Mmm dd hh:mm:ss lookout[PID]: JSON"), since journald and rsyslog's
 * imuxsock do not parse RFC 5424 on that socket.
 *
 * Transport: udp:// one datagram per message; tcp:// RFC 6587 octet counting
 * ("LEN SP MSG") over a non-blocking socket with a bounded queue that also
 * holds messages while the receiver is away, reconnecting with backoff;
 * local a datagram to /dev/log. Names are resolved once, when the sink opens.
 */
#ifndef LOOKOUT_SYSLOG_SINK_H
#define LOOKOUT_SYSLOG_SINK_H

#include <stddef.h>
#include <time.h>
#include "outbuf.h"

struct syslog_sink;

/* Messages longer than this are dropped (and counted): 64 KiB is the most
 * a UDP datagram carries, and receivers must be configured for it anyway. */
#define SYSLOG_MAX_MESSAGE (64 * 1024 - 512)
/* tcp://: bytes held while the receiver is slow or away. */
#define SYSLOG_QUEUE_MAX (1024 * 1024)

/*
 * url: udp://HOST:PORT, tcp://HOST:PORT (RFC 6587 octet-counted framing), or
 * local (/dev/log, datagram). hostname: the HOSTNAME field (NULL: gethostname).
 * Fails (NULL, a message in err) on a bad url, a name that does not resolve, or
 * no socket; a receiver that is not listening yet is not an error: messages
 * wait (tcp) or are dropped and counted (udp, local) until it is.
 */
struct syslog_sink *syslog_sink_open(const char *url, const char *hostname, char *err,
				     size_t errlen);

/* Same, for a datagram socket at another path than /dev/log (tests, chroots). */
struct syslog_sink *syslog_sink_open_local(const char *path, const char *hostname, char *err,
					   size_t errlen);

/*
 * One message for one event: severity LOG_WARNING for out-of-band events,
 * LOG_INFO otherwise (<syslog.h>); event the event's name; json its line (a
 * trailing newline is dropped). Never waits: returns 0 when the message was
 * sent or queued, else -errno (the message is dropped and counted).
 */
int syslog_sink_send(struct syslog_sink *s, int severity, const char *event, const char *json,
		     size_t len);

/* Without sending anything new: finish a connect, retry one that is due, write
 * what is queued. Call it from the main loop's tick so queued messages leave
 * without waiting for the next event. Never waits. */
void syslog_sink_flush(struct syslog_sink *s);

/* Messages dropped so far: not sent, or lost with a broken connection. */
unsigned long long syslog_sink_dropped(const struct syslog_sink *s);

/* Waits up to one second for queued messages (lookout_stop), then closes;
 * what is still queued is counted as dropped. Accepts NULL. */
void syslog_sink_close(struct syslog_sink *s);
/* Same, waiting at most wait_ms (a stop with a budget to keep). */
void syslog_sink_close_wait(struct syslog_sink *s, unsigned int wait_ms);

/* The RFC 5424 message (no framing) into b (reset first), for tests. */
void syslog_format(struct outbuf *b, const struct timespec *now, int severity,
		   const char *hostname, int pid, const char *event, const char *json,
		   size_t len);

/* The /dev/log form "<PRI>Mmm dd hh:mm:ss lookout[PID]: JSON" (local time). */
void syslog_format_local(struct outbuf *b, const struct timespec *now, int severity, int pid,
			 const char *json, size_t len);

#endif
