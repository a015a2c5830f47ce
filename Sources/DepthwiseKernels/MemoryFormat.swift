import CacheHints

/// How a kernel's input buffers hold values: as its vectors' own scalars (``NativeFormat``),
/// as 16-bit values (a ``HalfFormat``) widened exactly as they load, or with each channel
/// standing for several (``RepeatedChannels``).
public protocol InputFormat {
    /// The buffers' element type.
    associatedtype Stored
    /// `V.laneCount` consecutive elements from `pointer`, as `V`'s scalars.
    static func load<V: KernelVector>(_: V.Type, _ pointer: UnsafePointer<Stored>) -> V
}

/// How a kernel's output buffers hold values: as its vectors' own scalars, as 16-bit values
/// rounded once as they store, or with each channel the sum of several (``SummedChannels``).
public protocol OutputFormat {
    /// The buffers' element type.
    associatedtype Stored
    /// Stores the lanes of `vector` into `V.laneCount` consecutive elements from `pointer`.
    static func store<V: KernelVector>(_ vector: V, to pointer: UnsafeMutablePointer<Stored>)
    /// How many of the kernels' channels each element of the buffer sums: 1 but for
    /// ``SummedChannels``, where offsets into the buffer count `Stored` values, that many per element.
    static var channelsSummed: Int { get }
    /// Makes the calling thread's stores visible before its later ones, which tell other threads
    /// that its results are ready: needed after ``Streamed``'s stores, nothing for the others.
    static func finishStores()
}

extension OutputFormat {
    @inlinable public static var channelsSummed: Int { 1 }
    @inlinable @inline(__always) public static func finishStores() {}
}

/// A format for inputs and outputs alike.
public typealias MemoryFormat = InputFormat & OutputFormat

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

/// Values added to those the buffer holds, target[i] += vector[i]: sums that several passes
/// build, in the vectors' own scalar type (`Stored == V.Element` at every use).
public enum Accumulating<Stored>: OutputFormat {
    @inlinable @inline(__always)
    public static func store<V: KernelVector>(_ vector: V, to pointer: UnsafeMutablePointer<Stored>) {
        let target = UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: V.Element.self)
        (V(loading: target) + vector).store(to: target)
    }
}

/// The values of format `Base` (``NativeFormat`` or a ``HalfFormat``) written past the caches:
/// a vector whose values fill whole groups of 16 bytes goes to memory without the CPU first
/// reading the lines it fills, as a store to a line not in the caches otherwise does. For
/// outputs larger than the caches, where that read is a third of the traffic. Every such
/// vector's address must be a multiple of 16 bytes, and the writing thread must call
/// ``finishStores()`` before its results are read.
public enum Streamed<Base: OutputFormat>: OutputFormat {
    public typealias Stored = Base.Stored

    @inlinable @inline(__always)
    public static func store<V: KernelVector>(_ vector: V, to pointer: UnsafeMutablePointer<Stored>) {
        let size = V.laneCount * MemoryLayout<Stored>.stride
        guard size % 16 == 0, size <= 64 else { return Base.store(vector, to: pointer) }
        // The bytes as `Base` stores them, which the compiler keeps in registers.
        var groups = InlineArray<4, SIMD4<Float>>(repeating: .zero)
        withUnsafeMutableBytes(of: &groups) { bytes in
            Base.store(vector, to: bytes.baseAddress.unsafelyUnwrapped.assumingMemoryBound(to: Stored.self))
        }
        for group in 0..<(size / 16) { depthwise_stream_store(UnsafeMutableRawPointer(pointer) + group * 16, groups[group]) }
    }

    @inlinable @inline(__always) public static func finishStores() { depthwise_store_fence() }
}

/// An input of `Scalar`s read by kernels that count its channels as a channel multiplier M
/// counts the output's: input channel c stands for channels c*M ..< c*M + M, so that the
/// kernels read the input in place instead of a copy with each channel repeated M times.
///
/// `Stored` is a type of 1/M the scalar's size (M = 2 or 4): an offset counted in output
/// channels, p*C*M + k for channel k of pixel p, then lies within the bytes of the input
/// element that channel reads, p*C + k/M. A load rounds the address down to that element and
/// repeats each element it reads M times. A vector of L lanes must start at a channel that
/// is a multiple of min(L, M), as channels do where vectors are taken widest first.
public enum RepeatedChannels<Stored, Scalar: KernelScalar>: InputFormat {
    @inlinable static var multiplier: Int { MemoryLayout<Scalar>.stride / MemoryLayout<Stored>.stride }

    @inlinable @inline(__always)
    public static func load<V: KernelVector>(_: V.Type, _ pointer: UnsafePointer<Stored>) -> V {
        let element = elementStart(holding: pointer, elementSize: MemoryLayout<Scalar>.stride).assumingMemoryBound(to: V.Element.self)
        // Lanes that all lie within one element's repeats (L up to M): that element, broadcast.
        return V.laneCount <= multiplier ? V(broadcasting: element.pointee) : V(loadingRepeating: element, times: multiplier)
    }
}

/// An output of `Scalar`s written by kernels that count its channels as a channel multiplier M
/// counts the input's: output channel c receives the sum of the kernels' channels
/// c*M ..< c*M + M, added in order (an input gradient, whose input channel c is the sum over
/// the multiplier of its output channels' gradients).
///
/// `Stored` is a type of 1/M the scalar's size (M = 2 or 4), as for ``RepeatedChannels``:
/// an offset counted in the kernels' channels lies within the bytes of the element it sums
/// into. A vector of at least M lanes (at a channel that is a multiple of M) stores the sums
/// of its groups of M lanes; a narrower one adds its lanes to the element, after what the
/// channels before it in the group stored, so that the kernels must compute each pixel's
/// channels in increasing order, and such lanes once.
public enum SummedChannels<Stored, Scalar: KernelScalar>: OutputFormat {
    @inlinable public static var channelsSummed: Int { multiplier }
    @inlinable static var multiplier: Int { MemoryLayout<Scalar>.stride / MemoryLayout<Stored>.stride }

    @inlinable @inline(__always)
    public static func store<V: KernelVector>(_ vector: V, to pointer: UnsafeMutablePointer<Stored>) {
        let start = elementStart(holding: pointer, elementSize: MemoryLayout<Scalar>.stride)
        let element = UnsafeMutableRawPointer(mutating: start).assumingMemoryBound(to: V.Element.self)
        guard V.laneCount < multiplier else { return vector.store(summingGroupsOf: multiplier, to: element) }
        // The first lane of a group starts the sum; the others add to it.
        var sum = UnsafeRawPointer(pointer) == start ? vector.lane(0) : element.pointee + vector.lane(0)
        for i in 1..<V.laneCount { sum += vector.lane(i) }
        element.pointee = sum
    }
}

/// The first byte of the element, in a buffer of elements of `elementSize` bytes (a power of
/// two), that holds the byte at `pointer`: its address rounded down to a multiple of the size,
/// where a buffer's elements lie. (A mask, not a remainder and a subtraction, which took
/// registers from the kernels' loops.)
@inlinable @inline(__always)
func elementStart<Stored>(holding pointer: UnsafePointer<Stored>, elementSize: Int) -> UnsafeRawPointer {
    UnsafeRawPointer(bitPattern: UInt(bitPattern: pointer) & ~UInt(elementSize - 1)).unsafelyUnwrapped
}
