#!/usr/bin/env bash
# Runs two vmcmpi binaries on every configs/*.toml and configs/regress/*.toml
# and checks that their numbers are bit-identical: result.json, density.csv,
# predictions.csv and predict.csv byte for byte, history.csv without its
# wall-clock column. A refactor must pass it against the binary it replaces:
#
#   git worktree add /tmp/old <rev> && (cd /tmp/old && go build -o /tmp/old/vmcmpi ./cmd/vmcmpi)
#   go build -o bin/vmcmpi ./cmd/vmcmpi
#   bash internal/samecheck/run.sh /tmp/old/vmcmpi bin/vmcmpi
#
# Extra arguments after the two binaries are passed to every `run` (e.g.
# -set optimizer.iterations=20 for a quicker pass).
set -uo pipefail
cd "$(dirname "$0")/../.."
old=$(realpath "$1") new=$(realpath "$2"); shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
compare() { # name dir-old dir-new
	local f
	for f in result.json density.csv predictions.csv predict.csv; do
		[ -e "$2/$f" ] || [ -e "$3/$f" ] || continue
		if ! cmp -s "$2/$f" "$3/$f"; then echo "DIFFERS $1 $f"; diff "$2/$f" "$3/$f" | head -6; fail=1; fi
	done
	if [ -e "$2/history.csv" ] || [ -e "$3/history.csv" ]; then
		if ! cmp -s <(cut -d, -f1-7 "$2/history.csv" 2>&1) <(cut -d, -f1-7 "$3/history.csv" 2>&1); then
			echo "DIFFERS $1 history.csv"; fail=1
		fi
	fi
}
for f in configs/*.toml; do
	n=$(basename "$f" .toml)
	"$old" run -config "$f" -out "$work/old/$n" "$@" >"$work/$n.old" 2>&1 || { echo "old binary failed on $n (exit $?)"; fail=1; }
	"$new" run -config "$f" -out "$work/new/$n" "$@" >"$work/$n.new" 2>&1 || { echo "new binary failed on $n (exit $?)"; fail=1; }
	compare "$n" "$work/old/$n" "$work/new/$n"
	echo "checked $n"
done
for f in configs/regress/*.toml; do
	n=regress-$(basename "$f" .toml)
	grep -q '^\[chart\]' "$f" && continue # landscape studies are new: nothing to compare
	cmd=regress
	grep -q '^\[bma\]' "$f" && cmd=bma
	"$old" $cmd -config "$f" -out "$work/old/$n" >"$work/$n.old" 2>&1 || { echo "old binary failed on $n (exit $?)"; fail=1; }
	"$new" $cmd -config "$f" -out "$work/new/$n" >"$work/$n.new" 2>&1 || { echo "new binary failed on $n (exit $?)"; fail=1; }
	compare "$n" "$work/old/$n" "$work/new/$n"
	echo "checked $n"
done
if [ $fail -ne 0 ]; then echo "samecheck: outputs differ"; exit 1; fi
echo "samecheck: every output bit-identical"
