#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Working memory that each thread keeps from one kernel call to the next.
///
/// The kernels' per-thread buffers (a band of widened rows, a padded plane) are a few hundred
/// kilobytes: freshly allocated on every call, each of their pages would fault in again. A
/// thread's workspace grows to the largest request and is freed when the thread ends. It has
/// one buffer for each of ``levelCount`` nested calls: a group of channels widened to `Float`
/// stays in the first while the `Float` kernels that compute it use the second; a filter
/// widened to `Float` stays in the first while a strided input gradient keeps its stride
/// phases' filters in the second and the calling thread's rows in the third.
///
/// Not inlinable: compiled once, for baseline x86-64, and called by every kernel module.
public enum Workspace {
    /// Requests above this many bytes get memory of their own, freed after the call, so that
    /// a thread keeps at most this much at each level.
    public static let retainedByteLimit = 16 << 20

    /// The nested calls that get kept memory; calls nested deeper get memory of their own.
    public static let levelCount = 3

    /// Calls `body` with `byteCount` bytes of 64-byte-aligned memory, whose contents are
    /// unspecified. The memory is the calling thread's buffer for the first level that no
    /// enclosing call uses, unless all are in use or the request exceeds ``retainedByteLimit``.
    public static func withMemory(byteCount: Int, _ body: (UnsafeMutableRawPointer) -> Void) {
        let byteCount = max(byteCount, 1)
        guard byteCount <= retainedByteLimit, let levels = currentLevels(),
            let slot = (0..<levelCount).lazy.map({ levels + $0 }).first(where: { !$0.pointee.inUse })
        else {
            let memory = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: alignment)
            defer { memory.deallocate() }
            return body(memory)
        }
        if slot.pointee.byteCount < byteCount {
            slot.pointee.memory?.deallocate()
            slot.pointee.memory = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: alignment)
            slot.pointee.byteCount = byteCount
        }
        slot.pointee.inUse = true
        defer { slot.pointee.inUse = false }
        body(slot.pointee.memory!)
    }

    private static let alignment = 64

    /// One level of a thread's workspace.
    private struct Slot {
        var memory: UnsafeMutableRawPointer?
        var byteCount = 0
        var inUse = false
    }

    /// The key of the threads' levels; nil if the system has no key left (then every call allocates).
    private static let key: pthread_key_t? = {
        var key = pthread_key_t()
        let created = pthread_key_create(&key) { levels in
            #if canImport(Darwin)
                let levels = levels.assumingMemoryBound(to: Slot.self)
            #else
                guard let levels = levels?.assumingMemoryBound(to: Slot.self) else { return }
            #endif
            for level in 0..<levelCount { levels[level].memory?.deallocate() }
            levels.deinitialize(count: levelCount)
            levels.deallocate()
        }
        return created == 0 ? key : nil
    }()

    /// The calling thread's ``levelCount`` slots, created on first use.
    private static func currentLevels() -> UnsafeMutablePointer<Slot>? {
        guard let key else { return nil }
        if let levels = pthread_getspecific(key) { return levels.assumingMemoryBound(to: Slot.self) }
        let levels = UnsafeMutablePointer<Slot>.allocate(capacity: levelCount)
        levels.initialize(repeating: Slot(), count: levelCount)
        guard pthread_setspecific(key, levels) == 0 else {
            levels.deinitialize(count: levelCount)
            levels.deallocate()
            return nil
        }
        return levels
    }
}
