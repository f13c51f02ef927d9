# SPDX-License-Identifier: GPL-2.0
# packaging/install.mk - install, uninstall, the static binary and the container image.
# Included from the main Makefile (include packaging/install.mk), which defines OUTPUT, Q,
# msg, CC, CFLAGS and USER_OBJS.
#
#   make install [PREFIX=/usr/local] [DESTDIR=]   ./lookout, lookout(8), the systemd unit,
#                                                 the logrotate snippet, bash completion,
#                                                 the Prometheus alert rules
#   make uninstall                                removes what install put there
#   make static                                   $(OUTPUT)/static/lookout: one static binary
#   make docker-image [IMAGE=lookout:latest]      a FROM-scratch image holding only it
#
# The unit's ExecStart names $(SBINDIR)/lookout; with another PREFIX the installed copy
# is rewritten to match. Units and logrotate snippets live where systemd and logrotate
# look, whatever PREFIX is: $(DESTDIR)/lib/systemd/system and $(DESTDIR)/etc/logrotate.d.

PREFIX ?= /usr/local
DESTDIR ?=
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
SYSTEMDUNITDIR ?= /lib/systemd/system
LOGROTATEDIR ?= /etc/logrotate.d
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
DOCDIR ?= $(PREFIX)/share/doc/lookout
INSTALL ?= install
IMAGE ?= lookout:latest
# The version is written once, in user/version.h; the installed manual page takes it.
VERSION := $(shell sed -n 's/^\#define LOOKOUT_VERSION "\(.*\)"$$/\1/p' user/version.h)

.PHONY: install uninstall static docker-image

install: lookout
	$(call msg,INSTALL,$(DESTDIR)$(SBINDIR)/lookout)
	$(Q)$(INSTALL) -d -m 0755 $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(LOGROTATEDIR) $(DESTDIR)$(BASHCOMPDIR) \
		$(DESTDIR)$(DOCDIR)/prometheus
	$(Q)$(INSTALL) -m 0755 lookout $(DESTDIR)$(SBINDIR)/lookout
	$(Q)$(INSTALL) -m 0644 packaging/bash-completion/lookout $(DESTDIR)$(BASHCOMPDIR)/lookout
	$(Q)$(INSTALL) -m 0644 packaging/prometheus/lookout-rules.yml \
		packaging/prometheus/lookout-rules.test.yml $(DESTDIR)$(DOCDIR)/prometheus/
	$(Q)sed '/^\.TH /s/"lookout [^"]*"/"lookout $(VERSION)"/' packaging/lookout.8 \
		> $(DESTDIR)$(MANDIR)/man8/lookout.8.tmp
	$(Q)chmod 0644 $(DESTDIR)$(MANDIR)/man8/lookout.8.tmp
	$(Q)mv -f $(DESTDIR)$(MANDIR)/man8/lookout.8.tmp $(DESTDIR)$(MANDIR)/man8/lookout.8
	$(Q)sed 's|/usr/local/sbin/lookout|$(SBINDIR)/lookout|g' packaging/lookout.service \
		> $(DESTDIR)$(SYSTEMDUNITDIR)/lookout.service.tmp
	$(Q)chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/lookout.service.tmp
	$(Q)mv -f $(DESTDIR)$(SYSTEMDUNITDIR)/lookout.service.tmp \
		$(DESTDIR)$(SYSTEMDUNITDIR)/lookout.service
	$(Q)$(INSTALL) -m 0644 packaging/lookout.logrotate $(DESTDIR)$(LOGROTATEDIR)/lookout
	@echo "  installed; as root: systemctl daemon-reload && systemctl enable --now lookout"

uninstall:
	$(call msg,RM,$(DESTDIR)$(SBINDIR)/lookout)
	$(Q)rm -f $(DESTDIR)$(SBINDIR)/lookout $(DESTDIR)$(MANDIR)/man8/lookout.8 \
		$(DESTDIR)$(SYSTEMDUNITDIR)/lookout.service $(DESTDIR)$(LOGROTATEDIR)/lookout \
		$(DESTDIR)$(BASHCOMPDIR)/lookout $(DESTDIR)$(DOCDIR)/prometheus/lookout-rules.yml \
		$(DESTDIR)$(DOCDIR)/prometheus/lookout-rules.test.yml
	$(Q)rmdir $(DESTDIR)$(DOCDIR)/prometheus $(DESTDIR)$(DOCDIR) 2>/dev/null || true

# ---------------------------------------------------------------------------
# Static binary
#
# Debian ships every library lookout links as a .a (libbpf, libelf, zlib, libzstd for
# libelf's compressed sections, json-c, libcap), except a usable libmicrohttpd.a: Debian's
# is built with HTTPS, so it needs GnuTLS and p11-kit, and p11-kit has no static
# library. lookout serves plain HTTP only, so libmicrohttpd is built here from Debian's own
# source package (the version of the installed libmicrohttpd-dev, Debian's patches
# applied) without TLS and without the features lookout does not use. apt fetches it
# with a private source list, leaving the system's apt configuration alone; apt checks
# the files against the signed index, so dpkg-source need not check the .dsc again.
#
# Needs: libzstd-dev, dpkg-dev, xz-utils and a reachable Debian mirror the first time.
# getaddrinfo() in a static glibc cannot load NSS modules: give --syslog and --metrics
# IP addresses, not names, when running the static binary.

