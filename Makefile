# Conveniences around the CMake build. The two commands of the quick start:
#   make demo   install what is missing, build, run the baseline scenario, report it
#   make test   install what is missing, build, run every test
# make test also builds the aandacht binary with MPI in $(MPI_BUILD) for the
# mpirun tests (tests/python/test_sweep_mpi.py). make test-slurm (as root)
# makes this machine a one-node Slurm cluster and tests scripts/slurm/ on it.
MAKEFLAGS += --no-print-directory
BUILD ?= build
MPI_BUILD ?= $(BUILD)-mpi
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=

.PHONY: all deps deps-mpi build build-mpi demo test test-c test-python test-long validate fuzz bench asan tsan install clean docs

all: build

deps:
	@sh tools/install-deps

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

deps-mpi:
	@sh tools/install-deps --with-mpi

# the binary alone, Release, with -DAANDACHT_MPI=ON (docs/hpc.md)
build-mpi: deps-mpi
	@cmake -S . -B $(MPI_BUILD) -DCMAKE_BUILD_TYPE=Release -DAANDACHT_MPI=ON -DAANDACHT_TESTS=OFF >/dev/null
	@cmake --build $(MPI_BUILD) -j $(JOBS) --target aandacht

demo: build
	$(BUILD)/aandacht run scenarios/baseline.cfg --force
	$(BUILD)/aandacht report out/baseline.h5 -o out/baseline_report
	@echo "The baseline's report: $(CURDIR)/out/baseline_report/report.html (open it in a browser;"
	@echo "charts for slides in out/baseline_report/charts/, CSV files in out/baseline_report/data/)"

# the baseline in the explorer: a local web page with sliders and live charts
# (README, a strategist's steps); EXPLORE_FLAGS=--open also opens the browser
.PHONY: explore
EXPLORE_FLAGS ?=
explore: build
	$(BUILD)/aandacht explore scenarios/baseline.cfg $(EXPLORE_FLAGS)

test: build build-mpi
	@cd $(BUILD) && ctest -L c --output-on-failure -j 1
	@$(MAKE) --no-print-directory test-python
	@sh tools/install-deps --with-fuzz 2>/dev/null || true
	@if command -v clang >/dev/null; then \
	   $(MAKE) --no-print-directory fuzz FUZZ_SECONDS=60 >$(FUZZ_BUILD).log 2>&1 || \
	   { tail -40 $(FUZZ_BUILD).log; echo "the fuzz run failed: its input is in $(FUZZ_BUILD)/ (make fuzz)" >&2; exit 1; }; \
	   grep -E '^Done [0-9]+ runs' $(FUZZ_BUILD).log | sed 's/^/fuzz of the scenario loader: /'; \
	 else echo "clang is not installed: the fuzz run of make test is skipped (tools/install-deps --with-fuzz)"; fi

test-python: build build-mpi
	@py=$$(sed -n 's/^AANDACHT_PYTHON:FILEPATH=//p' $(BUILD)/CMakeCache.txt); \
	 if [ -z "$$py" ]; then echo "no Python with h5py, numpy and pytest found" >&2; exit 1; fi; \
	 AANDACHT_BINARY=$(CURDIR)/$(BUILD)/aandacht AANDACHT_SOURCE=$(CURDIR) \
	 AANDACHT_MPI_BINARY=$(CURDIR)/$(MPI_BUILD)/aandacht \
	 $$py -m pytest -q -p no:cacheprovider tests/python analysis/tests

# scripts/slurm/ on a one-node Slurm cluster of this machine (as root:
# scripts/slurm/one_node_cluster.sh starts it, or leaves it running)
.PHONY: test-slurm
test-slurm: build build-mpi
	@sh scripts/slurm/one_node_cluster.sh
	@py=$$(sed -n 's/^AANDACHT_PYTHON:FILEPATH=//p' $(BUILD)/CMakeCache.txt); \
	 if [ -z "$$py" ]; then echo "no Python with h5py, numpy and pytest found" >&2; exit 1; fi; \
	 AANDACHT_BINARY=$(CURDIR)/$(BUILD)/aandacht AANDACHT_SOURCE=$(CURDIR) \
	 AANDACHT_MPI_BINARY=$(CURDIR)/$(MPI_BUILD)/aandacht \
	 $$py -m pytest -q -p no:cacheprovider tests/python/test_slurm.py

