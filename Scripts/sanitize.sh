#!/usr/bin/env bash
# Runs the whole test suite under AddressSanitizer, then ThreadSanitizer (each in its own
# build folder, .build-address and .build-thread). Pass one sanitizer to run only it.
#
#   Scripts/sanitize.sh [address|thread]
set -euo pipefail
cd "$(dirname "$0")/.."
export LSAN_OPTIONS="suppressions=$PWD/Scripts/leak-suppressions.txt"
sanitizers=("$@")
[ $# -eq 0 ] && sanitizers=(address thread)
for sanitizer in "${sanitizers[@]}"; do
    echo "== swift test --sanitize=$sanitizer"
    swift test --sanitize="$sanitizer" --scratch-path ".build-$sanitizer"
done
