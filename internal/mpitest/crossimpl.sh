#!/usr/bin/env bash
# Open MPI against MPICH: the same vmcmpi run (same seed, same rank count)
# under both implementations, on 1 to 4 ranks. The ranks' random streams do
# not depend on the library, so the results agree bit for bit exactly when
# both libraries sum the all-reduced buffers in the same order. For each
# rank count the script prints whether result.json (every number, -tol 0),
# history.csv (without wall-clock seconds) and density.csv are identical;
# with STRICT=1 a difference fails it. README explains the differences seen.
#
# Needs both implementations: libopenmpi-dev openmpi-bin libmpich-dev mpich.
# Called by `make test-mpi-both` with Open MPI's root settings set.
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for c in mpirun.openmpi mpirun.mpich; do
	command -v "$c" >/dev/null || { echo "FAIL: $c not found (apt-get install -y openmpi-bin mpich)"; exit 1; }
done
go build -tags mpi -o "$tmp/vmcmpi-openmpi" ./cmd/vmcmpi
go build -tags mpi,mpich -o "$tmp/vmcmpi-mpich" ./cmd/vmcmpi
go build -o "$tmp/resultcmp" ./internal/resultcmp

# Coulomb, SR with a dense S matrix (the largest all-reduced buffer), a
# production with its density histogram.
args=(-config configs/dot2-rbm-pade-sr.toml -set optimizer.iterations=10 -set sampler.samples=500
	-set production.samples=20000 -set output.progress=none)
fail=0
differ=""
nowall() { cut -d, -f1-7 "$1"; }
for np in 1 2 3 4; do
	for impl in openmpi mpich; do
		if ! timeout 120 "mpirun.$impl" -np "$np" "$tmp/vmcmpi-$impl" run "${args[@]}" \
			-out "$tmp/$impl-$np" >"$tmp/$impl-$np.log" 2>&1; then
			echo "FAIL: $impl on $np rank(s):"
			cat "$tmp/$impl-$np.log"
			fail=1
			continue 2
		fi
	done
	o=$tmp/openmpi-$np m=$tmp/mpich-$np
	what=()
	"$tmp/resultcmp" -tol 0 "$o" "$m" >/dev/null 2>&1 || what+=(result.json)
	cmp -s <(nowall "$o/history.csv") <(nowall "$m/history.csv") || what+=(history.csv)
	cmp -s "$o/density.csv" "$m/density.csv" || what+=(density.csv)
	eo=$(grep -h '^energy' "$tmp/openmpi-$np.log") em=$(grep -h '^energy' "$tmp/mpich-$np.log")
	if [ ${#what[@]} -eq 0 ]; then
		echo "== $np rank(s): Open MPI and MPICH bit-identical: $eo"
	else
		echo "== $np rank(s): Open MPI and MPICH differ in ${what[*]}:"
		echo "   Open MPI: $eo"
		echo "   MPICH:    $em"
		{ "$tmp/resultcmp" -tol 0 "$o" "$m" 2>&1 || true; } | head -n 1 | sed "s/^/   first difference: /"
		differ+=" $np"
	fi
done
if [ -n "$differ" ] && [ "${STRICT:-0}" = 1 ]; then
	echo "FAIL: the implementations differ on rank counts$differ (STRICT=1)"
	fail=1
fi
exit $fail
