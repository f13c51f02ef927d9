# SPDX-License-Identifier: GPL-2.0
# fuzz/fuzz.mk - libFuzzer targets for every parser and writer that takes outside data.
# Included from the main Makefile (-include fuzz/fuzz.mk), which defines OUTPUT, Q, msg.
#
#   make fuzz          build every fuzz/fuzz_<name>.c into $(OUTPUT)/fuzz/fuzz_<name>, then
#                      run each for FUZZ_SECONDS (default 60); make -j2 fuzz runs two at once
#   make fuzz-ci       replay tests/fuzz-regressions/<name>/, then run each for 10 s
#   make fuzz-build    only build
#
# Each run prints its executions and whether it crashed; the target fails if one did.
# A crash input is in $(OUTPUT)/fuzz/artifacts/<name>/: fix the bug, then keep the input
# in tests/fuzz-regressions/<name>/ so fuzz-ci replays it. Seeds are in fuzz/corpus/<name>/.
#
# The targets link the user/ sources compiled with the fuzzing flags into one archive, so
# each pulls in only what it calls; main.c, loader.c and anything else that includes the
# BPF skeleton needs libbpf and is left out.

ifndef LOOKOUT_FUZZ_MK
LOOKOUT_FUZZ_MK := 1
_fuzz_default_goal := $(.DEFAULT_GOAL)

OUTPUT ?= build
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_CI_SECONDS ?= 10
FUZZ_CFLAGS ?= -g -O1
FUZZ_WERROR ?= -Werror
# -lbpf: --version names the libbpf it runs with (user/version.c)
FUZZ_LDLIBS ?= -ljson-c -lbpf
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_USER_DIRS = user user/cgroup user/runtime user/output user/commands
FUZZ_ALL_CFLAGS = $(FUZZ_CFLAGS) -Wall -Wextra $(FUZZ_WERROR) -std=gnu11 -Iinclude \
		  $(addprefix -I,$(FUZZ_USER_DIRS)) -Ifuzz $(FUZZ_SAN)

FUZZ_DIR = $(OUTPUT)/fuzz
FUZZ_NAMES = $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c))
FUZZ_BINS = $(patsubst %,$(FUZZ_DIR)/fuzz_%,$(FUZZ_NAMES))
FUZZ_RESULTS = $(patsubst %,$(FUZZ_DIR)/results/%,$(FUZZ_NAMES))
FUZZ_USER_SRCS = $(foreach d,$(FUZZ_USER_DIRS),$(wildcard $(d)/*.c))
FUZZ_LIB_SRCS = $(filter-out user/main.c user/loader.c \
			     $(shell grep -l lookout.skel.h $(FUZZ_USER_SRCS) 2>/dev/null),$(FUZZ_USER_SRCS))
FUZZ_LIB_OBJS = $(patsubst user/%.c,$(FUZZ_DIR)/obj/user/%.o,$(FUZZ_LIB_SRCS))
FUZZ_LIB = $(FUZZ_DIR)/liblookout-fuzz.a

.PHONY: fuzz fuzz-ci fuzz-build fuzz-clean _fuzz_force

$(FUZZ_DIR)/obj/user/%.o: user/%.c | $(FUZZ_DIR)/obj/user
	$(call msg,CC-FUZZ,$@)
	$(Q)mkdir -p $(@D) && $(FUZZ_CC) $(FUZZ_ALL_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(FUZZ_DIR)/obj/fuzz_%.o: fuzz/fuzz_%.c | $(FUZZ_DIR)/obj/user
	$(call msg,CC-FUZZ,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_ALL_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(FUZZ_LIB): $(FUZZ_LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/obj/fuzz_%.o $(FUZZ_LIB)
	$(call msg,LINK,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_ALL_CFLAGS) -fsanitize=fuzzer $^ $(FUZZ_LDLIBS) -o $@

$(FUZZ_DIR)/obj/user:
	$(Q)mkdir -p $@

# One result line per target; make -j2 runs two targets at a time.
$(FUZZ_DIR)/results/%: $(FUZZ_DIR)/fuzz_% _fuzz_force
	$(Q)sh fuzz/run.sh $(if $(FUZZ_REPLAY),--replay) $< $* $(FUZZ_SECONDS) $(FUZZ_DIR) $@

# Built through pattern rules only: keep them, make would delete them as intermediates.
.SECONDARY: $(FUZZ_BINS) $(patsubst %,$(FUZZ_DIR)/obj/fuzz_%.o,$(FUZZ_NAMES))

fuzz-build: $(FUZZ_BINS)

fuzz: $(FUZZ_RESULTS)
	$(Q)! grep -l CRASH $(FUZZ_RESULTS) >/dev/null || \
		{ echo "fuzz: crashed: $$(grep -l CRASH $(FUZZ_RESULTS) | xargs -n1 basename | xargs)" >&2; \
		  exit 1; }

fuzz-ci: FUZZ_SECONDS = $(FUZZ_CI_SECONDS)
fuzz-ci: FUZZ_REPLAY = 1
fuzz-ci: fuzz

fuzz-clean:
	$(Q)rm -rf $(FUZZ_DIR)

-include $(wildcard $(FUZZ_DIR)/obj/*.d $(FUZZ_DIR)/obj/user/*.d $(FUZZ_DIR)/obj/user/*/*.d)

# Including this file must not change what a plain `make` builds.
.DEFAULT_GOAL := $(_fuzz_default_goal)
endif
