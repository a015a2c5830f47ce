/// How a kernel's buffers hold values: as its vectors' own scalars (``NativeFormat``), or as
/// 16-bit values (a ``HalfFormat``) that are widened exactly as they load and rounded once as
/// they store.
public protocol MemoryFormat {
    /// The buffers' element type.
    associatedtype Stored
    /// `V.laneCount` consecutive elements from `pointer`, as `V`'s scalars.
    static func load<V: KernelVector>(_: V.Type, _ pointer: UnsafePointer<Stored>) -> V
    /// Stores the lanes of `vector` into `V.laneCount` consecutive elements from `pointer`.
    static func store<V: KernelVector>(_ vector: V, to pointer: UnsafeMutablePointer<Stored>)
}

/// Buffers of the vectors' own scalar type (`Stored == V.Element` at every use).
public enum NativeFormat<Stored>: MemoryFormat {
    @inlinable @inline(__always)
    public static func load<V: KernelVector>(_: V.Type, _ pointer: UnsafePointer<Stored>) -> V {
        V(loading: UnsafeRawPointer(pointer).assumingMemoryBound(to: V.Element.self))
    }

    @inlinable @inline(__always)
    public static func store<V: KernelVector>(_ vector: V, to pointer: UnsafeMutablePointer<Stored>) {
        vector.store(to: UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: V.Element.self))
    }
}