STATIC_DIR = $(OUTPUT)/static
MHD_DIR = $(STATIC_DIR)/libmicrohttpd
MHD_LIB = $(MHD_DIR)/src/microhttpd/.libs/libmicrohttpd.a
MHD_DEB_VERSION = $(shell dpkg-query -W -f='$${source:Version}\n' libmicrohttpd-dev 2>/dev/null | head -n 1)
MHD_MIRROR ?= http://deb.debian.org/debian
MHD_SUITE ?= $(shell . /etc/os-release 2>/dev/null && echo $$VERSION_CODENAME)
STATIC_APT = -o Dir::Etc::SourceList=$(abspath $(STATIC_DIR))/apt/sources.list \
	     -o Dir::Etc::SourceParts=/nonexistent \
	     -o Dir::State::Lists=$(abspath $(STATIC_DIR))/apt/lists \
	     -o Dir::Cache::archives=$(abspath $(STATIC_DIR))/apt/archives
MHD_CONFIGURE = --disable-https --without-gnutls --disable-curl --enable-static \
		--disable-shared --disable-doc --disable-examples --disable-tools --disable-nls \
		--disable-dauth --disable-bauth --disable-postprocessor --disable-httpupgrade \
		--disable-cookie
# A cross build (make ARCH=arm64 static) configures it for the target.
MHD_HOST = $(if $(CROSS),--host=$(patsubst %-,%,$(CROSS_COMPILE)))
STATIC_LDLIBS = -Wl,--start-group -lbpf -lelf -lz -lzstd -ljson-c -lcap $(MHD_LIB) \
		-Wl,--end-group -lpthread

$(MHD_LIB):
	$(call msg,FETCH,libmicrohttpd $(MHD_DEB_VERSION) source)
	$(Q)test -n "$(MHD_DEB_VERSION)" || { echo "static: install libmicrohttpd-dev first" >&2; exit 1; }
	$(Q)rm -rf $(STATIC_DIR)/apt $(STATIC_DIR)/src $(MHD_DIR)
	$(Q)mkdir -p $(STATIC_DIR)/apt/lists/partial $(STATIC_DIR)/apt/archives/partial \
		$(STATIC_DIR)/src
	$(Q)for s in $(MHD_SUITE) $(MHD_SUITE)-updates; do \
		echo "deb-src $(MHD_MIRROR) $$s main"; done > $(STATIC_DIR)/apt/sources.list
	$(Q)echo "deb-src $(MHD_MIRROR)-security $(MHD_SUITE)-security main" \
		>> $(STATIC_DIR)/apt/sources.list
	$(Q)apt-get -q $(STATIC_APT) update >$(STATIC_DIR)/apt.log 2>&1 || \
		{ tail -5 $(STATIC_DIR)/apt.log >&2; exit 1; }
	$(Q)cd $(STATIC_DIR)/src && apt-get -q $(STATIC_APT) -o APT::Sandbox::User=root \
		source --download-only libmicrohttpd=$(MHD_DEB_VERSION) >>../apt.log 2>&1 || \
		{ tail -5 ../apt.log >&2; exit 1; }
	$(Q)dpkg-source --no-check -x $(STATIC_DIR)/src/libmicrohttpd_*.dsc $(MHD_DIR) \
		>>$(STATIC_DIR)/apt.log 2>&1
	$(call msg,BUILD,libmicrohttpd without TLS)
	$(Q)cd $(MHD_DIR) && ./configure --quiet $(MHD_CONFIGURE) $(MHD_HOST) CC="$(CC)" CFLAGS="-O2 -g" \
		>../configure.log 2>&1 || { tail -20 ../configure.log >&2; exit 1; }
	$(Q)$(MAKE) -s -C $(MHD_DIR)/src/microhttpd >$(STATIC_DIR)/mhd-build.log 2>&1 || \
		{ tail -20 $(STATIC_DIR)/mhd-build.log >&2; exit 1; }

# The skeleton and every object are the regular build's; only the link differs.
$(STATIC_DIR)/lookout: $(USER_OBJS) $(MHD_LIB)
	$(call msg,LINK,$@ (static))
	$(Q)$(CC) $(CFLAGS) -static $(USER_OBJS) $(STATIC_LDLIBS) -o $@ 2>$@.log || \
		{ cat $@.log >&2; exit 1; }
	$(Q)grep -v -e 'statically linked applications requires at runtime' \
		-e 'in function' $@.log >&2 || true

static: $(STATIC_DIR)/lookout

# The build context holds the binary and nothing else: no registry is needed.
docker-image: $(STATIC_DIR)/lookout
	$(call msg,DOCKER,$(IMAGE))
	$(Q)rm -rf $(OUTPUT)/docker && mkdir -p $(OUTPUT)/docker
	$(Q)cp $(STATIC_DIR)/lookout $(OUTPUT)/docker/lookout
	$(Q)strip $(OUTPUT)/docker/lookout
	$(Q)docker build -q -t $(IMAGE) -f packaging/Dockerfile $(OUTPUT)/docker
