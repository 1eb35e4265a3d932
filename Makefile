# xfa - signed, tamper-evident archive for petition cases.
#
#   make            build build/xfa (stops with one line naming `make deps`
#                   when a library it needs is missing); libraries linked
#                   statically, `make LINK=shared` for the shared ones
#   make deps       install the Debian packages the build and tests need
#   make demo       install what is missing, build, run the demo archive
#   make check      install what is missing, run every test (unit, end-to-end,
#                   sanitizers (against the shared libraries), schema test
#                   suite, message catalogue, short fuzz runs)
#   make bench      benchmarks (tests/bench); `make bench QUICK=1` for a short run
#   make fuzz       longer fuzz runs (FUZZ_SECONDS per target)
#   make soak       longer crash and race runs
#   make install PREFIX=/usr/local

PREFIX   ?= /usr/local
BUILD    ?= build
CC       ?= cc
PKGS      = libgit2 libssh2 libsodium libcrypto libarchive jansson
SAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

CFLAGS   ?= -O2 -g
XCFLAGS   = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
            -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wno-missing-field-initializers -pthread \
            -iquote archive -I$(BUILD)/gen $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(EXTRA_CFLAGS)
# libarchive is not linked: archive/bagit_lib.c opens it on first use, so
# that processes which write no package do not load it and its twelve
# libraries (its headers are used, and it must be installed).
LINK_PKGS = $(filter-out libarchive,$(PKGS))
# LINK=static (the default) links libgit2, libssh2, libsodium, libcrypto and
# jansson, with libgit2's mbedTLS, http-parser, PCRE2 and zlib, from
# Debian's static archives into the executable: a process then maps 9 shared
# libraries instead of 22, and `xfa help` takes half the time (README,
# "Dependencies").  The C library, GSSAPI (Kerberos, which libgit2 needs and
# Debian ships only shared) and libarchive (opened on first use) stay
# shared.  In this mode libgit2's call to mbedtls_x509_crt_parse_file is
# redirected with --wrap (archive/store_ca.c).  LINK=shared links the shared
# libraries, as a distribution that patches them in place would.
LINK     ?= static
SYS_LIBS  = -lrt -ldl -lm -pthread -lpthread
ifeq ($(LINK),static)
STATIC_LIBS = $(filter-out $(SYS_LIBS),$(shell pkg-config --static --libs $(LINK_PKGS) 2>/dev/null))
LIBS      = -Wl,--wrap=mbedtls_x509_crt_parse_file -Wl,-Bstatic $(STATIC_LIBS) -Wl,-Bdynamic \
            $(shell pkg-config --libs krb5-gssapi 2>/dev/null) -ldl -lm -pthread
XCFLAGS  += -DXFA_STATIC_LINK
HAVE_PKGS = $(PKGS) krb5-gssapi
else ifeq ($(LINK),shared)
LIBS      = $(shell pkg-config --libs $(LINK_PKGS) 2>/dev/null) -lm -pthread
HAVE_PKGS = $(PKGS)
else
$(error LINK is static or shared, not '$(LINK)')
endif
CHECK_LIBS = $(shell pkg-config --libs check 2>/dev/null)

# Debian packages the build and the tests need.  `make deps` installs the missing ones.
DEB_PKGS = build-essential pkg-config libgit2-dev libsodium-dev libarchive-dev \
           libjansson-dev libssl-dev check git openssh-client libarchive-tools \
           python3 python3-jsonschema json-schema-test-suite valgrind clang \
           libclang-rt-14-dev chromium fonts-wqy-zenhei gettext locales \
           man-db groff-base poppler-utils \
           libssh2-1-dev openssh-server lighttpd lighttpd-mod-openssl openssl \
           ca-certificates strace libkrb5-dev

