/* SPDX-License-Identifier: GPL-2.0 */
/*
 * emit.bpf.h - building and writing records: the scratch slot of each context,
 * and the ring-buffer write whose failures are counted, never silent.
 */
#ifndef LOOKOUT_EMIT_BPF_H
#define LOOKOUT_EMIT_BPF_H

static __always_inline void stat_inc(__u32 which)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &which);

	if (v)
		*v += 1;
}

static __always_inline void *scratch_slot(enum scratch_slot slot)
{
	__u32 key = slot;

	return bpf_map_lookup_elem(&scratch_map, &key);
}

/* The process-context programs' slot. */
static __always_inline void *scratch_get(void)
{
	return scratch_slot(SLOT_TASK);
}

/* A record of container `ck` was dropped from `buffer`: count it for that
 * container too, so a `lost` event can say whose records went missing. */
static __always_inline void lost_for(const struct lk_ckey *ck, __u32 buffer)
{
	struct lk_ckey k = { .id = ck->id, .kind = ck->kind, .flags = buffer };
	__u64 one = 1, *n;

	n = bpf_map_lookup_elem(&lost_by_container, &k);
	if (!n) {
		if (!bpf_map_update_elem(&lost_by_container, &k, &one, BPF_NOEXIST))
			return;
		n = bpf_map_lookup_elem(&lost_by_container, &k);	/* another CPU made it */
	}
	if (n)
		__sync_fetch_and_add(n, 1);
}

/* Write a finished record about a process of container `ck` (NULL or host:
 * none); a full buffer is counted, never silent. */
static __always_inline void emit(void *rec, __u32 size, bool alert, const struct lk_ckey *ck)
{
	long err;

	if (size > SCRATCH_SIZE)
		return;
	((struct lk_hdr *)rec)->size = size;
	if (alert) {
		/* Alerts wake the reader at once: they are what someone waits for. */
		err = bpf_ringbuf_output(&alerts, rec, size, BPF_RB_FORCE_WAKEUP);
	} else {
		/* Ordinary events wake it only when a batch has built up; the reader
		 * also polls every 100 ms, which bounds their delay. */
		__u64 flags = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes ?
				      BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;

		err = bpf_ringbuf_output(&events, rec, size, flags);
	}
	if (!err) {
		stat_inc(LK_STAT_EMITTED);
		return;
	}
	stat_inc(alert ? LK_STAT_DROP_ALERTS : LK_STAT_DROP_EVENTS);
	if (ck && ck->kind != LK_CK_HOST)
		lost_for(ck, alert ? LK_LOST_ALERTS : LK_LOST_EVENTS);
}

#endif /* LOOKOUT_EMIT_BPF_H */
