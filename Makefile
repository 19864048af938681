# mod_wsgi-swift: the one entry point. `make serve` and `make test` work on a fresh Debian 12 as root.
SHELL := /bin/bash
# ./configure writes config.mk (APXS, PYTHON, PREFIX); a value on make's command line still wins.
-include config.mk
PREFIX ?= /usr/local
DESTDIR ?=
SWIFT ?= swift
APXS ?= /usr/bin/apxs
PYTHON ?= /usr/bin/python3
BUILD := build
# The Python the daemon embeds (Debian's), named in the module's messages.
PYTHON_VERSION = $(shell pkg-config --modversion python3-embed 2>/dev/null || echo 3)
SWIFT_FLAGS := -c release --static-swift-stdlib
APT_PACKAGES := apache2 apache2-dev libapr1-dev libaprutil1-dev python3-dev python3-pytest python3-venv \
                libapache2-mod-wsgi-py3 wrk curl procps git pkg-config

.PHONY: all deps build swift module install test unit-test c-test integration-test asan-worker-test fuzz \
        fuzz-smoke serve bench clean distclean FORCE

all: build

# Install what is missing, with one apt-get update first, and only when something is missing.
deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

build: swift module

swift: deps
	$(SWIFT) build $(SWIFT_FLAGS) --product mod_wsgi-daemon
	$(SWIFT) build $(SWIFT_FLAGS) --product mod_wsgi-express
	@mkdir -p $(BUILD)
	cp "$$($(SWIFT) build $(SWIFT_FLAGS) --show-bin-path)/mod_wsgi-daemon" $(BUILD)/
	cp "$$($(SWIFT) build $(SWIFT_FLAGS) --show-bin-path)/mod_wsgi-express" $(BUILD)/

