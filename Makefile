# xfa - signed, tamper-evident archive for petition cases.
#
#   make            build build/xfa
#   make demo       install what is missing, build, run the demo archive
#   make check      install what is missing, run every test (unit, end-to-end,
#                   sanitizers, schema test suite, short fuzz runs)
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
LIBS      = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm -pthread
CHECK_LIBS = $(shell pkg-config --libs check 2>/dev/null)

# Debian packages the build and the tests need.  `make deps` installs the missing ones.
DEB_PKGS = build-essential pkg-config libgit2-dev libsodium-dev libarchive-dev \
           libjansson-dev libssl-dev check git openssh-client libarchive-tools \
           python3 python3-jsonschema json-schema-test-suite valgrind clang \
           libclang-rt-14-dev chromium fonts-wqy-zenhei \
           libssh2-1-dev openssh-server lighttpd openssl

LIB_SRC  = $(sort $(wildcard archive/*.c))
CLI_SRC  = $(sort $(wildcard cli/*.c))
TEST_SRC = $(sort $(filter-out tests/check_main.c,$(wildcard tests/check_*.c)))
SCHEMAS  = $(sort $(shell find schemas -name '*.json' 2>/dev/null))

LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/embedded.o
CLI_OBJ  = $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_OBJ = $(TEST_SRC:%.c=$(BUILD)/%.o) $(BUILD)/tests/check_main.o

.PHONY: all deps demo check check-unit check-e2e check-asan check-schema-suite \
        check-fuzz bench fuzz soak install clean

all: $(BUILD)/xfa

$(BUILD)/%.o: %.c $(wildcard archive/*.h cli/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(XCFLAGS) -c $< -o $@

# Schemas and workflow data are compiled into the library: the C code
# validates against exactly the files in schemas/.
$(BUILD)/gen/embedded.c: $(SCHEMAS) archive/embed.sh
	@mkdir -p $(dir $@)
	sh archive/embed.sh schemas $(SCHEMAS) > $@.tmp && mv $@.tmp $@
$(BUILD)/gen/embedded.o: $(BUILD)/gen/embedded.c
	$(CC) $(CFLAGS) $(XCFLAGS) -c $< -o $@

$(BUILD)/libxfa.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/xfa: $(CLI_OBJ) $(BUILD)/libxfa.a
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
	$(MAKE) check-unit check-e2e check-schema-suite
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
check-asan:
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	XFA_CRASH_KILLS=$${XFA_CRASH_KILLS:-40} XFA_CRASH_CUTS=$${XFA_CRASH_CUTS:-8} \
	XFA_PARALLEL_N=$${XFA_PARALLEL_N:-60} \
	$(MAKE) BUILD=build/asan CC=clang CFLAGS="-O1 -g $(SAN_FLAGS)" check-unit check-e2e

check-fuzz:
	sh tests/fuzz/run.sh check

# The unit tests under valgrind's memcheck, in one process (slow: not part
# of `make check`; CK_RUN_SUITE=name runs one suite).
check-valgrind: $(BUILD)/check_xfa $(BUILD)/xfa
	CK_FORK=no CK_DEFAULT_TIMEOUT=3600 \
	XFA_SCHEMA_SUITE=/usr/share/json-schema-test-suite/tests/draft7 \
	valgrind -q --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite \
		--suppressions=tests/valgrind.supp $(BUILD)/check_xfa

fuzz:
	sh tests/fuzz/run.sh long

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

install: $(BUILD)/xfa
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(BUILD)/xfa $(DESTDIR)$(PREFIX)/bin/xfa
	install -m 0644 cli/xfa.1 $(DESTDIR)$(PREFIX)/share/man/man1/xfa.1

clean:
	rm -rf build
