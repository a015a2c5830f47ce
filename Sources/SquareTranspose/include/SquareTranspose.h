#ifndef SQUARE_TRANSPOSE_H
#define SQUARE_TRANSPOSE_H

// Transposes of one square of vector registers, target[j * targetStride + i] =
// source[i * sourceStride + j] for i, j below the lane count, written with clang's generic
// vector shuffles: each instruction set compiles them to its own shuffle instructions (on AVX,
// 24 for 8x8 floats), where Swift's lane moves, which LLVM combined across the rounds, became
// about a hundred blends, broadcasts and inserts.

typedef float depthwise_float4 __attribute__((ext_vector_type(4)));
typedef float depthwise_float8 __attribute__((ext_vector_type(8)));
typedef double depthwise_double4 __attribute__((ext_vector_type(4)));

/// 8x8 floats: pairs of rows interleaved within each half, then pairs of pairs, then halves
/// swapped between the two groups of four rows.
static inline void depthwise_transpose_float8x8(const float *source, long sourceStride, float *target, long targetStride) {
    depthwise_float8 r[8], a[8], b[8];
    for (int i = 0; i < 8; i++) __builtin_memcpy(&r[i], source + i * sourceStride, sizeof r[i]);
    for (int i = 0; i < 8; i += 2) {
        a[i] = __builtin_shufflevector(r[i], r[i + 1], 0, 8, 1, 9, 4, 12, 5, 13);
        a[i + 1] = __builtin_shufflevector(r[i], r[i + 1], 2, 10, 3, 11, 6, 14, 7, 15);
    }
    for (int i = 0; i < 8; i += 4) {
        b[i] = __builtin_shufflevector(a[i], a[i + 2], 0, 1, 8, 9, 4, 5, 12, 13);
        b[i + 1] = __builtin_shufflevector(a[i], a[i + 2], 2, 3, 10, 11, 6, 7, 14, 15);
        b[i + 2] = __builtin_shufflevector(a[i + 1], a[i + 3], 0, 1, 8, 9, 4, 5, 12, 13);
        b[i + 3] = __builtin_shufflevector(a[i + 1], a[i + 3], 2, 3, 10, 11, 6, 7, 14, 15);
    }
    for (int j = 0; j < 4; j++) {
        depthwise_float8 low = __builtin_shufflevector(b[j], b[j + 4], 0, 1, 2, 3, 8, 9, 10, 11);
        depthwise_float8 high = __builtin_shufflevector(b[j], b[j + 4], 4, 5, 6, 7, 12, 13, 14, 15);
        __builtin_memcpy(target + j * targetStride, &low, sizeof low);
        __builtin_memcpy(target + (j + 4) * targetStride, &high, sizeof high);
    }
}

/// 4x4 floats: pairs of rows interleaved, then halves taken from each pair.
static inline void depthwise_transpose_float4x4(const float *source, long sourceStride, float *target, long targetStride) {
    depthwise_float4 r[4], a[4];
    for (int i = 0; i < 4; i++) __builtin_memcpy(&r[i], source + i * sourceStride, sizeof r[i]);
    for (int i = 0; i < 4; i += 2) {
        a[i] = __builtin_shufflevector(r[i], r[i + 1], 0, 4, 1, 5);
        a[i + 1] = __builtin_shufflevector(r[i], r[i + 1], 2, 6, 3, 7);
    }
    for (int j = 0; j < 2; j++) {
        depthwise_float4 even = __builtin_shufflevector(a[j], a[j + 2], 0, 1, 4, 5);
        depthwise_float4 odd = __builtin_shufflevector(a[j], a[j + 2], 2, 3, 6, 7);
        __builtin_memcpy(target + 2 * j * targetStride, &even, sizeof even);
        __builtin_memcpy(target + (2 * j + 1) * targetStride, &odd, sizeof odd);
    }
}

/// 4x4 doubles: pairs of rows interleaved within each half, then halves swapped between the
/// two pairs.
static inline void depthwise_transpose_double4x4(const double *source, long sourceStride, double *target, long targetStride) {
    depthwise_double4 r[4], a[4];
    for (int i = 0; i < 4; i++) __builtin_memcpy(&r[i], source + i * sourceStride, sizeof r[i]);
    for (int i = 0; i < 4; i += 2) {
        a[i] = __builtin_shufflevector(r[i], r[i + 1], 0, 4, 2, 6);
        a[i + 1] = __builtin_shufflevector(r[i], r[i + 1], 1, 5, 3, 7);
    }
    for (int j = 0; j < 2; j++) {
        depthwise_double4 low = __builtin_shufflevector(a[j], a[j + 2], 0, 1, 4, 5);
        depthwise_double4 high = __builtin_shufflevector(a[j], a[j + 2], 2, 3, 6, 7);
        __builtin_memcpy(target + j * targetStride, &low, sizeof low);
        __builtin_memcpy(target + (j + 2) * targetStride, &high, sizeof high);
    }
}

#endif
