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
/// thread's workspace grows to the largest request and is freed when the thread ends.
///
/// Not inlinable: compiled once, for baseline x86-64, and called by every kernel module.
public enum Workspace {
    /// Requests above this many bytes get memory of their own, freed after the call, so that
    /// a thread keeps at most this much.
    public static let retainedByteLimit = 16 << 20

    /// Calls `body` with `byteCount` bytes of 64-byte-aligned memory, whose contents are
    /// unspecified. The memory is the calling thread's workspace, unless that is in use by an
    /// enclosing call or the request exceeds ``retainedByteLimit``.
    public static func withMemory(byteCount: Int, _ body: (UnsafeMutableRawPointer) -> Void) {
        let byteCount = max(byteCount, 1)
        guard let slot = currentSlot(), !slot.pointee.inUse, byteCount <= retainedByteLimit else {
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

    /// One thread's workspace.
    private struct Slot {
        var memory: UnsafeMutableRawPointer?
        var byteCount = 0
        var inUse = false
    }

    /// The key of the threads' slots; nil if the system has no key left (then every call allocates).
    private static let key: pthread_key_t? = {
        var key = pthread_key_t()
        let created = pthread_key_create(&key) { slot in
            #if canImport(Darwin)
                let slot = slot.assumingMemoryBound(to: Slot.self)
            #else
                guard let slot = slot?.assumingMemoryBound(to: Slot.self) else { return }
            #endif
            slot.pointee.memory?.deallocate()
            slot.deinitialize(count: 1)
            slot.deallocate()
        }
        return created == 0 ? key : nil
    }()

    /// The calling thread's slot, created on first use.
    private static func currentSlot() -> UnsafeMutablePointer<Slot>? {
        guard let key else { return nil }
        if let slot = pthread_getspecific(key) { return slot.assumingMemoryBound(to: Slot.self) }
        let slot = UnsafeMutablePointer<Slot>.allocate(capacity: 1)
        slot.initialize(to: Slot())
        guard pthread_setspecific(key, slot) == 0 else {
            slot.deallocate()
            return nil
        }
        return slot
    }
}
