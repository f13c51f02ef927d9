# lookout - build, test and run.
#   make            build ./lookout
#   make deps       install missing packages to build and run lookout
#   make test       install missing packages to test too, build, run unit and end-to-end tests
#   make run        build and start the live view
#   make V=1        show full commands
#   make ARCH=arm64 cross-build for arm64 into build-arm64/ (ARCH=arm64 static: the
#                   static binary; ARCH=arm64 unit: the unit tests under qemu-user)
HOST_ARCH := $(shell uname -m | sed 's/aarch64/arm64/')
ARCH ?= $(HOST_ARCH)
ifeq ($(filter $(ARCH),x86_64 arm64),)
$(error ARCH=$(ARCH): lookout builds for x86_64 or arm64 (bpf/arch.bpf.h holds each one's registers))
endif
# The BPF side's name for the architecture (bpf_tracing.h, bpf/arch.bpf.h).
BPF_ARCH_x86_64 = x86
BPF_ARCH_arm64 = arm64
# A cross build keeps its own output tree and never replaces ./lookout; its
# programs (unit tests) run under qemu-user.
ifneq ($(ARCH),$(HOST_ARCH))
CROSS := 1
OUTPUT ?= build-$(ARCH)
CROSS_COMPILE_x86_64 = x86_64-linux-gnu-
CROSS_COMPILE_arm64 = aarch64-linux-gnu-
CROSS_COMPILE ?= $(CROSS_COMPILE_$(ARCH))
QEMU_x86_64 = qemu-x86_64-static
QEMU_arm64 = qemu-aarch64-static
RUN_TARGET ?= $(QEMU_$(ARCH))
ifeq ($(origin CC),default)
CC = $(CROSS_COMPILE)gcc
endif
# Only where something is built: make clean and make deps need no compiler.
ifeq ($(filter-out clean deps test-deps,$(or $(MAKECMDGOALS),all)),)
else ifeq ($(shell command -v $(CC) 2>/dev/null),)
$(error ARCH=$(ARCH): the cross compiler $(CC) is missing: run sudo make deps ARCH=$(ARCH))
else ifeq ($(shell $(CC) -print-file-name=libbpf.so),libbpf.so)
$(error ARCH=$(ARCH): $(CC) finds no libbpf for $(ARCH) (libbpf-dev:$(ARCH) and the other libraries): run sudo make deps ARCH=$(ARCH))
endif
endif
OUTPUT ?= build
CLANG ?= clang
BPFTOOL ?= bpftool
CC ?= gcc

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

SANITIZE ?=
ifeq ($(SANITIZE),1)
SAN_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer
endif

CFLAGS ?= -g -O2
# user/ holds the daemon's core; its folders, one concern each: cgroup/ (paths, the
# mode, the cgroups map), runtime/ (the runtimes' state readers), output/ (writers,
# syslog, metrics), commands/ (ps, inspect, why, vocabulary). Headers are included
# by name from any of them.
USER_DIRS = user user/cgroup user/runtime user/output user/commands
CFLAGS += -Wall -Wextra -Werror -std=gnu11 -Iinclude $(addprefix -I,$(USER_DIRS)) -I$(OUTPUT) $(SAN_FLAGS)
LDLIBS = -lbpf -lelf -lz -ljson-c -lcap -lmicrohttpd -lpthread
BPF_CFLAGS = -g -O2 -Wall -target bpf -D__TARGET_ARCH_$(BPF_ARCH_$(ARCH)) -Iinclude -Ivmlinux/$(ARCH)

USER_SRCS = $(foreach d,$(USER_DIRS),$(wildcard $(d)/*.c))
USER_OBJS = $(patsubst user/%.c,$(OUTPUT)/user/%.o,$(USER_SRCS))
LIB_OBJS = $(filter-out $(OUTPUT)/user/main.o,$(USER_OBJS))
UNIT_SRCS = $(wildcard tests/unit/test_*.c)
UNIT_BINS = $(patsubst tests/unit/%.c,$(OUTPUT)/tests/%,$(UNIT_SRCS))

.PHONY: all test unit e2e deps test-deps run clean
ifdef CROSS
all: $(OUTPUT)/lookout
else
all: lookout
endif

$(OUTPUT)/bpf/lookout.bpf.o: bpf/lookout.bpf.c | $(OUTPUT)/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -MMD -MP -c $< -o $@

$(OUTPUT)/lookout.skel.h: $(OUTPUT)/bpf/lookout.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name lookout_bpf > $@.tmp && mv $@.tmp $@

# Every userspace object may include the skeleton; generate it first.
$(OUTPUT)/user/%.o: user/%.c $(OUTPUT)/lookout.skel.h | $(OUTPUT)/user
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(CFLAGS) -MMD -MP -c $< -o $@

# The commit the build is made from, rewritten only when it changes, so a plain
# make stays a no-op; "unknown" outside a git checkout (a source tarball).
$(OUTPUT)/commit.h: FORCE | $(OUTPUT)/user
	$(Q)c=$$(git rev-parse --short HEAD 2>/dev/null || echo unknown); \
	git diff --quiet HEAD -- 2>/dev/null || c="$$c-dirty"; \
	printf '#define LOOKOUT_COMMIT "%s"\n' "$$c" > $@.tmp; \
	cmp -s $@.tmp $@ && rm -f $@.tmp || mv -f $@.tmp $@
$(OUTPUT)/user/version.o: $(OUTPUT)/commit.h
.PHONY: FORCE
FORCE:

$(OUTPUT)/lookout: $(USER_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

lookout: $(OUTPUT)/lookout
	$(Q)cp $< $@.tmp && mv -f $@.tmp $@

$(OUTPUT)/tests/%: tests/unit/%.c $(LIB_OBJS) | $(OUTPUT)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -MMD -MP $< $(LIB_OBJS) $(LDLIBS) -lcmocka -o $@

$(OUTPUT)/bpf $(OUTPUT)/user $(OUTPUT)/tests:
	$(Q)mkdir -p $@

# Build and run only: the test suite's runtimes and servers are test-deps'.
# DEPS_FLAGS=--dry-run shows what either would install.
deps:
	$(Q)scripts/deps.sh $(if $(CROSS),--arch $(ARCH)) $(DEPS_FLAGS)

test-deps:
	$(Q)scripts/deps.sh --test $(DEPS_FLAGS)

# Under qemu-user (a cross build's unit tests) the suites that open files
# through openat2 cannot run: Debian 12's qemu 7.2 does not emulate it.
UNIT_NEEDS_OPENAT2 = test_options test_runtime test_snapshot
unit: $(UNIT_BINS)
	$(Q)set -e; for t in $(UNIT_BINS); do \
		if [ -n "$(RUN_TARGET)" ] && echo " $(UNIT_NEEDS_OPENAT2) " | grep -q " $${t##*/} "; then \
			echo "== $$t: skipped under $(RUN_TARGET) (no openat2 in qemu-user)"; continue; fi; \
		echo "== $$t"; $(RUN_TARGET) $$t; done

e2e: lookout
	$(Q)tests/e2e/run.sh

# The one command that passes the tests on a new machine: the plain build and
# its unit tests, the arm64 cross build and its unit tests under qemu-user (the
# end-to-end tests' arm64 VM boots its static build), a short run of every fuzz
# target (and its regression inputs),
# then everything again under AddressSanitizer and UndefinedBehaviorSanitizer,
# with the end-to-end tests driving that binary.
SAN_OUTPUT = $(OUTPUT)-san
test: test-deps
	$(Q)$(MAKE) --no-print-directory all unit
ifeq ($(HOST_ARCH),x86_64)
	$(Q)$(MAKE) --no-print-directory ARCH=arm64 all unit
endif
	$(Q)$(MAKE) --no-print-directory fuzz-ci
	$(Q)$(MAKE) --no-print-directory OUTPUT=$(SAN_OUTPUT) SANITIZE=1 $(SAN_OUTPUT)/lookout unit
	$(Q)LOOKOUT_BIN=$(CURDIR)/$(SAN_OUTPUT)/lookout ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 tests/e2e/run.sh

run: lookout
	./lookout

clean:
	$(Q)rm -rf $(OUTPUT) $(OUTPUT)-san $(if $(CROSS),,build-arm64 lookout)

include packaging/install.mk
-include fuzz/fuzz.mk

-include $(wildcard $(OUTPUT)/*/*.d $(OUTPUT)/user/*/*.d)
