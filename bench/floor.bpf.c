// SPDX-License-Identifier: GPL-2.0
/*
 * floor.bpf.c - empty programs on exactly the hooks lookout attaches to.
 *
 * What the kernel spends to run any BPF program on these tracepoints, before
 * the program does anything: no tracer on these hooks can cost less. The list
 * must follow bpf/lookout.bpf.c (run.sh compares the two and warns).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tp_btf/sched_process_exec")
int BPF_PROG(floor_sched_process_exec)
{
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(floor_sched_process_fork)
{
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(floor_sched_process_exit)
{
	return 0;
}

SEC("tp_btf/signal_generate")
int BPF_PROG(floor_signal_generate)
{
	return 0;
}

SEC("tp_btf/cgroup_attach_task")
int BPF_PROG(floor_cgroup_attach_task)
{
	return 0;
}

SEC("tp_btf/cgroup_mkdir")
int BPF_PROG(floor_cgroup_mkdir)
{
	return 0;
}

SEC("tp_btf/cgroup_rmdir")
int BPF_PROG(floor_cgroup_rmdir)
{
	return 0;
}

SEC("tp_btf/mark_victim")
int BPF_PROG(floor_mark_victim)
{
	return 0;
}
