#!/usr/bin/env bash
# The MPI suite: test binaries built with -tags mpi, run under mpirun with
# 2 and 3 ranks. Called by `make test-mpi` with Open MPI's root/oversubscribe
# settings in the environment.
set -euo pipefail
MPIRUN=${MPIRUN:-mpirun}
for np in 2 3; do
	echo "== go test -tags mpi under $MPIRUN -np $np"
	go test -tags mpi -count=1 -exec "$MPIRUN -np $np" ./comm/ ./reduce/
done
