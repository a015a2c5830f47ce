#!/usr/bin/env bash
# Fuzzes the .npy reader, the convolution (validation and kernels against the reference) and
# the Keras config reader with libFuzzer and AddressSanitizer, starting from the committed corpus
# in Fuzz/Corpus.
#
#   Scripts/fuzz.sh [RUNS] [TARGET...]     RUNS defaults to 1000000; targets: npy convolution keras-config
#
# New inputs libFuzzer finds go to .build-fuzz/corpus/TARGET; a failing input is written to
# .build-fuzz/crash-*, and the script exits non-zero. Copy a fixed crash into Fuzz/Corpus/TARGET
# so that FuzzCorpusTests keeps replaying it.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-1000000}"
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(npy convolution keras-config)

# The libraries are built by SwiftPM with coverage instrumentation; the entry point is linked here,
# because SwiftPM's executables bring their own `main` and libFuzzer brings another.
flags=(-DFUZZING -sanitize=fuzzer,address)
swift build -c release --target FuzzTargets --scratch-path .build-fuzz "${flags[@]/#/-Xswiftc=}"
build=.build-fuzz/release
binary=.build-fuzz/depthwise-fuzz
swiftc -O "${flags[@]}" -parse-as-library -I "$build/Modules" \
    -Xcc -fmodule-map-file="$build/CacheHints.build/module.modulemap" \
    -Xcc -fmodule-map-file="$build/SquareTranspose.build/module.modulemap" Fuzz/Entry/FuzzEntry.swift \
    "$build"/{DepthwiseConvolution,DepthwiseKernels,DepthwiseKernelsAVX2,DepthwiseKernelsAVX512,DepthwiseLayers,NumPyFormat,FuzzTargets}.build/*.o -o "$binary"

for target in "${targets[@]}"; do
    mkdir -p ".build-fuzz/corpus/$target"
    echo "== $target: $runs runs"
    DEPTHWISE_FUZZ_TARGET="$target" "$binary" -runs="$runs" -max_len=4096 -print_final_stats=1 \
        -artifact_prefix=.build-fuzz/ ".build-fuzz/corpus/$target" "Fuzz/Corpus/$target"
done
