#!/usr/bin/env bash
# Checks that one release build runs on any x86-64:
# 1. Code outside the AVX2 and AVX-512 kernel modules uses no AVX, AVX2, AVX-512 or FMA
#    instruction (VEX or EVEX encoded), and the AVX2 module no AVX-512 one.
# 2. No function compiled for a wider instruction set can replace one that narrower code calls:
#    the kernel modules' weak (link-once) definitions, such as generic specializations, must not
#    be defined or referenced by code built for a narrower set, or the linker could keep the wider copy.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(uname -m)" = x86_64 ] || { echo "not x86-64: nothing to check"; exit 0; }
swift build -c release --product depthwise >/dev/null

avx2=(.build/release/DepthwiseKernelsAVX2.build/*.o)
avx512=(.build/release/DepthwiseKernelsAVX512.build/*.o)
baseline=()
for object in .build/release/*.build/*.o; do
    case "$object" in *DepthwiseKernelsAVX*) ;; *) baseline+=("$object") ;; esac
done

fail() { echo "error: $1"; exit 1; }

vector='%[yz]mm[0-9]|\bv(fmadd|fmsub|fnmadd|mov|add|mul|broadcast|perm|insert|extract)[a-z0-9]*\b'
found=$(objdump -d "${baseline[@]}" | grep -E "$vector" | head -5 || true)
[ -z "$found" ] || fail "baseline code uses instructions beyond x86-64:"$'\n'"$found"
found=$(objdump -d "${avx2[@]}" | grep -E '%zmm[0-9]|%k[0-7]\b' | head -5 || true)
[ -z "$found" ] || fail "the AVX2 kernels use AVX-512 instructions:"$'\n'"$found"

# Functions an object defines weakly (W), and all symbols it defines or references.
weak() { nm "$@" | awk '$(NF-1) == "W" { print $NF }' | sort -u; }
named() { nm "$@" | awk '{ print $NF }' | sort -u; }
shared=$(comm -12 <(weak "${avx2[@]}" "${avx512[@]}") <(named "${baseline[@]}") | head -5)
[ -z "$shared" ] || fail "baseline code shares weak symbols with the AVX kernels:"$'\n'"$shared"
shared=$(comm -12 <(weak "${avx512[@]}") <(named "${avx2[@]}") | head -5)
[ -z "$shared" ] || fail "the AVX2 kernels share weak symbols with the AVX-512 kernels:"$'\n'"$shared"

echo "x86-64: ${#baseline[@]} baseline objects without AVX or FMA; AVX2 kernels without AVX-512; no weak symbol shared across instruction sets"
