# csocket's developer workflow.  `make demo` and `make test` are all a new machine needs: both
# run scripts/bootstrap first (idempotent), and every target prints the Python it uses.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
CC     ?= cc
CFLAGS_CORE := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Isrc/core
CORE_SRC := $(wildcard src/core/*.c)
CORE_HDR := $(wildcard src/core/*.h)
C_TESTS  := $(patsubst tests/c/%.c,build/tests/%,$(wildcard tests/c/test_*.c))

define say_python
	@echo "$(1): $$($(PY) -c 'import sys; print(sys.executable, sys.version.split()[0])')"
endef

.PHONY: help bootstrap build demo test test-c test-python stdlib-test test-matrix lint format clean \
        bench bench-quick bench-syscalls bench-deps stubtest dist test-dist docs

help:
	@echo "Start here"
	@echo "  make demo            set up, build, and show csocket at work beside the built-in module"
	@echo "  make test            C unit tests, CPython's socket suites (built-in vs csocket), API check, stubs, pytest"
	@echo "  make build           rebuild the extension in place (fails, and removes it, on a compile error)"
	@echo "  make docs            the documentation site in build/docs/html (warnings are errors)"
	@echo "  make bootstrap       only set up this machine (scripts/bootstrap: every target runs it first)"
	@echo "Parts of make test"
	@echo "  make test-c | test-python | stdlib-test | stubtest"
	@echo "Wider and longer"
	@echo "  make test-matrix     CPython 3.9-3.15 and Debian's python3: their own socket suites, check_api, pytest (nox; MATRIX=\"3.9 3.15\")"
	@echo "  make test-integration  httpx, urllib3, PyMySQL, websockets, aiohttp vs nginx/MariaDB, both modules"
	@echo "  make test-hardening  test-asan, test-refleak, test-valgrind and fuzz (fuzz-c, fuzz-python)"
	@echo "  make test-peers      anyio, gevent, httpx, aiohttp: their own suites on both modules (~7 min)"
	@echo "  make test-torture    every allocation and system call csocket makes, failed in turn (ASan, debug interpreter)"
	@echo "  make test-stress     torture tests at length, 10,000 connections, a multi-GiB soak (~10 min)"
	@echo "Benchmark (bench/, not in the installed package)"
	@echo "  make bench-quick     about a minute and a half: table, bench/results/latest.{json,png}"
	@echo "  make bench           ten rounds | make bench-syscalls  strace counts per operation"
	@echo "Packaging and housekeeping"
	@echo "  make dist            sdist and wheel in dist/ | make test-dist  install the sdist afresh, smoke test"
	@echo "  make lint            clang-format, cppcheck and ruff, all clean | make format  apply .clang-format"
	@echo "  make clean           remove build outputs"
	@echo "  (bench-deps, hardening-deps, integration-deps, peers-deps: what those targets install first)"

bootstrap:
	@PYTHON=$(PYTHON) VENV=$(VENV) scripts/bootstrap

build: bootstrap
	$(call say_python,build)
	@mkdir -p build
	@status=0; CSOCKET_WERROR=$${CSOCKET_WERROR:-1} $(PY) setup.py -q build_ext --inplace \
	     >build/build_ext.log 2>&1 || status=$$?; \
	 grep -v -e '^running' -e 'Warning' -e 'warnings.warn' build/build_ext.log || true; \
	 if [ $$status -ne 0 ]; then \
	     rm -f csocket/_csocket.*.so; \
	     echo "build: the extension did not compile (exit $$status; whole log: build/build_ext.log);" \
	          "the previous one is removed so nothing runs stale code" >&2; \
	     exit 1; \
	 fi
	@$(PY) -c 'import csocket._csocket'

demo: build
	$(call say_python,demo)
	@$(PY) -m csocket demo

# pytest runs last so that its summary is the last line CI prints.
test: build
	@$(MAKE) --no-print-directory test-c
	@$(MAKE) --no-print-directory stdlib-test
	@$(PY) tests/check_api.py
	@$(MAKE) --no-print-directory stubtest
	@$(MAKE) --no-print-directory test-python

build/tests/%: tests/c/%.c $(CORE_SRC) $(CORE_HDR)
	@mkdir -p build/tests
	@$(CC) $(CFLAGS_CORE) -o $@ $< $(CORE_SRC) -lcmocka -lpthread

test-c: $(C_TESTS)
	@echo "test-c: $(CC) $$($(CC) -dumpversion), cmocka"
	@set -e; for t in $(C_TESTS); do $$t; done

test-python: build
	$(call say_python,test-python)
	@$(PY) -m pytest -q tests/python

stdlib-test: build
	@$(PY) tests/stdlib/run_stdlib.py

# MATRIX="3.9 debian 3.15" runs only those interpreters' sessions; CSOCKET_MATRIX_SUITES="test_socket"
# only those stdlib suites.  3.14 and 3.15 run in the chroot of scripts/bootstrap-newer (root).
test-matrix: bootstrap
	@scripts/bootstrap-newer
	$(call say_python,test-matrix (nox))
	@$(PY) -m nox --no-color $(if $(MATRIX),-s $(foreach v,$(MATRIX),matrix-$(v)))

# make lint: the C formatted as .clang-format says, cppcheck's warnings (its Python and POSIX
# models, every #ifdef configuration), and ruff over every Python file.  Suppressed, with reasons:
# readdir (readdir_r is the deprecated one) and the resolver's getservby*/getprotobyname (the
# fallback where libc has no _r form, serialised by a mutex: src/core/resolve.c), and platform.h's
# __has_include tests, which cppcheck 2.17 (Debian 13) cannot evaluate (2.10, Debian 12, can), and
# 2.17's note that it analysed at its normal depth, which it counts as a finding.
C_LINT_SRC := src/core src/python tests/c bench fuzz
CPPCHECK := cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,portability,performance \
            --library=posix --library=python --inline-suppr -Isrc/core -Isrc/python -j2 \
            --suppress=missingIncludeSystem --suppress=readdirCalled \
            --suppress=getservbynameCalled:src/core/resolve.c \
            --suppress=getservbyportCalled:src/core/resolve.c \
            --suppress=getprotobynameCalled:src/core/resolve.c \
            --suppress=preprocessorErrorDirective:src/core/platform.h \
            --suppress=normalCheckLevelMaxBranches

lint:
	@PYTHON=$(PYTHON) VENV=$(VENV) EXTRAS=lint scripts/bootstrap
	@$(VENV)/bin/clang-format --dry-run --Werror src/core/*.[ch] src/python/*.[ch] tests/c/*.[ch] bench/*.[ch] fuzz/*.[ch]
	@echo "lint: clang-format $$($(VENV)/bin/clang-format --version | awk '{print $$3}') clean"
	@$(CPPCHECK) $(C_LINT_SRC)
	@echo "lint: cppcheck $$(cppcheck --version | cut -d' ' -f2) clean"
	@$(VENV)/bin/ruff check --quiet .
	@echo "lint: ruff $$($(VENV)/bin/ruff --version | cut -d' ' -f2) clean"

format:
	@PYTHON=$(PYTHON) VENV=$(VENV) EXTRAS=lint scripts/bootstrap
	@$(VENV)/bin/clang-format -i src/core/*.[ch] src/python/*.[ch] tests/c/*.[ch] bench/*.[ch] fuzz/*.[ch]

# The benchmark (bench/, not shipped): a C peer and a C-limit client beside the Python contenders.
BENCH_BIN := build/bench/peer build/bench/client

build/bench/%: bench/%.c bench/bench.h
	@mkdir -p build/bench
	@$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -o $@ $< -lpthread

bench-deps: build $(BENCH_BIN)
	@PYTHON=$(PYTHON) VENV=$(VENV) EXTRAS=test,bench scripts/bootstrap

bench: bench-deps
	$(call say_python,bench)
	@$(PY) -m bench

bench-quick: bench-deps
	$(call say_python,bench-quick)
	@$(PY) -m bench --quick

bench-syscalls: bench-deps
	$(call say_python,bench-syscalls)
	@$(PY) -m bench --syscalls

clean:
	rm -rf build dist csocket/*.so *.egg-info .mypy_cache

# The documentation site (docs/, Sphinx): every warning is an error, and the environment is
# read afresh (-E) so that the API pages' check of the stub sees every page.
docs: build
	@PYTHON=$(PYTHON) VENV=$(VENV) EXTRAS=docs scripts/bootstrap
	$(call say_python,docs)
	@$(PY) -m sphinx -W --keep-going -E -q -b html docs build/docs/html
	@echo "docs: build/docs/html/index.html"

# Adoption: type stubs checked against the built extension; sdist and wheel, and a
# fresh environment that installs the sdist.  CSOCKET=1 in the caller's environment would turn
# csocket on in every child process (the built-in side of the comparisons included): never pass it on.
unexport CSOCKET

stubtest: build
	$(call say_python,stubtest)
	@$(PY) scripts/stub_constants.py --check
	@$(PY) -m mypy.stubtest --mypy-config-file pyproject.toml csocket

dist: bootstrap
	$(call say_python,dist)
	@rm -rf dist && mkdir -p build
	@$(PY) -m build --outdir dist . >build/dist.log 2>&1 || { tail -n 30 build/dist.log; exit 1; }
	@ls -l dist | tail -n +2

test-dist: dist
	$(call say_python,test-dist)
	@$(PY) tests/dist/smoke.py dist/csocket-*.tar.gz

# Real clients: httpx, urllib3, PyMySQL, websockets and aiohttp against nginx, MariaDB
# and their own servers on loopback, each scenario on the built-in module and on csocket.
.PHONY: test-integration integration-deps

integration-deps:
	@PYTHON=$(PYTHON) VENV=$(VENV) scripts/bootstrap-integration

test-integration: integration-deps build
	$(call say_python,test-integration)
	@$(PY) -m pytest -q -p no:cacheprovider tests/integration

# Other projects' own suites: anyio, gevent, httpx and aiohttp from their sdists, each
# run on the built-in module and on csocket in a network namespace holding only lo, compared by
# JUnit XML.  About 7 minutes.  SUITES="anyio httpx" runs only those.
.PHONY: test-peers peers-deps

# The suites' many dependencies get a venv of their own: in the project's, setuptools-scm (which
# two suites build with) would put every tracked file into csocket's own sdist.
PEERS_VENV ?= .venv-peers

peers-deps:
	@PYTHON=$(PYTHON) VENV=$(PEERS_VENV) scripts/bootstrap-peers

test-peers: peers-deps build
	@echo "test-peers: $$($(PEERS_VENV)/bin/python -c 'import sys; print(sys.executable, sys.version.split()[0])')"
	@$(PEERS_VENV)/bin/python tests/peers/run_peers.py $(SUITES)

# Reliability under stress: the torture tests at length, then 10,000 concurrent
# connections (load.py) and a multi-GiB soak (soak.py); bounded, about 10 minutes.  Sizes come
# from the environment: CSOCKET_TORTURE_SECONDS, CSOCKET_BADINPUT_EXAMPLES, CSOCKET_SIGNAL_ROUNDS,
# CSOCKET_LOAD_CONNECTIONS / _SECONDS / _CLIENTS, CSOCKET_SOAK_SECONDS / _GIB.
.PHONY: test-stress
test-stress: build
	$(call say_python,test-stress)
	@CSOCKET_TORTURE_SECONDS=$${CSOCKET_TORTURE_SECONDS:-40} \
	 CSOCKET_BADINPUT_EXAMPLES=$${CSOCKET_BADINPUT_EXAMPLES:-300} \
	 CSOCKET_SIGNAL_ROUNDS=$${CSOCKET_SIGNAL_ROUNDS:-40} \
	 $(PY) -m pytest -q tests/python/test_threads.py tests/python/test_badinput.py \
	     tests/python/test_signal_torture.py tests/python/test_faults.py
	@$(PY) tests/stress/load.py
	@CSOCKET_SOAK_SECONDS=$${CSOCKET_SOAK_SECONDS:-150} CSOCKET_SOAK_GIB=$${CSOCKET_SOAK_GIB:-80} \
	 $(PY) tests/stress/soak.py

# ---- hardening: sanitizers, reference leaks, memcheck, fuzzing ----------------------
# Each builds csocket into a directory of its own under build/ (never the in-place extension).
FUZZ_SECONDS ?= 45
.PHONY: hardening-deps test-asan test-refleak test-valgrind fuzz fuzz-c fuzz-python test-hardening

hardening-deps:
	@scripts/bootstrap-hardening

test-asan: bootstrap hardening-deps
	@tests/hardening/run_asan.sh $(PY)

test-refleak: hardening-deps
	@tests/hardening/run_refleak.sh

test-valgrind: bootstrap hardening-deps
	@tests/hardening/run_valgrind.sh $(PY)

fuzz-c: hardening-deps
	@FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz/run.sh

fuzz-python: hardening-deps
	@PYTHON=$(PYTHON) VENV=$(VENV) EXTRAS=test,fuzz scripts/bootstrap
	@FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz/run_python.sh $(PY)

fuzz: fuzz-c fuzz-python

test-hardening: test-asan test-refleak test-valgrind fuzz

# Fault torture: the memcheck workload with each of csocket's allocations failed in turn (debug
# interpreter: references and descriptors checked after every run), and whole socket lifetimes
# with each system call failed in turn by an LD_PRELOAD shim (right exception or retry, no
# descriptor leaked, stream data checked at both ends, a deadline on every run).  Both ASan/UBSan.
.PHONY: test-torture
test-torture: bootstrap hardening-deps
	@tests/torture/run_torture.sh $(PY)
