# Cairn — the two commands:
#   make run    install what is missing, build a release binary, start cairn
#   make test   install what is missing, build with ASan/UBSan, run every test
# Everything else here serves those two.

JOBS       ?= 2
RELEASE    := build/release
CHECK      := build/asan
FUZZ       := build/fuzz
DATA       ?= $(CURDIR)/data
CONFIG     ?= $(CURDIR)/deploy/prometheus.yml
LISTEN     ?= :9090
FUZZ_SECONDS ?= 15
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_DIR ?= $(HOME)/.cache/ccache
# Objects built with -g in another checkout (a worktree, the bare-clone check)
# are reused: the working directory is not part of the hash.
export CCACHE_NOHASHDIR := 1

.PHONY: run test deps peers release check-build promql-build fuzz-build promql-test bare-clone-test fuzz unit bench clean

deps:
	@scripts/install-deps.sh build

peers:
	@scripts/install-deps.sh peers

$(RELEASE)/build.ninja: | deps
	cmake -S . -B $(RELEASE) -G Ninja -DCMAKE_BUILD_TYPE=Release -DCAIRN_TESTS=OFF

release: deps $(RELEASE)/build.ninja
	cmake --build $(RELEASE) -j $(JOBS)

# `release` builds every target, cairnctl (the admin CLI) next to cairn.
run: release
	@echo "cairnctl: $(RELEASE)/tools/cairnctl/cairnctl (docs/cairnctl.md)"
	mkdir -p $(DATA)
	$(RELEASE)/server/cairn --config.file=$(CONFIG) --storage.tsdb.path=$(DATA) \
	  --web.listen-address=$(LISTEN)

$(CHECK)/build.ninja: | deps
	cmake -S . -B $(CHECK) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCAIRN_SANITIZE=ON

check-build: deps peers $(CHECK)/build.ninja
	cmake --build $(CHECK) -j $(JOBS)

$(FUZZ)/build.ninja: | deps
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCAIRN_FUZZ=ON -DCAIRN_BENCH=OFF

fuzz-build: deps $(FUZZ)/build.ninja
	cmake --build $(FUZZ) -j $(JOBS) --target fuzz_targets

# Each fuzz target runs for a short fixed time on its checked-in seed corpus,
# $(JOBS) at a time.
fuzz: fuzz-build
	@tests/fuzz/run_all.sh $(FUZZ) $(FUZZ_SECONDS) $(JOBS)

promql-build: deps $(CHECK)/build.ninja
	cmake --build $(CHECK) -j $(JOBS) --target promql-test

# Cairn's own scripts (tests/promql/*.test), and Prometheus' upstream suite from
# PROMQL_TESTDATA (default ../shared/promql-testdata when it exists).
promql-test: promql-build
	@scripts/promql-tests.sh $(CHECK)/tools/promql-test

# The PromQL part again, from a clone of HEAD in an empty folder, as a user's
# bare clone runs it (no ../shared beside it).
bare-clone-test:
	@scripts/bare-clone-test.sh

unit: check-build
	cd $(CHECK) && ctest -j $(JOBS) --output-on-failure --timeout 900

# ctest runs last so its summary closes the output.
test: check-build
	@$(MAKE) --no-print-directory promql-test
	@$(MAKE) --no-print-directory bare-clone-test
	@$(MAKE) --no-print-directory fuzz
	cd $(CHECK) && ctest -j $(JOBS) --output-on-failure --timeout 900

bench: release
	@bench/run.sh $(RELEASE)

clean:
	rm -rf build
