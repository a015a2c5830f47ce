#ifndef CACHE_HINTS_H
#define CACHE_HINTS_H

// Hints to the caches, which Swift has no spelling for: they change no result.

/// Asks the CPU to bring the cache line that holds `address` into its caches for a read soon.
/// A hint: it reads nothing, never faults and changes no result (PREFETCHT0 on x86-64, PRFM
/// on ARM64, nothing where a target has no such instruction).
static inline void depthwise_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

/// `depthwise_prefetch` for a read later: into the outer caches, leaving the first-level cache
/// to the data in use (PREFETCHT1 on x86-64).
static inline void depthwise_prefetch_outer(const void *address) {
    __builtin_prefetch(address, 0, 2);
}

/// Sixteen bytes, as four floats (`SIMD4<Float>` in Swift).
typedef float depthwise_bytes16 __attribute__((ext_vector_type(4)));

/// Stores 16 bytes at `address`, a multiple of 16, past the caches: the CPU writes whole lines
/// to memory without first reading them (MOVNTPS on x86-64, the only target the kernels use it
/// on). Stores to the same line from one thread gather into one write, ordered before the
/// thread's later stores only by `depthwise_store_fence`.
static inline void depthwise_stream_store(void *address, depthwise_bytes16 value) {
    __builtin_nontemporal_store(value, (depthwise_bytes16 *)address);
}

/// Makes the thread's earlier `depthwise_stream_store`s visible before any of its later stores
/// (SFENCE on x86-64).
static inline void depthwise_store_fence(void) {
#if defined(__x86_64__)
    __builtin_ia32_sfence();
#endif
}

#endif
