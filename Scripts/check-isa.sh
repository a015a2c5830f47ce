#!/usr/bin/env bash
# Checks that one release build runs on any x86-64:
# 1. Code outside the AVX2 and AVX-512 kernel modules uses no AVX, AVX2, AVX-512 or FMA
#    instruction (VEX or EVEX encoded), and the AVX2 module no AVX-512 one.
# 2. No function compiled for a wider instruction set can replace one that narrower code calls:
#    a kernel module's weak (link-once) definitions, such as generic specializations, that code
#    built for a narrower set also defines or references must use only the narrower set, since
#    the linker keeps one copy of each.
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
weak() { nm "$@" | awk 'NF >= 2 && $(NF-1) == "W" { print $NF }' | sort -u; }
named() { nm "$@" | awk 'NF >= 2 { print $NF }' | sort -u; }
# Instructions of the Haswell set beyond baseline x86-64 that are not vector instructions.
scalar='\b(andn|bextr|blsi|blsmsk|blsr|bzhi|mulx|pdep|pext|rorx|sarx|shlx|shrx|lzcnt|tzcnt|movbe|popcnt)\b'
# A weak function of a wider module that narrower code also names must itself use only the
# narrower set: then whichever copy the linker keeps runs everywhere.
check_shared() { # narrower-pattern wider-objects... -- narrower-objects...
    local pattern=$1 wide=() narrow=()
    shift
    while [ "$1" != -- ]; do wide+=("$1"); shift; done
    shift
    narrow=("$@")
    for symbol in $(comm -12 <(weak "${wide[@]}") <(named "${narrow[@]}")); do
        for object in "${wide[@]}"; do
            body=$(objdump -d --no-show-raw-insn --disassemble="$symbol" "$object" | grep -E "$pattern" | head -3 || true)
            [ -z "$body" ] || fail "$symbol in $object, which narrower code may call, uses:"$'\n'"$body"
        done
    done
}
check_shared "$vector|$scalar" "${avx2[@]}" "${avx512[@]}" -- "${baseline[@]}"
check_shared '%zmm[0-9]|%k[0-7]\b' "${avx512[@]}" -- "${avx2[@]}"

echo "x86-64: ${#baseline[@]} baseline objects without AVX or FMA; AVX2 kernels without AVX-512; functions shared across instruction sets use only the narrower one"
