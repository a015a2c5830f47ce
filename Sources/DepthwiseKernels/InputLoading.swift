/// How a kernel loads its input into vectors: as the vectors' own scalars, or as 16-bit
/// values widened while they load.
public protocol InputLoading {
    /// The input's element type.
    associatedtype Stored
    /// `V.laneCount` consecutive input elements from `pointer`, as `V`'s scalars.
    static func load<V: KernelVector>(_: V.Type, _ pointer: UnsafePointer<Stored>) -> V
}

/// Input of the vectors' own scalar type (`Stored == V.Element` at every use).
public enum PlainLoads<Stored>: InputLoading {
    @inlinable @inline(__always)
    public static func load<V: KernelVector>(_: V.Type, _ pointer: UnsafePointer<Stored>) -> V {
        V(loading: UnsafeRawPointer(pointer).assumingMemoryBound(to: V.Element.self))
    }
}

/// Input of 16-bit values in format `H`, each widened exactly as it loads.
public enum WideningLoads<H: HalfFormat>: InputLoading {
    @inlinable @inline(__always)
    public static func load<V: KernelVector>(_: V.Type, _ pointer: UnsafePointer<UInt16>) -> V {
        V(widening: pointer, H.self)
    }
}
