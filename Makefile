# Gleisner: GNU make, no configure.  See README.md.

PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
LIBEXECDIR ?= $(PREFIX)/libexec/gleisner
DATADIR    ?= $(PREFIX)/share/gleisner
MANDIR     ?= $(PREFIX)/share/man
DESTDIR    ?=

CC         ?= cc
PKG_CONFIG ?= pkg-config
CFLAGS     ?= -O2 -g
WARNFLAGS  := -std=c17 -Werror -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
              -Wmissing-prototypes -Wformat=2 -Wvla
CPPFLAGS   += -D_GNU_SOURCE -Ilib -DGL_VERSION='"$(VERSION)"' \
              -DGL_DATADIR='"$(DATADIR)"'
PKGS       := libcrypto libnftnl libmnl inih yaml-0.1
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
JQ_LIBS    ?= -ljq
LDLIBS     += $(PKG_LIBS) $(JQ_LIBS)
VERSION    := 0.1.0

BUILD      ?= build
ifeq ($(SANITIZE),1)
B          := $(BUILD)-san
SANFLAGS   := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
B          := $(BUILD)
SANFLAGS   :=
endif
ALL_CFLAGS  = $(WARNFLAGS) $(CFLAGS) $(SANFLAGS) $(PKG_CFLAGS)
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS) -Wl,--as-needed

LIB_SRCS := $(sort $(wildcard lib/*.c))
LIB_OBJS := $(LIB_SRCS:lib/%.c=$(B)/lib/%.o)
TOOLS    := $(sort $(patsubst cmd/%.c,%,$(wildcard cmd/gl-*.c)))
BINS     := $(TOOLS:%=$(B)/%) $(B)/gleisner
UNIT_SRC := $(sort $(wildcard tests/unit/*_test.c))
UNITS    := $(UNIT_SRC:tests/unit/%.c=$(B)/unit/%)
MANPAGES := $(sort $(wildcard man/*.[1-8]))
SHELL_SRCS := cmd/gleisner .ci/run $(wildcard tests/*.bash tests/*/*.bash tests/*.sh tests/*/*.sh contrib/*.sh)
BATS_SUITES := $(sort $(wildcard tests/*.bats)) $(sort $(wildcard tests/golden/*.bats)) \
               $(sort $(wildcard tests/attacks/*.bats))

.PHONY: all check unit bats lint deps demo install uninstall clean bench
all: $(BINS)

$(B)/lib/%.o: lib/%.c $(wildcard lib/*.h)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(B)/libgl.a: $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(B)/gl-%: cmd/gl-%.c $(B)/libgl.a $(wildcard lib/*.h)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(B)/libgl.a $(LDLIBS)

# gl-jail loads OpenSSL only when a report needs it (lib/lazy/crypto.c)
$(B)/lazy/crypto.o: lib/lazy/crypto.c lib/gl.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(B)/gl-jail: cmd/gl-jail.c $(B)/lazy/crypto.o $(B)/libgl.a $(wildcard lib/*.h)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(B)/lazy/crypto.o $(B)/libgl.a \
	    $(LDLIBS) -ldl

$(B)/gleisner: cmd/gleisner
	@mkdir -p $(@D)
	sed 's/@VERSION@/$(VERSION)/' cmd/gleisner > $@.tmp && chmod 755 $@.tmp && mv $@.tmp $@

$(B)/unit/%: tests/unit/%.c $(B)/libgl.a $(wildcard lib/*.h)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(B)/libgl.a $(LDLIBS)

unit: $(UNITS)
	@set -e; for t in $(UNITS); do echo "unit: $$t"; $$t; done

bats: all
	@{ GL_BIN=$(abspath $(B)) bats --print-output-on-failure $(BATS_SUITES); \
	   echo $$? > $(B)/bats.rc; } | tee $(B)/bats.tap
	@printf 'bats: %s passed, %s failed, %s skipped\n' \
	    "$$(( $$(grep -Ec '^ok [0-9]+ ' $(B)/bats.tap) - $$(grep -Ec '^ok [0-9]+ .*# skip' $(B)/bats.tap) ))" \
	    "$$(grep -c '^not ok' $(B)/bats.tap)" \
	    "$$(grep -Ec '^ok [0-9]+ .*# skip' $(B)/bats.tap)"
	@exit $$(cat $(B)/bats.rc)

lint:
	mandoc -Tlint -W warning $(MANPAGES)
	shellcheck -s sh cmd/gleisner
	shellcheck $(filter-out cmd/gleisner,$(SHELL_SRCS))

check: all unit lint bats

deps:
	sh contrib/deps.sh

demo:
	sh contrib/demo.sh

bench: all
	GL_BIN=$(abspath $(B)) sh tests/bench/run.sh

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/profiles \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	install -m 755 $(BINS) $(DESTDIR)$(BINDIR)/
	install -m 644 profiles/*.ini $(DESTDIR)$(DATADIR)/profiles/
	install -m 644 $(filter %.1,$(MANPAGES)) $(DESTDIR)$(MANDIR)/man1/
	install -m 644 $(filter %.5,$(MANPAGES)) $(DESTDIR)$(MANDIR)/man5/

uninstall:
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,$(TOOLS) gleisner)
	rm -rf $(DESTDIR)$(DATADIR)
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(filter %.1,$(MANPAGES))))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man5/,$(notdir $(filter %.5,$(MANPAGES))))

clean:
	rm -rf build build-san
