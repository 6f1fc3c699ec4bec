#!/usr/bin/env bash
# Runs two vmcmpi binaries on every configs/*.toml and configs/regress/*.toml
# and checks that their numbers are bit-identical: density.csv,
# predictions.csv and predict.csv byte for byte; history.csv byte for byte
# without its wall_seconds column; result.json field by field, each field's
# value byte for byte, ignoring only the volatile "run" object (program
# version and revision, start and end times, wall seconds — see
# jsoncmp/main.go). Fields only the new binary writes are listed as added,
# not compared. A refactor must pass it against the binary it replaces:
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
go build -o "$work/jsoncmp" ./internal/samecheck/jsoncmp || exit 2
fail=0
# nowall prints a history.csv without its wall_seconds column (found by name).
nowall() {
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "wall_seconds") w = i }
		{ s = ""; for (i = 1; i <= NF; i++) if (i != w) s = s (s == "" ? "" : ",") $i; print s }' "$1"
}
compare() { # name dir-old dir-new
	local f
	for f in density.csv predictions.csv predict.csv; do
		[ -e "$2/$f" ] || [ -e "$3/$f" ] || continue
		if ! cmp -s "$2/$f" "$3/$f"; then echo "DIFFERS $1 $f"; diff "$2/$f" "$3/$f" | head -6; fail=1; fi
	done
	if [ -e "$2/result.json" ] || [ -e "$3/result.json" ]; then
		if ! "$work/jsoncmp" "$2/result.json" "$3/result.json" >"$work/jsoncmp.out" 2>&1; then
			echo "DIFFERS $1 result.json"; head -12 "$work/jsoncmp.out"; fail=1
		fi
		grep -h 'added' "$work/jsoncmp.out" >>"$work/added"
	fi
	if [ -e "$2/history.csv" ] || [ -e "$3/history.csv" ]; then
		if ! cmp -s <(nowall "$2/history.csv" 2>&1) <(nowall "$3/history.csv" 2>&1); then
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
[ -s "$work/added" ] && sort -u "$work/added" | sed 's/^ */result.json fields new in the second binary, /'
if [ $fail -ne 0 ]; then echo "samecheck: outputs differ"; exit 1; fi
echo "samecheck: every output bit-identical"
