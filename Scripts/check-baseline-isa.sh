#!/usr/bin/env bash
# Checks that the release build of the library runs on any x86-64: no AVX, AVX2, AVX-512 or FMA
# instruction (VEX or EVEX encoded) in its object files. Faster paths must be chosen at run time.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(uname -m)" = x86_64 ] || { echo "not x86-64: nothing to check"; exit 0; }
swift build -c release --product depthwise >/dev/null
objects=(.build/release/DepthwiseConvolution.build/*.o .build/release/NumPyFormat.build/*.o)
found=$(objdump -d "${objects[@]}" | grep -E '%[yz]mm[0-9]|\bv(fmadd|fmsub|fnmadd|mov|add|mul|broadcast|perm|insert|extract)[a-z0-9]*\b' | head -5 || true)
if [ -n "$found" ]; then
    echo "error: the library uses instructions beyond baseline x86-64:"
    echo "$found"
    exit 1
fi
echo "baseline x86-64: ${#objects[@]} object files use no AVX/FMA instruction"
