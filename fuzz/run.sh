#!/usr/bin/env bash
# Fuzzing campaign: SharpFuzz-instrumented CloudSignal.Mqtt under AFL++.
#   fuzz/run.sh [seconds] [target]      target: decoder (default) or session
# Installs what it needs (afl++ via apt, the SharpFuzz.CommandLine tool), publishes the harness,
# instruments the library, runs afl-fuzz for the given time (default 600 s) and prints
# executions, exec/s, paths found and crashes. Findings stay in fuzz/findings/<target>/.
set -euo pipefail
seconds="${1:-600}"
target="${2:-decoder}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
out="$here/out"
findings="$here/findings/$target"

if ! command -v afl-fuzz >/dev/null; then
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq afl++
fi

cd "$here"
dotnet tool restore >/dev/null

# A fresh publish: an up-to-date publish would keep the instrumented dll of an earlier run.
rm -rf "$out"
# Seeds: valid packets of every type, both levels, from our own codec (regenerated each run).
dotnet publish "$here/CloudSignal.Mqtt.Fuzz/CloudSignal.Mqtt.Fuzz.csproj" -c Release -o "$out" --nologo -v quiet
dotnet "$out/CloudSignal.Mqtt.Fuzz.dll" corpus "$here/corpus/$target" >/dev/null
# Instrument only the library under test; every publish copies the plain dll back.
dotnet tool run sharpfuzz "$out/CloudSignal.Mqtt.dll"

mkdir -p "$findings"
export AFL_SKIP_BIN_CHECK=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1
resume="-i $here/corpus/$target"
[ -f "$findings/default/fuzzer_stats" ] && resume="-i -"
# shellcheck disable=SC2086
afl-fuzz $resume -o "$findings" -x "$here/mqtt.dict" -t 5000 -m none -V "$seconds" \
  -- dotnet "$out/CloudSignal.Mqtt.Fuzz.dll" afl "$target" > "$findings/afl.log" 2>&1 || true

stats="$findings/default/fuzzer_stats"
if [ ! -f "$stats" ]; then
  echo "afl-fuzz did not start; see $findings/afl.log"; tail -20 "$findings/afl.log"; exit 1
fi
get() { awk -F' *: *' -v k="$1" '$1==k {print $2}' "$stats"; }
crashes="$(get saved_crashes)"; crashes="${crashes:-$(get unique_crashes)}"
paths="$(get corpus_count)"; paths="${paths:-$(get paths_total)}"
echo "target:      $target"
echo "run time:    $(get run_time) s"
echo "executions:  $(get execs_done)"
echo "exec/s:      $(get execs_per_sec)"
echo "paths:       $paths (found $(get corpus_found))"
echo "stability:   $(get stability)"
echo "crashes:     $crashes (saved in $findings/default/crashes)"
echo "hangs:       $(get saved_hangs)"
