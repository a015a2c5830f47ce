/// SIMD kernels for NHWC tensors, vectorized over channels.
///
/// They see `K = channels * multiplier` channels: when the multiplier exceeds 1, the input
/// channel `c` stands for `c*M ..< c*M + M`, read in place (``RepeatedChannels``) or from a
/// copy that repeats it, and the filter `[KH, KW, C, M]` is then `[KH, KW, K]`.
public enum NHWCKernels<F: VectorFamily> {
    public typealias T = F.Scalar

    /// expanded[p, c*M + q] = input[p, c] for the pixels p of input rows `rows` (of `batch * inputHeight`).
    @inlinable
    public static func expand(
        _ g: KernelGeometry, rows: Range<Int>, input: UnsafePointer<T>, into expanded: UnsafeMutablePointer<T>
    ) {
        let rowSize = g.inputWidth * g.channels
        // Vector loads may read past the rows, but not past the input.
        expand(
            g, count: rows.count * rowSize, readable: (g.batch * g.inputHeight - rows.lowerBound) * rowSize,
            from: input + rows.lowerBound * rowSize, into: expanded)
    }

    /// expanded[p, c*M + q] = input[p, c] for the pixels p of input rows `rows` (of `batch * inputHeight`)
    /// and the input channels c that output channels `channels` read: the rows whole where
    /// those are all the channels, else pixel by pixel.
    @inlinable
    public static func expand(
        _ g: KernelGeometry, rows: Range<Int>, channels: Range<Int>, input: UnsafePointer<T>,
        into expanded: UnsafeMutablePointer<T>
    ) {
        let inputChannels = inputChannels(g, readBy: channels)
        guard inputChannels.count < g.channels else { return expand(g, rows: rows, input: input, into: expanded) }
        let (inputCount, first) = (g.inputCount, rows.lowerBound * g.inputWidth)
        for p in first..<rows.upperBound * g.inputWidth {
            let source = p * g.channels + inputChannels.lowerBound
            expand(
                g, count: inputChannels.count, readable: inputCount - source, from: input + source,
                into: expanded + ((p - first) * g.outputChannels + inputChannels.lowerBound * g.multiplier))
        }
    }

    /// The input channels that output channels `channels` read: c*M + q reads c.
    @inlinable
    static func inputChannels(_ g: KernelGeometry, readBy channels: Range<Int>) -> Range<Int> {
        channels.lowerBound / g.multiplier..<(channels.upperBound + g.multiplier - 1) / g.multiplier
    }

    /// expanded[i*M + q] = source[i] for i in 0..<count, reading no element past source[readable - 1].
    @inlinable
    static func expand(
        _ g: KernelGeometry, count: Int, readable: Int, from source: UnsafePointer<T>, into expanded: UnsafeMutablePointer<T>
    ) {
        let m = g.multiplier
        var i = 0
        switch m {  // constant repeat counts, which compile to shuffles
        case 2: expand(F.Register.self, times: 2, count, readable, source, expanded, &i)
        case 4: expand(F.Register.self, times: 4, count, readable, source, expanded, &i)
        default: break
        }
        while i < count {
            for q in 0..<m { expanded[i * m + q] = source[i] }
            i += 1
        }
    }

    @inlinable @inline(__always)
    static func expand<V: KernelVector>(
        _: V.Type, times m: Int, _ count: Int, _ readable: Int, _ source: UnsafePointer<T>, _ expanded: UnsafeMutablePointer<T>,
        _ i: inout Int
    ) where V.Element == T {
        let step = V.laneCount / m  // source elements per vector
        guard step > 0 else { return }
        while i + step <= count && i + V.laneCount <= readable {
            V(loadingRepeating: source + i, times: m).store(to: expanded + i * m)
            i += step
        }
    }
}

extension NHWCKernels {
    /// The input gradient of a convolution with unit strides, as a forward convolution
    /// (``KernelGeometry/inputGradientAsForward``) on the register-blocked forward kernel, over
    /// the `C*M` channels of the output gradient, each pixel's summed over the multiplier as it
    /// stores (``SummedChannels``), for the multipliers of ``storesSummedChannels(_:)``.
    @inlinable
    public static func backpropInputWithUnitStrides(
        _ g: KernelGeometry, outputGradient: UnsafePointer<T>, filter: UnsafePointer<T>,
        inputGradient: UnsafeMutablePointer<T>, threadCount: Int
    ) {
        let asForward = g.inputGradientAsForward
        func forward<Stored>(summingInto _: Stored.Type) {
            let inputGradient = UnsafeMutableRawPointer(inputGradient).assumingMemoryBound(to: Stored.self)
            Self.forward(
                NativeFormat<T>.self, SummedChannels<Stored, T>.self, asForward, input: outputGradient, filter: filter,
                output: inputGradient, threadCount: threadCount, turningFilter: true)
        }
        switch (MemoryLayout<T>.stride, g.multiplier) {
        case (4, 2): forward(summingInto: UInt16.self)
        case (4, 4): forward(summingInto: UInt8.self)
        case (8, 2): forward(summingInto: UInt32.self)
        case (8, 4): forward(summingInto: UInt16.self)
        default:
            Self.forward(
                NativeFormat<T>.self, storing: NativeFormat<T>.self, asForward, input: outputGradient, filter: filter,
                output: inputGradient, threadCount: threadCount, turningFilter: true)
        }
    }

    /// Whether the kernels write an input gradient of `g`'s multiplier summed as they store
    /// (``SummedChannels``): for multiplier 1, and for 2 and 4 in `Float` and `Double` where a
    /// register holds a whole group of channels (blocks of columns may compute a column twice,
    /// which narrower vectors, adding to what is stored, must not).
    @inlinable
    public static func storesSummedChannels(_ g: KernelGeometry) -> Bool {
        g.multiplier == 1 || ((g.multiplier == 2 || g.multiplier == 4) && F.Register.laneCount >= g.multiplier)
    }

    /// Calls `body` with `filter`, or with it turned (``withTurnedFilter(_:_:_:)``) where `turned`.
    @inlinable @inline(__always)
    static func withFilter(_ g: KernelGeometry, _ filter: UnsafePointer<T>, turned: Bool, _ body: (UnsafePointer<T>) -> Void) {
        if turned { withTurnedFilter(g, filter, body) } else { body(filter) }
    }

    /// Calls `body` with the filter `[KH, KW, K]` turned by 180 degrees: tap t holds tap KH*KW - 1 - t.
    /// The turned filter lies in the calling thread's ``Workspace``: allocated and freed on every
    /// call, it took 3% to 6% of the small layers' input gradients. Each thread of a parallel
    /// call turns its own: a copy that one thread writes on every call and the others read
    /// moves from core to core each time (7x7x960's input gradient took 1.6 times as long as
    /// its forward pass on two threads).
    @inlinable
    static func withTurnedFilter(_ g: KernelGeometry, _ filter: UnsafePointer<T>, _ body: (UnsafePointer<T>) -> Void) {
        let (taps, k) = (g.filterHeight * g.filterWidth, g.outputChannels)
        Workspace.withMemory(byteCount: taps * k * MemoryLayout<T>.stride) { memory in
            let turned = memory.bindMemory(to: T.self, capacity: taps * k)
            for tap in 0..<taps {
                (turned + tap * k).update(from: filter + (taps - 1 - tap) * k, count: k)
            }
            body(turned)
        }
    }
}
