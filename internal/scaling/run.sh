#!/usr/bin/env bash
# Weak-scaling table of walker threads and MPI ranks (make bench-scaling):
# each rank runs one walker per thread (GOMAXPROCS = sampler.walkers =
# threads), every walker the same production, for the default dot, the
# hard-sphere BEC, six electrons in a Slater determinant and a Heisenberg
# chain. Prints samples/s, CPU per sample (user + system of the whole
# process tree) and the efficiencies against one rank × one thread:
#   eff      samples/s ÷ (ranks·threads × samples/s of 1 × 1)
#   cpu-eff  CPU per sample of 1 × 1 ÷ CPU per sample
# Each cell is the fastest of REPEAT interleaved runs (the least disturbed
# by other load) with that run's own CPU. A 1 × 1 run takes about 2 s; times
# include start-up (mpirun's about 0.3 s of CPU), and ranks that wait in a
# collective spin (Open MPI busy-polls), so on a loaded machine the ranks'
# CPU grows too. eff falls with the free cores, and cpu-eff shows what
# threads cost each other only when they ran at the same time:
# BenchmarkWalkerOverlap measures that cost whatever the load.
#
#   bash internal/scaling/run.sh BIN [MPIBIN]
# Environment: REPEAT (default 3), THREADS (default 1..nproc), RANKS
# (default 2 when MPIBIN and mpirun exist), MPIRUN, SCALE (multiplies the
# samples, default 1).
set -uo pipefail
cd "$(dirname "$0")/../.."
bin=$(realpath "$1")
mpibin=${2:+$(realpath "$2")}
repeat=${REPEAT:-3}
threads=${THREADS:-$(seq -s ' ' 1 "$(nproc)")}
mpirun=${MPIRUN:-mpirun}
ranks=${RANKS:-2}
if [ -z "$mpibin" ] || ! command -v "$mpirun" >/dev/null 2>&1; then ranks=""; fi
scale=${SCALE:-1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# name, configuration (empty: the embedded default), samples per walker
workloads=(
	"dot2||3000000"
	"bec|configs/bec-elliptical.toml|600000"
	"slater6|configs/dot6-slater-pade.toml|800000"
	"chain10|configs/heisenberg-chain10.toml|2000000"
)

run() { # config samples ranks threads → "wall cpu" (seconds)
	local cfg=() out="$work/out" t="$work/time"
	[ -n "$1" ] && cfg=(-config "$1")
	local args=(run "${cfg[@]}" -out "$out" -set optimizer.iterations=0 -set output.progress=none
		-set "sampler.walkers=$4" -set "production.samples=$2")
	if [ "$3" = 1 ]; then
		GOMAXPROCS=$4 /usr/bin/time -f "%e %U %S" -o "$t" "$bin" "${args[@]}" >/dev/null 2>&1 || { echo "run failed: $bin ${args[*]}" >&2; exit 1; }
	else
		OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1 \
			GOMAXPROCS=$4 /usr/bin/time -f "%e %U %S" -o "$t" "$mpirun" -np "$3" -x GOMAXPROCS "$mpibin" "${args[@]}" >/dev/null 2>&1 ||
			{ echo "run failed: $mpirun -np $3 $mpibin ${args[*]}" >&2; exit 1; }
	fi
	rm -rf "$out"
	awk '{print $1, $2 + $3}' "$t"
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)   cores: $(nproc)   best of $repeat"
printf '%-8s %6s %8s %12s %14s %6s %8s\n' workload ranks threads samples/s "CPU µs/sample" eff cpu-eff
for w in "${workloads[@]}"; do
	IFS='|' read -r name cfg samples <<<"$w"
	samples=$(awk -v s="$samples" -v f="$scale" 'BEGIN { print int(s * f) }')
	cells=()
	for t in $threads; do cells+=("1 $t"); done
	for r in $ranks; do cells+=("$r 1"); done
	declare -A wall=() cpu=()
	for ((k = 0; k < repeat; k++)); do
		for c in "${cells[@]}"; do
			read -r wl cp < <(run "$cfg" "$samples" $c)
			# The fastest run, and its own CPU: the one where the threads
			# overlapped most, which is where they could cost each other.
			if [ -z "${wall[$c]:-}" ] || awk -v a="$wl" -v b="${wall[$c]}" 'BEGIN{exit !(a < b)}'; then wall[$c]=$wl cpu[$c]=$cp; fi
		done
	done
	for c in "${cells[@]}"; do
		read -r r t <<<"$c"
		awk -v name="$name" -v r="$r" -v t="$t" -v s="$samples" -v w="${wall[$c]}" -v c="${cpu[$c]}" \
			-v w1="${wall["1 1"]}" -v c1="${cpu["1 1"]}" 'BEGIN {
			n = r * t * s; rate = n / w; rate1 = s / w1
			printf "%-8s %6d %8d %12.0f %14.3f %6.2f %8.2f\n", name, r, t, rate, 1e6 * c / n, rate / (r * t * rate1), (c1 / s) / (c / n)
		}'
	done
	unset wall cpu
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
