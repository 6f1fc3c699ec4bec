#!/usr/bin/env bash
# The MPI suite: test binaries built with -tags mpi, run under mpirun with
# 2 and 3 ranks and once without mpirun (an MPI singleton), then the abort
# check: a failing rank must end the whole job, non-zero, within seconds.
# Called by `make test-mpi` with Open MPI's root/oversubscribe settings in
# the environment.
set -euo pipefail
cd "$(dirname "$0")/../.."
MPIRUN=${MPIRUN:-mpirun}
PKGS="./comm/ ./reduce/"

for np in 2 3; do
	echo "== go test -tags mpi under $MPIRUN -np $np"
	go test -tags mpi -count=1 -timeout 2m -exec "$MPIRUN -np $np" $PKGS
done
echo "== go test -tags mpi without mpirun (singleton MPI_Init)"
go test -tags mpi -count=1 -timeout 2m $PKGS

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -tags mpi -o "$tmp/aborttest" ./internal/mpitest/aborttest
echo "== a binary built with -tags mpi, started without mpirun"
out=$("$tmp/aborttest" world)
echo "$out"
if [ "$out" != "rank 0 of 1 (*comm.Serial)" ]; then
	echo "FAIL: want one serial rank"
	exit 1
fi
limit=20000 # ms; an abort takes ~1 s, a hang is stopped by timeout at 60 s
fail=0
for run in "2 abort" "3 abort" "2 panic" "2 busy"; do
	set -- $run
	np=$1 mode=$2
	start=$(date +%s%N)
	set +e
	timeout 60 "$MPIRUN" -np "$np" "$tmp/aborttest" "$mode" >"$tmp/out" 2>&1
	rc=$?
	set -e
	ms=$((($(date +%s%N) - start) / 1000000))
	verdict=ok
	if [ "$rc" -eq 0 ]; then
		verdict="FAIL: exit status 0, want non-zero"
	elif [ "$rc" -eq 124 ]; then
		verdict="FAIL: still running after 60 s (the other ranks hang)"
	elif grep -q UNEXPECTED "$tmp/out"; then
		verdict="FAIL: a collective returned without the failed rank"
	elif [ "$ms" -gt "$limit" ]; then
		verdict="FAIL: took $ms ms, limit $limit ms"
	fi
	echo "== abort check, $np ranks, rank 1 $mode: exit $rc after $ms ms: $verdict"
	if [ "$verdict" != ok ]; then
		cat "$tmp/out"
		fail=1
	fi
done
exit $fail
