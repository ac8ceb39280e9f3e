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
        bench bench-quick bench-syscalls bench-deps

help:
	@echo "make demo         set up, build, and show csocket at work beside the built-in module"
	@echo "make test         C unit tests, CPython's socket suites (built-in vs csocket), pytest"
	@echo "make build        rebuild the extension in place"
	@echo "make test-c | test-python | stdlib-test   one part of make test"
	@echo "make test-matrix  every CPython 3.9-3.13 here: its own test_socket and pytest (nox)"
	@echo "make lint | format   check or apply .clang-format to the C sources"
	@echo "make bench        csocket vs built-in vs C: table, bench/results/latest.{json,png}"
	@echo "make test-asan | test-refleak | test-valgrind | fuzz   hardening checks (test-hardening: all)"
	@echo "make bench-quick  the same in under two minutes | make bench-syscalls  strace counts"

bootstrap:
	@PYTHON=$(PYTHON) VENV=$(VENV) scripts/bootstrap

build: bootstrap
	$(call say_python,build)
	@$(PY) setup.py -q build_ext --inplace 2>&1 | grep -v -e '^running' -e 'Warning' -e 'warnings.warn' || true
	@$(PY) -c 'import csocket._csocket'

demo: build
	$(call say_python,demo)
	@$(PY) -m csocket demo

# pytest runs last so that its summary is the last line CI prints.
test: build
	@$(MAKE) --no-print-directory test-c
	@$(MAKE) --no-print-directory stdlib-test
	@$(PY) tests/check_api.py
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

test-matrix: bootstrap
	$(call say_python,test-matrix (nox))
	@$(PY) -m nox --no-color

lint:
	@clang-format --dry-run --Werror src/core/*.[ch] src/python/*.[ch] tests/c/*.c
	@echo "lint: clang-format clean"

format:
	@clang-format -i src/core/*.[ch] src/python/*.[ch] tests/c/*.c

# The benchmark (issue 9): a C peer and a C-limit client beside the Python contenders.
BENCH_BIN := build/bench/peer build/bench/client

build/bench/%: bench/%.c bench/bench.h
	@mkdir -p build/bench
	@$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -o $@ $< -lpthread

bench-deps: build $(BENCH_BIN)
	@PYTHON=$(PYTHON) VENV=$(VENV) EXTRAS=test,bench scripts/bootstrap

bench: bench-deps
	$(call say_python,bench)
	@$(PY) -m csocket bench

bench-quick: bench-deps
	$(call say_python,bench-quick)
	@$(PY) -m csocket bench --quick

bench-syscalls: bench-deps
	$(call say_python,bench-syscalls)
	@$(PY) -m csocket bench --syscalls

clean:
	rm -rf build csocket/*.so *.egg-info

# ---- hardening (issue 11): sanitizers, reference leaks, memcheck, fuzzing ----------------------
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
