#!/usr/bin/env bash
# The SLURM test: a throw-away single-node cluster on localhost (munged,
# slurmctld, slurmd, a minimal slurm.conf under a temporary directory) runs
# the job scripts of jobs/slurm/ with bin/vmcmpi-mpi (make build-mpi):
#
#   1. vmc.sbatch on 2 tasks with srun --mpi=pmix: the uninterrupted run;
#   2. the same job, signalled mid-run (scancel --batch --signal=USR1, as
#      --signal=B:USR1@secs does before a time limit): it checkpoints,
#      requeues itself, resumes with -resume and must end with a result.json
#      bit-identical to run 1 (history.csv identical up to wall seconds);
#   3. the same on 2 tasks launched by mpirun: bit-identical to run 1 too;
#   4. scan-omega.sbatch as a 2-task job array (ω = 0.5, 2): each finds
#      the exact 2ω of two free bosons in 2D, tabulated by vmcmpi collect;
#   5. a serial binary under srun on 2 tasks: refused, naming SLURM_NTASKS.
#
# Needs root and the Debian packages slurmctld slurmd slurm-client munge;
# installs nothing. Stops the daemons it started on exit. About 30 s.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
start_s=$SECONDS

die() {
	echo "FAIL: $*" >&2
	exit 1
}
for c in munged munge slurmctld slurmd sbatch squeue scontrol scancel sinfo srun mpirun; do
	command -v "$c" >/dev/null || die "$c not found (apt-get install -y slurmctld slurmd slurm-client munge openmpi-bin)"
done
[ "$(id -u)" = 0 ] || die "run as root: the test cluster's daemons run as root"
[ -x bin/vmcmpi-mpi ] || die "bin/vmcmpi-mpi missing: make build-mpi"

