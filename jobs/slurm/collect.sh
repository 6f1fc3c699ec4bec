#!/bin/bash
# Tabulate the results of a scan: one line per output directory under
# BASE (default: every runs/scan-*), from its result.json.
#
#   jobs/slurm/collect.sh runs/scan-1234
set -eu
bases=("$@")
if [ ${#bases[@]} -eq 0 ]; then bases=(runs/scan-*); fi
printf '%-40s %14s %12s %12s %8s\n' run energy error exact ranks
for base in "${bases[@]}"; do
	for f in "$base"/*/result.json; do
		[ -f "$f" ] || continue
		# result.json is indented one key per line; pick the numbers.
		awk -v run="$(dirname "$f")" '
			/^  "energy":/ { e = $2 }
			/^  "error":/ { err = $2 }
			/^  "exact":/ { ex = $2 }
			/^  "ranks":/ { r = $2 }
			END { gsub(/,/, "", e); gsub(/,/, "", err); gsub(/,/, "", ex); gsub(/,/, "", r)
			      printf "%-40s %14s %12s %12s %8s\n", run, e, err, ex, r }' "$f"
	done
done