test-long: build
	@cd $(BUILD) && AANDACHT_LONG=1 ctest -L c --output-on-failure -j 1
	@py=$$(sed -n 's/^AANDACHT_PYTHON:FILEPATH=//p' $(BUILD)/CMakeCache.txt); \
	 AANDACHT_LONG=1 AANDACHT_BINARY=$(CURDIR)/$(BUILD)/aandacht AANDACHT_SOURCE=$(CURDIR) \
	 $$py -m pytest -q -p no:cacheprovider tests/python/test_calibration.py tests/python/test_claims.py

# The fuzz target of the scenario loader and --set (tests/fuzz/fuzz_config.c),
# built from the core layer alone with clang's libFuzzer, AddressSanitizer and
# UBSan, run for FUZZ_SECONDS on a corpus seeded from scenarios/ and
# tests/fuzz/seeds/, with the parameter keys as a dictionary. A crash, a
# leak, an input slower than 10 s or a failed round trip stops it and leaves
# the input in build-fuzz/ (crash-*, timeout-*, leak-*).
FUZZ_SECONDS ?= 600
FUZZ_BUILD ?= build-fuzz
fuzz:
	@command -v clang >/dev/null || { echo "make fuzz needs clang (Debian: apt-get install clang)" >&2; exit 2; }
	@mkdir -p $(FUZZ_BUILD)/corpus
	clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Isim \
	  $$(pkg-config --cflags libconfig) -DAANDACHT_VERSION='"fuzz"' -DAANDACHT_GIT='"fuzz"' \
	  tests/fuzz/fuzz_config.c sim/*.c $$(pkg-config --libs libconfig gsl) -lm -o $(FUZZ_BUILD)/fuzz_config
	@cp scenarios/*.cfg tests/fuzz/seeds/* $(FUZZ_BUILD)/corpus/
	@sed -n 's/^P([GB], "\([^"]*\)".*/"\1"/p' sim/param_table.def > $(FUZZ_BUILD)/keys.dict
	LSAN_OPTIONS=suppressions=tests/fuzz/lsan.supp:print_suppressions=0 \
	  $(FUZZ_BUILD)/fuzz_config -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
	  -dict=$(FUZZ_BUILD)/keys.dict -artifact_prefix=$(FUZZ_BUILD)/ -print_final_stats=1 $(FUZZ_BUILD)/corpus

# docs/validation.md from real runs (about ten minutes on two cores)
validate: build
	@py=$$(sed -n 's/^AANDACHT_PYTHON:FILEPATH=//p' $(BUILD)/CMakeCache.txt); \
	 $$py tools/validate.py --binary $(BUILD)/aandacht

bench: build
	$(BUILD)/bench/bench_engine 1000000 52 3
	@py=$$(sed -n 's/^AANDACHT_PYTHON:FILEPATH=//p' $(BUILD)/CMakeCache.txt); \
	 $${py:-python3} bench/bench_sweep.py $(BUILD)/aandacht 3 && \
	 $${py:-python3} bench/numpy_reference.py --binary $(BUILD)/aandacht 1000000 10 3 && \
	 $${py:-python3} bench/bench_state.py $(BUILD)/aandacht scenarios/baseline.cfg 3

asan:
	@$(MAKE) --no-print-directory test BUILD=build-asan CMAKE_FLAGS="-DCMAKE_BUILD_TYPE=Debug -DAANDACHT_ASAN=ON"

tsan:
	@$(MAKE) --no-print-directory build BUILD=build-tsan CMAKE_FLAGS="-DCMAKE_BUILD_TYPE=Debug -DAANDACHT_TSAN=ON"

docs: build
	$(BUILD)/aandacht params --markdown > docs/parameters.md
	python3 tools/model_defaults.py --binary $(BUILD)/aandacht docs/model.md

install: build
	cmake --install $(BUILD)

clean:
	rm -rf $(BUILD) $(MPI_BUILD) build-asan build-tsan
