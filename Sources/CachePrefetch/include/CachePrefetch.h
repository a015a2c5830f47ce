#ifndef CACHE_PREFETCH_H
#define CACHE_PREFETCH_H

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

#endif
