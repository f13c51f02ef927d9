# lookout - build, test and run.
#   make            build ./lookout
#   make deps       install missing packages to build and run lookout
#   make test       install missing packages to test too, build, run unit and end-to-end tests
#   make run        build and start the live view
#   make V=1        show full commands
OUTPUT ?= build
ARCH ?= $(shell uname -m | sed 's/aarch64/arm64/')
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
CFLAGS += -Wall -Wextra -Werror -std=gnu11 -Iinclude -Iuser -I$(OUTPUT) $(SAN_FLAGS)
LDLIBS = -lbpf -lelf -lz -ljson-c -lcap -lmicrohttpd -lpthread
BPF_CFLAGS = -g -O2 -Wall -target bpf -D__TARGET_ARCH_x86 -Iinclude -Ivmlinux/$(ARCH)

USER_SRCS = $(wildcard user/*.c)
USER_OBJS = $(patsubst user/%.c,$(OUTPUT)/user/%.o,$(USER_SRCS))
LIB_OBJS = $(filter-out $(OUTPUT)/user/main.o,$(USER_OBJS))
UNIT_SRCS = $(wildcard tests/unit/test_*.c)
UNIT_BINS = $(patsubst tests/unit/%.c,$(OUTPUT)/tests/%,$(UNIT_SRCS))

.PHONY: all test unit e2e deps test-deps run clean
all: lookout

$(OUTPUT)/bpf/lookout.bpf.o: bpf/lookout.bpf.c | $(OUTPUT)/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -MMD -MP -c $< -o $@

$(OUTPUT)/lookout.skel.h: $(OUTPUT)/bpf/lookout.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name lookout_bpf > $@.tmp && mv $@.tmp $@

# Every userspace object may include the skeleton; generate it first.
$(OUTPUT)/user/%.o: user/%.c $(OUTPUT)/lookout.skel.h | $(OUTPUT)/user
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

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
	$(Q)scripts/deps.sh $(DEPS_FLAGS)

test-deps:
	$(Q)scripts/deps.sh --test $(DEPS_FLAGS)

unit: $(UNIT_BINS)
	$(Q)set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done

e2e: lookout
	$(Q)tests/e2e/run.sh

# The one command that passes the tests on a new machine: the plain build and
# its unit tests, a short run of every fuzz target (and its regression inputs),
# then everything again under AddressSanitizer and UndefinedBehaviorSanitizer,
# with the end-to-end tests driving that binary.
SAN_OUTPUT = $(OUTPUT)-san
test: test-deps
	$(Q)$(MAKE) --no-print-directory all unit
	$(Q)$(MAKE) --no-print-directory fuzz-ci
	$(Q)$(MAKE) --no-print-directory OUTPUT=$(SAN_OUTPUT) SANITIZE=1 $(SAN_OUTPUT)/lookout unit
	$(Q)LOOKOUT_BIN=$(CURDIR)/$(SAN_OUTPUT)/lookout ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 tests/e2e/run.sh

run: lookout
	./lookout

clean:
	$(Q)rm -rf $(OUTPUT) $(OUTPUT)-san lookout

include packaging/install.mk
-include fuzz/fuzz.mk

-include $(wildcard $(OUTPUT)/*/*.d)