LIB_SRC  = $(sort $(wildcard archive/*.c))
CLI_SRC  = $(sort $(wildcard cli/*.c))
TEST_SRC = $(sort $(filter-out tests/check_main.c,$(wildcard tests/check_*.c)))
SCHEMAS  = $(sort $(shell find schemas -name '*.json' 2>/dev/null))

LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/embedded.o
CLI_OBJ  = $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_OBJ = $(TEST_SRC:%.c=$(BUILD)/%.o) $(BUILD)/tests/check_main.o

.PHONY: all pot check-po have-deps deps demo check check-unit check-e2e check-asan check-schema-suite \
        check-fuzz bench fuzz soak install clean print-pkgs print-link-pkgs

all: $(BUILD)/xfa

# Messages: GNU gettext, text domain "xfa".  The catalogue is compiled next
# to the binary ($(BUILD)/locale, found there when run from the build tree)
# and installed under $(PREFIX)/share/locale.
LOCALEDIR = $(PREFIX)/share/locale
PO        = $(sort $(wildcard cli/po/*.po))
MO        = $(PO:cli/po/%.po=$(BUILD)/locale/%/LC_MESSAGES/xfa.mo)
$(BUILD)/locale/%/LC_MESSAGES/xfa.mo: cli/po/%.po
	@mkdir -p $(dir $@)
	msgfmt --check -o $@.tmp $< && mv $@.tmp $@
$(BUILD)/cli/i18n.o: XCFLAGS += -DXFA_LOCALEDIR='"$(LOCALEDIR)"'

# `make pot` refreshes the template from the sources (xgettext) and merges
# it into each catalogue (msgmerge), as git's `make pot` does.  XGETTEXT
# DIR writes DIR/xfa.pot (the verify reason texts come from verify.c's
# table through DIR/verify_reasons.c).
define XGETTEXT
	@mkdir -p $(1)
	sed -n 's/^\t{ "[a-z-]*", \("[^"]*"\) },$$/N_(\1)/p' archive/verify.c > $(1)/verify_reasons.c
	xgettext --from-code=UTF-8 --language=C --add-comments=TRANSLATORS \
	  --keyword=_ --keyword=N_ --keyword=xfa_tr --keyword=cli_fail:2 --keyword=cli_usage:2 \
	  --keyword=xfa_error_set:2 --keyword=xfa_error_wrap:2 --keyword=fail:3 \
	  --keyword=store_fail:2 --keyword=reject:2 --keyword=schema_fatal:3 --keyword=bad:2 \
	  --keyword=found:4 --keyword=find:4 --keyword=note:2 --keyword=xfa_vx_find:4 --keyword=xfa_verify_find:6 \
	  --keyword=ngettext:1,2 --keyword=C_:1c,2 --flag=cli_fail:2:c-format --flag=cli_usage:2:c-format \
	  --flag=xfa_error_set:2:c-format --flag=xfa_error_wrap:2:c-format --flag=fail:3:c-format \
	  --flag=reject:2:c-format --flag=schema_fatal:3:c-format --flag=bad:2:c-format \
	  --flag=found:4:c-format --flag=find:4:c-format --flag=note:2:c-format --flag=xfa_vx_find:4:c-format \
	  --flag=xfa_verify_find:6:c-format \
	  -o $(1)/xfa.pot $(CLI_SRC) $(LIB_SRC) $(1)/verify_reasons.c
endef

pot:
	$(call XGETTEXT,$(BUILD))
	for p in $(PO); do msgmerge -q --update --backup=none --no-fuzzy-matching $$p $(BUILD)/xfa.pot; done

# The catalogues keep up with the sources: a fresh template (in the build
# folder; the sources are not touched) merged into a copy of each catalogue
# leaves no message untranslated or fuzzy, and msgfmt --check accepts it.
# A message marked in the sources but not translated fails here, named.
check-po:
	$(call XGETTEXT,$(BUILD)/po)
	@fail=0; for p in $(PO); do \
	  c=$(BUILD)/po/$$(basename $$p); \
	  msgmerge -q --no-fuzzy-matching -o $$c $$p $(BUILD)/po/xfa.pot || exit 1; \
	  msgfmt --check --statistics -o /dev/null $$c || fail=1; \
	  for kind in untranslated only-fuzzy; do \
	    left=$$(msgattrib --$$kind --no-obsolete --no-wrap $$c | sed '1,/^$$/d' | grep -v '^msgstr'); \
	    if [ -n "$$left" ]; then \
	      echo "check-po: $$p: messages $$kind (run make pot and translate them):" >&2; \
	      printf "%s\n" "$$left" >&2; fail=1; \
	    fi; \
	  done; \
	done; \
	[ $$fail = 0 ] && echo "check-po: every message of $(PO) is translated"

# A fresh machine lacks the -dev packages: say so in one line, before the
# compiler says "jansson.h: No such file or directory".
have-deps:
	@missing=""; for p in $(HAVE_PKGS); do pkg-config --exists $$p 2>/dev/null || missing="$$missing $$p"; done; \
	command -v msgfmt > /dev/null || missing="$$missing msgfmt(gettext)"; \
	if [ -n "$$missing" ]; then \
	  echo "make: missing libraries:$$missing; run 'make deps' (as root, Debian 12) to install them, then 'make'" >&2; exit 1; \
	fi

$(BUILD)/%.o: %.c $(wildcard archive/*.h cli/*.h) | have-deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(XCFLAGS) -c $< -o $@

# Schemas and workflow data are compiled into the library: the C code
# validates against exactly the files in schemas/.
$(BUILD)/gen/embedded.c: $(SCHEMAS) archive/embed.sh
	@mkdir -p $(dir $@)
	sh archive/embed.sh schemas $(SCHEMAS) > $@.tmp && mv $@.tmp $@
$(BUILD)/gen/embedded.o: $(BUILD)/gen/embedded.c | have-deps
	$(CC) $(CFLAGS) $(XCFLAGS) -c $< -o $@

$(BUILD)/libxfa.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/xfa: $(CLI_OBJ) $(BUILD)/libxfa.a | $(MO)
	$(CC) $(CFLAGS) $(XCFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libxfa.a $(LIBS)

# The unit-test runner finds every `Suite *name_suite(void)` in tests/check_*.c.
$(BUILD)/gen/suites.h: $(TEST_SRC)
	@mkdir -p $(dir $@)
	@sed -n 's/^Suite \*\([a-z0-9_]*_suite\)(void)$$/SUITE(\1)/p' $(TEST_SRC) > $@.tmp && mv $@.tmp $@
$(BUILD)/tests/check_main.o: $(BUILD)/gen/suites.h
$(BUILD)/check_xfa: $(TEST_OBJ) $(BUILD)/libxfa.a
	$(CC) $(CFLAGS) $(XCFLAGS) -o $@ $(TEST_OBJ) $(BUILD)/libxfa.a $(LIBS) $(CHECK_LIBS)

deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing \
	    || { echo "make: cannot install:$$missing (run as root on Debian 12)" >&2; exit 1; }; \
	fi

demo: deps
	$(MAKE) all
	sh tests/demo/demo.sh $(BUILD)/xfa $(BUILD)/demo

check: deps
	$(MAKE) check-unit check-e2e check-schema-suite check-po
	$(MAKE) check-asan
	$(MAKE) check-fuzz

check-unit: $(BUILD)/check_xfa $(BUILD)/xfa
	XFA_SCHEMA_SUITE=/usr/share/json-schema-test-suite/tests/draft7 $(BUILD)/check_xfa

check-e2e: $(BUILD)/xfa $(BUILD)/sshsign $(BUILD)/sktool
	sh tests/e2e/run.sh $(BUILD)/xfa

# Test tool: signs like `ssh-keygen -Y sign` with xfa key files (tamper tests).
$(BUILD)/sshsign: $(BUILD)/tests/e2e/sshsign.o $(BUILD)/libxfa.a
	$(CC) $(CFLAGS) $(XCFLAGS) -o $@ $< $(BUILD)/libxfa.a $(LIBS)

# Test tool: a software FIDO2 key (sk-ssh-ed25519) signing as PROTOCOL.u2f
# says, as ssh-keygen -Y sign and as an ssh-agent (t_agent).
$(BUILD)/sktool: $(BUILD)/tests/e2e/sktool.o
	$(CC) $(CFLAGS) $(XCFLAGS) -o $@ $< $(LIBS)

# Benchmark of xfa export and verify-export (tests/bench/export.c).
$(BUILD)/bench_export: $(BUILD)/tests/bench/export.o $(BUILD)/libxfa.a
	$(CC) $(CFLAGS) $(XCFLAGS) -o $@ $< $(BUILD)/libxfa.a $(LIBS)

check-schema-suite:
	/usr/bin/python3 tests/schemas_selftest.py schemas

# The same unit and end-to-end tests, built with AddressSanitizer and UBSan.
# The plain run already made the full count of kills and racing events; here
# fewer of each keep `make check` within its time.
# Under the sanitizers xfa is linked against the shared libraries
# (LINK=shared), so both ways to link run every test: Debian's static
# archives have no frame pointers, and LeakSanitizer could not follow a leak
# out of them to the library that tests/lsan.supp names.
check-asan:
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	XFA_CRASH_KILLS=$${XFA_CRASH_KILLS:-40} XFA_CRASH_CUTS=$${XFA_CRASH_CUTS:-8} \
	XFA_PARALLEL_N=$${XFA_PARALLEL_N:-60} \
	$(MAKE) BUILD=build/asan LINK=shared CC=clang CFLAGS="-O1 -g $(SAN_FLAGS)" check-unit check-e2e

check-fuzz:
	FUZZ_PKGS="$(PKGS)" FUZZ_LINK_PKGS="$(LINK_PKGS)" sh tests/fuzz/run.sh check

# The libraries libxfa links with, for scripts that build outside make.
print-pkgs:
	@echo $(PKGS)

print-link-pkgs:
	@echo $(LINK_PKGS)

# The unit tests under valgrind's memcheck, in one process (slow: not part
# of `make check`; CK_RUN_SUITE=name runs one suite).
check-valgrind: $(BUILD)/check_xfa $(BUILD)/xfa
	CK_FORK=no CK_DEFAULT_TIMEOUT=3600 \
	XFA_SCHEMA_SUITE=/usr/share/json-schema-test-suite/tests/draft7 \
	valgrind -q --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite \
		--suppressions=tests/valgrind.supp $(BUILD)/check_xfa

fuzz:
	FUZZ_PKGS="$(PKGS)" FUZZ_LINK_PKGS="$(LINK_PKGS)" sh tests/fuzz/run.sh long

# Benchmarks: every tests/bench/NAME.c is one program $(BUILD)/bench/NAME.
# A program that does not build is reported "not built" by run.sh.
BENCH_SRC = $(sort $(wildcard tests/bench/*.c))
BENCH_BIN = $(BENCH_SRC:tests/bench/%.c=$(BUILD)/bench/%)
$(BUILD)/bench/%: tests/bench/%.c tests/bench/bench.h $(BUILD)/libxfa.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(XCFLAGS) -iquote tests/bench -o $@ $< $(BUILD)/libxfa.a $(LIBS)

bench: $(BUILD)/xfa
	-$(MAKE) -k $(BENCH_BIN)
	sh tests/bench/run.sh $(BUILD) $(if $(QUICK),--quick)

soak: $(BUILD)/xfa
	XFA_SOAK=1 sh tests/e2e/run.sh $(BUILD)/xfa

# The binary, xfa(1) and the format pages xfa-*(5), the message
# catalogues, and bash completion (where bash-completion looks on demand).
MAN5 = $(sort $(wildcard cli/*.5))
COMPLETIONDIR = $(PREFIX)/share/bash-completion/completions
install: $(BUILD)/xfa $(MO)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(COMPLETIONDIR)
	install -m 0755 $(BUILD)/xfa $(DESTDIR)$(PREFIX)/bin/xfa
	install -m 0644 cli/xfa.1 $(DESTDIR)$(PREFIX)/share/man/man1/xfa.1
	for m in $(MAN5); do install -m 0644 $$m $(DESTDIR)$(PREFIX)/share/man/man5/; done
	for l in $(PO:cli/po/%.po=%); do \
	  install -d $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES && \
	  install -m 0644 $(BUILD)/locale/$$l/LC_MESSAGES/xfa.mo $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/xfa.mo || exit 1; \
	done
	install -m 0644 cli/xfa.bash-completion $(DESTDIR)$(COMPLETIONDIR)/xfa

clean:
	rm -rf build