# The Apache module, built by apxs into build/mod_wsgi-swift.so (a name of its own: Debian's
# libapache2-mod-wsgi-py3 owns mod_wsgi.so). It looks for mod_wsgi-daemon beside itself first.
MODULE_SOURCES := $(wildcard Sources/mod_wsgi/*.c)
MODULE_HEADERS := $(wildcard Sources/mod_wsgi/*.h)
module: deps $(BUILD)/mod_wsgi-swift.so
# The daemon's installed path is compiled in, and another apxs is another Apache: a different
# PREFIX or APXS rebuilds the module.
$(BUILD)/module-settings: FORCE
	@mkdir -p $(BUILD); printf '%s\n' '$(PREFIX)' '$(APXS)' | cmp -s - $@ || printf '%s\n' '$(PREFIX)' '$(APXS)' > $@
$(BUILD)/mod_wsgi-swift.so: $(MODULE_SOURCES) $(MODULE_HEADERS) $(BUILD)/module-settings
	rm -rf $(BUILD)/module && mkdir -p $(BUILD)/module
	cp $(MODULE_SOURCES) $(MODULE_HEADERS) $(BUILD)/module/
	cd $(BUILD)/module && $(APXS) -c -Wc,-Wall -Wc,-Werror -Wc,-O2 \
	  -Wc,-DWSGI_DAEMON_PATH='\"$(PREFIX)/libexec/mod_wsgi-swift/mod_wsgi-daemon\"' \
	  -Wc,-DWSGI_PYTHON_VERSION='\"$(PYTHON_VERSION)\"' \
	  -o mod_wsgi-swift.la $(notdir $(MODULE_SOURCES)) >/dev/null
	cp $(BUILD)/module/.libs/mod_wsgi-swift.so $@

APACHE_MODULES_DIR = $(shell $(APXS) -q LIBEXECDIR)
install: build
	install -d $(DESTDIR)$(APACHE_MODULES_DIR) $(DESTDIR)$(PREFIX)/libexec/mod_wsgi-swift $(DESTDIR)$(PREFIX)/bin
	install -m 0644 $(BUILD)/mod_wsgi-swift.so $(DESTDIR)$(APACHE_MODULES_DIR)/mod_wsgi-swift.so
	install -m 0755 $(BUILD)/mod_wsgi-daemon $(DESTDIR)$(PREFIX)/libexec/mod_wsgi-swift/mod_wsgi-daemon
	install -m 0755 $(BUILD)/mod_wsgi-express $(DESTDIR)$(PREFIX)/bin/mod_wsgi-express
	@# Debian's libapache2-mod-wsgi-py3 owns mods-available/wsgi.{load,conf}: never overwrite a
	@# package's file. Where it is installed ours becomes wsgi_swift (a2enmod wsgi_swift).
	install -d $(DESTDIR)/etc/apache2/mods-available
	name=wsgi; if dpkg-query -S /etc/apache2/mods-available/wsgi.load >/dev/null 2>&1; then name=wsgi_swift; fi; \
	sed 's|@MODULE@|$(APACHE_MODULES_DIR)/mod_wsgi-swift.so|' etc/debian/wsgi.load > $(DESTDIR)/etc/apache2/mods-available/$$name.load; \
	install -m 0644 etc/debian/wsgi.conf $(DESTDIR)/etc/apache2/mods-available/$$name.conf; \
	echo "installed mods-available/$$name.load: enable with a2enmod $$name"

test: build unit-test c-test integration-test asan-worker-test fuzz-smoke

unit-test: deps
	$(SWIFT) test

# The module's C: stub tests (fake and real worker, then under ASan/UBSan), real Apache with a fake
# daemon, directives.
c-test: build
	$(MAKE) -C apache-stub real-worker
	$(MAKE) -C apache-stub asan
	$(MAKE) -C apache-stub e2e
	$(PYTHON) -m pytest -q apache-stub/config

integration-test: build
	$(PYTHON) -m pytest -q Tests/Integration

# The worker built with AddressSanitizer, through the same wire-level tests as the real one (bodies,
# timeouts, a wsgi.input read after its request returned, ...). PYTHONMALLOC=malloc: pymalloc's
# arenas would hide Python's own heap from ASan.
asan-worker-test: deps
	$(SWIFT) build -c debug --sanitize=address --product mod_wsgi-daemon --scratch-path .build-asan
	cd Tests/tools && PYTHONMALLOC=malloc ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
	  MOD_WSGI_DAEMON=$(CURDIR)/.build-asan/debug/mod_wsgi-daemon $(PYTHON) -m pytest -q -p no:cacheprovider test_worker_e2e.py

# libFuzzer harnesses (ASan, UBSan) over every decoder of a peer's bytes, C and Swift (fuzz/README.md).
# Each runs FUZZ_SECONDS, one after the other; fails on any crash or sanitizer report. Output and
# corpora stay in build/fuzz. One harness: make fuzz FUZZ_TARGETS=read_frame FUZZ_SECONDS=600
FUZZ_SECONDS ?= 60
fuzz: deps
	$(MAKE) -C fuzz run FUZZ_SECONDS=$(FUZZ_SECONDS)

# Every harness briefly, so that make test catches a regression.
fuzz-smoke: deps
	$(MAKE) -C fuzz run FUZZ_SECONDS=10

# The working directory becomes the daemon's home, which www-data must be able to enter: the clone
# may sit under a mode-0700 folder, so serve from a fresh world-readable one.
serve: build
	@dir=$$(mktemp -d /tmp/mod_wsgi-swift-serve.XXXXXX) && chmod 755 $$dir && cd $$dir && \
	  exec $(CURDIR)/$(BUILD)/mod_wsgi-express start-server --host 127.0.0.1 --port 8000 \
	    --user www-data --group www-data --server-root $$dir/root --working-directory $$dir --log-to-terminal

bench: build
	$(PYTHON) bench/run.py

clean:
	rm -rf $(BUILD) .build .build-asan
	$(MAKE) -C apache-stub clean

distclean: clean
	rm -f config.mk