T=$(mktemp -d /tmp/vmcmpi-slurm.XXXXXX)
chmod 755 "$T"
mkdir -p "$T/slurm/state" "$T/slurm/spool" "$T/logs" "$T/runs"
status=1
cleanup() {
	set +e
	if [ -f "$T/slurm/slurmctld.pid" ]; then
		scancel --full $(squeue -h -o %i 2>/dev/null) 2>/dev/null
	fi
	for f in "$T/slurm/slurmd.pid" "$T/slurm/slurmctld.pid" "$T/munge/munged.pid"; do
		[ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null
	done
	for _ in $(seq 50); do # the daemons remove their pid files on exit
		[ -f "$T/slurm/slurmd.pid" ] || [ -f "$T/slurm/slurmctld.pid" ] || [ -f "$T/munge/munged.pid" ] || break
		sleep 0.1
	done
	if [ "$status" != 0 ]; then
		echo "== logs of the failed SLURM test"
		tail -n 40 "$T"/logs/*.out "$T/slurm/slurmctld.log" "$T/slurm/slurmd.log" 2>/dev/null
	fi
	if [ -n "${KEEP_SLURMTEST:-}" ]; then
		echo "kept $T"
	else
		rm -rf "$T"
	fi
}
trap cleanup EXIT

# --- munged with a fresh key and a private socket --------------------------
install -d -o munge -g munge -m 755 "$T/munge"
dd if=/dev/urandom of="$T/munge/munge.key" bs=1024 count=1 status=none
chown munge:munge "$T/munge/munge.key"
chmod 400 "$T/munge/munge.key"
runuser -u munge -- munged --socket="$T/munge/munge.socket" --key-file="$T/munge/munge.key" \
	--pid-file="$T/munge/munged.pid" --log-file="$T/munge/munged.log" --seed-file="$T/munge/munged.seed" ||
	die "munged did not start: $(tail -n 3 "$T/munge/munged.log")"

# --- slurm.conf: one node, this machine, ports away from a system SLURM -------
host=$(hostname -s)
node=$(slurmd -C | head -n 1) # NodeName=… CPUs=… RealMemory=…
export SLURM_CONF=$T/slurm/slurm.conf
cat >"$SLURM_CONF" <<CONF
ClusterName=vmcmpitest
SlurmctldHost=$host
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$T/munge/munge.socket
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
StateSaveLocation=$T/slurm/state
SlurmdSpoolDir=$T/slurm/spool
SlurmctldPidFile=$T/slurm/slurmctld.pid
SlurmdPidFile=$T/slurm/slurmd.pid
SlurmctldLogFile=$T/slurm/slurmctld.log
SlurmdLogFile=$T/slurm/slurmd.log
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$T/slurm/jobcomp.txt
$node State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -i || die "slurmctld did not start"
slurmd || die "slurmd did not start"
for _ in $(seq 100); do
	[ "$(sinfo -h -o %T 2>/dev/null)" = idle ] && break
	sleep 0.1
done
[ "$(sinfo -h -o %T 2>/dev/null)" = idle ] || die "node not idle after 10 s: $(sinfo 2>&1)"
echo "== local SLURM up on $host in $((SECONDS - start_s)) s"

# Open MPI inside the jobs runs as root on 2 cores; sbatch exports this
# environment (and SLURM_CONF) to the jobs.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
	OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
export VMCMPI=$ROOT/bin/vmcmpi-mpi CONFIG=$ROOT/internal/slurmtest/vmc.toml

field() { # job field: one field of scontrol's one-line record
	scontrol show job -o "$1" 2>/dev/null | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# wait_job ID SECONDS: poll until the job has ended (bounded). A requeued
# job waits for its BeginTime (about two minutes by SLURM's rule); the test
# moves that to now. Fails unless it ends COMPLETED with exit code 0.
wait_job() {
	local id=$1 limit=$2 t0=$SECONDS state reason
	while :; do
		state=$(field "$id" JobState)
		reason=$(field "$id" Reason)
		case $state in
		COMPLETED) return 0 ;;
		FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY | BOOT_FAIL | DEADLINE | PREEMPTED)
			echo "job $id ended $state (exit $(field "$id" ExitCode))" >&2
			return 1
			;;
		PENDING) [ "$reason" = BeginTime ] && scontrol update JobId="$id" StartTime=now ;;
		esac
		if [ $((SECONDS - t0)) -ge "$limit" ]; then
			echo "job $id still $state ($reason) after $limit s" >&2
			scancel "$id"
			return 1
		fi
		sleep 0.2
	done
}

submit() { # sbatch flags...: prints the job id
	sbatch --parsable "$@" | cut -d';' -f1
}

# nowall FILE: history.csv without its wall-clock column.
nowall() { cut -d, -f1-7 "$1"; }

# numbers FILE: result.json without its "run" object (version, timestamps,
# wall time), which no two runs share.
numbers() { sed '/^  "run": {/,/^  }/d' "$1"; }

same_run() { # dir refdir what
	cmp -s <(numbers "$1/result.json") <(numbers "$2/result.json") || {
		diff "$1/result.json" "$2/result.json" >&2
		die "$3: result.json differs from the uninterrupted run"
	}
	cmp -s <(nowall "$1/history.csv") <(nowall "$2/history.csv") || die "$3: history.csv differs from the uninterrupted run"
	echo "== $3: result.json bit-identical to the uninterrupted run"
}

# 1. The uninterrupted reference on 2 tasks through srun --mpi=pmix.
t=$SECONDS
id=$(OUT=$T/runs/ref submit --ntasks=2 --cpus-per-task=1 --output="$T/logs/ref-%j.out" jobs/slurm/vmc.sbatch)
wait_job "$id" 60 || die "reference job $id"
[ -f "$T/runs/ref/result.json" ] || die "reference job wrote no result.json"
grep -q '"ranks": 2' "$T/runs/ref/result.json" || die "reference run did not use 2 ranks"
[ -s "$T/runs/ref/energy.png" ] && [ -s "$T/runs/ref/density.png" ] || die "reference run drew no plots"
echo "== vmc.sbatch, 2 tasks, srun --mpi=pmix: $(grep -h '^energy' "$T"/logs/ref-*.out) ($((SECONDS - t)) s)"

# 2. Signalled mid-run: checkpoint, requeue, resume, same result.
t=$SECONDS
id=$(OUT=$T/runs/sig submit --ntasks=2 --cpus-per-task=1 --output="$T/logs/sig-%j.out" jobs/slurm/vmc.sbatch)
for _ in $(seq 300); do # the first periodic checkpoint (iteration 2), ≤ 60 s
	[ -f "$T/runs/sig/checkpoint.bin" ] && break
	sleep 0.2
done
[ -f "$T/runs/sig/checkpoint.bin" ] || die "job $id wrote no checkpoint within 60 s"
scancel --batch --signal=USR1 "$id"
wait_job "$id" 90 || die "signalled job $id"
log=$(cat "$T"/logs/sig-*.out)
grep -q "stopped on request" <<<"$log" || die "job $id finished before the signal reached it (make the test run longer)"
grep -q "resuming from" <<<"$log" || die "job $id did not resume from its checkpoint"
[ "$(field "$id" Restarts)" -ge 1 ] || die "job $id was not requeued"
same_run "$T/runs/sig" "$T/runs/ref" "vmc.sbatch signalled USR1 $(grep -o 'after iteration [0-9]*' <<<"$log" | head -n 1), requeued and resumed ($((SECONDS - t)) s)"

# 3. The same job launched by mpirun inside the allocation.
t=$SECONDS
id=$(OUT=$T/runs/mpirun LAUNCH=mpirun submit --ntasks=2 --cpus-per-task=1 --output="$T/logs/mpirun-%j.out" jobs/slurm/vmc.sbatch)
wait_job "$id" 60 || die "mpirun job $id"
same_run "$T/runs/mpirun" "$T/runs/ref" "vmc.sbatch with LAUNCH=mpirun ($((SECONDS - t)) s)"

# 4. A job array over ω; α = ω/2 is exact for free bosons: E = N·d·ω/2 = 2ω.
t=$SECONDS
id=$(OMEGAS="0.5 2" SET_ALPHA=1 OUT_BASE=$T/runs/scan submit --array=0-1 --cpus-per-task=1 \
	--output="$T/logs/scan-%A_%a.out" jobs/slurm/scan-omega.sbatch \
	-set system.interaction=none -set optimizer.iterations=0 -set production.samples=5000 -set output.plots=false)
for i in 0 1; do wait_job "${id}_$i" 60 || die "array task ${id}_$i"; done
table=$("$VMCMPI" collect -fields energy,error,exact "$T/runs/scan")
echo "$table"
for w in 0.5 2; do
	awk -F, -v w="$w" '$1 ~ "omega-"w"$" { found = 1; if ($2 + 0 != 2 * w || $4 + 0 != 2 * w) exit 1 } END { exit !found }' <<<"$table" ||
		die "scan: ω = $w does not give the exact energy $(awk -v w="$w" 'BEGIN { print 2 * w }')"
done
echo "== scan-omega.sbatch array of 2: exact energies ($((SECONDS - t)) s)"

# 5. A binary that cannot join an MPI job, on 2 tasks: refused by name.
t=$SECONDS
go build -o "$T/vmcmpi-serial" ./cmd/vmcmpi
id=$(VMCMPI=$T/vmcmpi-serial OUT=$T/runs/serial submit --ntasks=2 --cpus-per-task=1 \
	--output="$T/logs/serial-%j.out" jobs/slurm/vmc.sbatch)
if wait_job "$id" 60 2>/dev/null; then die "a serial binary on 2 SLURM tasks was not refused"; fi
grep -q "SLURM_NTASKS=2" "$T"/logs/serial-*.out || die "refusal does not name SLURM_NTASKS"
[ ! -f "$T/runs/serial/result.json" ] || die "the refused run wrote a result"
# A deterministic failure (exit 1, not 75) must not be requeued.
[ "$(field "$id" Restarts)" -eq 0 ] || die "job $id failed with a deterministic error and was requeued"
echo "== 1-rank binary on 2 SLURM tasks refused, not requeued: $(grep -o 'MPI reports [^:]*' "$T"/logs/serial-*.out | head -n 1) ($((SECONDS - t)) s)"

status=0
echo "== SLURM test passed in $((SECONDS - start_s)) s"
