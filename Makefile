# vmcmpi — build, test and benchmark targets. `make help` lists them.

GO      ?= go
BIN     ?= bin/vmcmpi
# Open MPI refuses root and more ranks than cores unless told; CI runs as
# root on 2 cores. Set only for the MPI targets, never globally.
MPIENV  = OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
          OMPI_MCA_rmaps_base_oversubscribe=1 \
          OMPI_MCA_btl_vader_single_copy_mechanism=none
# The MPI implementation: openmpi (default) or mpich (the MPICH ABI family:
# MPICH, Intel MPI, Cray MPICH, MVAPICH). It picks the build tags, the
# pkg-config package and the launcher; Debian installs both side by side as
# mpirun.openmpi and mpirun.mpich, elsewhere `mpirun` is whichever module is
# loaded. `make test-mpi MPI=mpich`, `make build-mpi MPI=mpich`.
MPI     ?= openmpi
ifeq ($(MPI),mpich)
MPITAGS  = mpi,mpich
MPIPC    = mpich
MPIRUN  ?= $(or $(shell command -v mpirun.mpich 2>/dev/null),mpirun)
else ifeq ($(MPI),openmpi)
MPITAGS  = mpi
MPIPC    = ompi-c
MPIRUN  ?= $(or $(shell command -v mpirun.openmpi 2>/dev/null),mpirun)
else
$(error MPI=$(MPI): want openmpi or mpich)
endif

.PHONY: help build build-mpi run test test-race test-full test-mpi test-mpi-both test-mpi-compare test-slurm bench bench-mpi bench-scaling lint fuzz clean

help:
	@echo "make run        run vmcmpi on its embedded default system"
	@echo "make test       lint, race-checked short tests, full physics validations, MPI suite (when mpirun exists)"
	@echo "make test-mpi   the MPI suite under mpirun (needs libopenmpi-dev openmpi-bin; MPI=mpich: libmpich-dev mpich)"
	@echo "make test-mpi-both  the suite under Open MPI and under MPICH, then test-mpi-compare"
	@echo "make test-mpi-compare  the same runs under Open MPI and MPICH, compared bit for bit"
	@echo "make test-slurm submit the job scripts to a throw-away local SLURM (needs slurmctld slurmd slurm-client munge)"
	@echo "make bench      benchmarks (steps/s, allocations); bench-mpi for the MPI collectives"
	@echo "make bench-scaling  walker threads 1..cores and MPI ranks 1, 2: samples/s, CPU per sample, efficiency"
	@echo "make fuzz       the config, AME and CSV fuzz targets (FUZZTIME each, default 30s)"
	@echo "make build | build-mpi | lint | clean"

build:
	$(GO) build -o $(BIN) ./cmd/vmcmpi

build-mpi:
	$(GO) build -tags $(MPITAGS) -o bin/vmcmpi-mpi ./cmd/vmcmpi

run: build
	./$(BIN) run

lint:
	@fmt=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$fmt" ]; then echo "gofmt would change:"; echo "$$fmt"; exit 1; fi
	$(GO) vet ./...
	@if pkg-config --exists ompi-c 2>/dev/null; then echo "$(GO) vet -tags mpi ./..."; $(GO) vet -tags mpi ./...; fi
	@if pkg-config --exists mpich 2>/dev/null; then echo "$(GO) vet -tags mpi,mpich ./..."; $(GO) vet -tags mpi,mpich ./...; fi

test: lint test-race test-full
	@if command -v $(MPIRUN) >/dev/null 2>&1 && pkg-config --exists $(MPIPC) 2>/dev/null; then \
		$(MAKE) --no-print-directory test-mpi; \
	else \
		echo "== MPI tests SKIPPED: $(MPIRUN) or pkg-config $(MPIPC) not found."; \
		echo "   Install Open MPI to run them: sudo apt-get install -y libopenmpi-dev openmpi-bin"; \
		echo "   (or MPICH, then make test MPI=mpich: sudo apt-get install -y libmpich-dev mpich)"; \
	fi

# Statistical tests in -short mode under the race detector.
test-race:
	$(GO) test -race -short -count=1 -timeout 15m ./...

# The full physics validations, without -race (it slows sampling tenfold).
test-full:
	$(GO) test -count=1 -timeout 25m ./...

test-mpi:
	$(MPIENV) MPIRUN="$(MPIRUN)" MPITAGS="$(MPITAGS)" bash internal/mpitest/run.sh

# Both implementations, then the comparison.
test-mpi-both:
	$(MAKE) --no-print-directory test-mpi MPI=openmpi
	$(MAKE) --no-print-directory test-mpi MPI=mpich
	$(MAKE) --no-print-directory test-mpi-compare

# One run on 1 to 4 ranks under Open MPI and under MPICH, compared bit for
# bit (internal/mpitest/crossimpl.sh; STRICT=1 fails on a difference).
test-mpi-compare:
	$(MPIENV) bash internal/mpitest/crossimpl.sh

test-slurm: build-mpi
	bash internal/slurmtest/run.sh

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# Weak scaling of walker threads (1..cores) and ranks (2, when mpirun and
# the MPI library exist) on four workloads, then the Go benchmarks that
# `make bench` runs too: BenchmarkScaling (the same through the driver) and
# BenchmarkWalkerOverlap (the CPU two concurrent walkers cost each other,
# readable on a loaded machine). REPEAT=5 or SCALE=0.2 trade time for noise.
bench-scaling: build
	@if command -v $(MPIRUN) >/dev/null 2>&1 && pkg-config --exists $(MPIPC) 2>/dev/null; then \
		$(MAKE) --no-print-directory build-mpi && MPIRUN=$(MPIRUN) bash internal/scaling/run.sh $(BIN) bin/vmcmpi-mpi; \
	else \
		bash internal/scaling/run.sh $(BIN); \
	fi
	$(GO) test -run '^$$' -bench Scaling -benchtime 3x ./vmc/
	$(GO) test -run '^$$' -bench WalkerOverlap -benchtime 3x ./internal/scaling/

# Every rank must run the same iterations, so the counts are fixed (Nx).
bench-mpi:
	$(MPIENV) $(GO) test -tags $(MPITAGS) -run '^$$' -bench 'MPIAllReduce8' -benchtime 20000x -count 5 -benchmem -exec "$(MPIRUN) -np 2" ./comm/
	$(MPIENV) $(GO) test -tags $(MPITAGS) -run '^$$' -bench 'MPIAllReduce1e6' -benchtime 300x -count 5 -benchmem -exec "$(MPIRUN) -np 2" ./comm/

# Each fuzz target for FUZZTIME; seeds are configs/*.toml and real AME/CSV lines.
FUZZTIME ?= 30s
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzConfig$$' -fuzztime $(FUZZTIME) ./config/
	$(GO) test -run '^$$' -fuzz '^FuzzAME$$' -fuzztime $(FUZZTIME) ./dataset/
	$(GO) test -run '^$$' -fuzz '^FuzzCSV$$' -fuzztime $(FUZZTIME) ./dataset/

clean:
	rm -rf bin out
