import SquareTranspose

/// Computations in blocks of channels, each on one thread through the NHWC kernels.
///
/// A plane of a few hundred elements is too short for the flat convolution of ``NCHWKernels``:
/// its fixed costs per plane (copying the rows in and out, the weights, the short tails)
/// outweigh its multiply-adds. Instead, each work item takes the planes of a block of
/// channels (for the whole batch), transposes them into an NHWC tensor in working memory,
/// computes there with the register-blocked NHWC kernels on its own thread, and transposes
/// the result back. The NHWC filter gradient of few output rows, split across threads by
/// rows, would sum partial filters of all channels; in blocks (copied, not transposed), each
/// thread sums its own channels' partial filters in cache. A block's result does not depend on
/// the thread that computes it.
public enum ChannelBlocks<F: VectorFamily> {
    public typealias T = F.Scalar

    /// The number of blocks: as few as leave each block's tensors within about 1 MiB, a core's
    /// cache (the NHWC kernels' costs per row are shared by the row's channels), and even, so
    /// that two threads share them evenly. From the geometry alone, so that the blocks are the
    /// same for every thread count.
    @inlinable
    static func blockCount(_ g: KernelGeometry) -> Int {
        let bytes = bytesPerChannel(g) * Double(g.channels)
        let count = Int(min(bytes / Double(1 << 20), Double(Int.max / 2)).rounded(.up))
        return min(max(2, count + count % 2), registerCount(g))
    }

    /// The bytes of a block's tensors per input channel: input, filter and output, in floating
    /// point (the products may not fit in an Int for geometries without elements).
    @inlinable
    static func bytesPerChannel(_ g: KernelGeometry) -> Double {
        let (inputPlane, outputPlane) = (Double(g.inputHeight) * Double(g.inputWidth), Double(g.outputHeight) * Double(g.outputWidth))
        let elements =
            Double(g.batch) * (inputPlane + outputPlane * Double(g.multiplier))
            + Double(g.filterHeight) * Double(g.filterWidth) * Double(g.multiplier)
        return elements * Double(MemoryLayout<T>.stride)
    }

    /// The registers of channels, the unit the blocks are made of: the last may be partial.
    @inlinable
    static func registerCount(_ g: KernelGeometry) -> Int {
        let (whole, rest) = g.channels.quotientAndRemainder(dividingBy: F.Register.laneCount)
        return whole + (rest > 0 ? 1 : 0)
    }

    /// The input channels of block `block` of `blocks`: whole registers, as evenly shared as they go.
    @inlinable
    static func channels(ofBlock block: Int, of blocks: Int, _ g: KernelGeometry) -> Range<Int> {
        let (registers, lanes) = (registerCount(g), F.Register.laneCount)
        return min(g.channels, block * registers / blocks * lanes)..<min(g.channels, (block + 1) * registers / blocks * lanes)
    }

    /// Whether blocks serve `call` better than the whole-tensor kernels (measured on the suite's
    /// layers), and a block's tensors fit the workspace. NCHW: for the filter gradient of at
    /// most 1024 output pixels, whose flat dot products are short per tap. Otherwise for planes
    /// of at most 400 elements and strided planes up to about 45x45 (whose flat phases are
    /// short). NHWC: the filter gradient of at most 400 output pixels, unless it goes one
    /// register of channels at a time (``NHWCKernels/sweepsByChannels(_:)``).
    @inlinable
    public static func serve(_ call: KernelRun) -> Bool {
        let g = call.geometry
        let (inputPlane, outputPlane) = (Double(g.inputHeight) * Double(g.inputWidth), Double(g.outputHeight) * Double(g.outputWidth))
        let small: Bool
        switch (call.layout, call.operation) {
        case (.nchw, .backpropFilter): small = outputPlane <= 1024
        case (.nchw, .forward), (.nchw, .backpropInput):
            small = max(inputPlane, outputPlane) <= 400 || (g.strides != (1, 1) && inputPlane <= 2048)
        case (.nhwc, .backpropFilter): small = outputPlane <= 400 && !NHWCKernels<F>.sweepsByChannels(g)
        case (.nhwc, _): small = false
        }
        let blocks = max(1, blockCount(g))
        let widest = (registerCount(g) + blocks - 1) / blocks * F.Register.laneCount
        return small && bytesPerChannel(g) * Double(widest) <= 8 * 1024 * 1024
    }

    /// Runs `call` (a computation on `F.Scalar` elements) block by block.
    @inlinable
    public static func run(_ call: KernelRun) {
        run(call, NativeFormat<T>.self)
    }

    /// Runs `call`, whose buffers hold values of format `H` (``NativeFormat``, or 16-bit values
    /// computed in `Float`), block by block: each block widened as it is transposed in, its
    /// result rounded as it is transposed out.
    @inlinable
    public static func run<H: MemoryFormat>(_ call: KernelRun, _: H.Type) {
        let g = call.geometry
        let blocks = blockCount(g)
        Parallel.forEach(blocks, threadCount: call.threadCount, work: g.multiplyAddCount) { range in
            for block in range {
                let channels = channels(ofBlock: block, of: blocks, g)
                var blockGeometry = g
                blockGeometry.channels = channels.count
                Workspace.withMemory(byteCount: blockBytes(g, channels: channels.count)) { memory in
                    run(call, H.self, blockGeometry, firstChannel: channels.lowerBound, memory)
                }
            }
        }
    }

    /// The bytes of a block's three tensors of `channels` input channels: input, filter, output.
    @inlinable
    static func blockBytes(_ g: KernelGeometry, channels: Int) -> Int {
        let (input, filter, output) = tensorBytes(g, channels: channels)
        return input + filter + output
    }

    /// The bytes of each of a block's tensors, rounded up to 64.
    @inlinable
    static func tensorBytes(_ g: KernelGeometry, channels: Int) -> (input: Int, filter: Int, output: Int) {
        var block = g
        block.channels = channels
        let rounded = { (count: Int) in (count * MemoryLayout<T>.stride + 63) & ~63 }
        return (rounded(block.inputCount), rounded(block.filterCount), rounded(block.outputCount))
    }

    /// The block of `block.channels` input channels from `firstChannel` of `call`, in `memory`.
    @inlinable
    static func run<H: MemoryFormat>(
        _ call: KernelRun, _: H.Type, _ block: KernelGeometry, firstChannel: Int, _ memory: UnsafeMutableRawPointer
    ) {
        let g = call.geometry
        let bytes = tensorBytes(g, channels: block.channels)
        let part = { (offset: Int) in (memory + offset).assumingMemoryBound(to: T.self) }
        let (inputPlane, outputPlane) = (g.inputHeight * g.inputWidth, g.outputHeight * g.outputWidth)
        let nchw = call.layout == .nchw
        let input = Part(
            block: part(0), perChannel: 1, rows: nchw ? g.batch : g.batch * inputPlane, plane: nchw ? inputPlane : nil)
        let filter = Part(
            block: part(bytes.input), perChannel: g.multiplier, rows: g.filterHeight * g.filterWidth, plane: nil)
        let output = Part(
            block: part(bytes.input + bytes.filter), perChannel: g.multiplier, rows: nchw ? g.batch : g.batch * outputPlane,
            plane: nchw ? outputPlane : nil)
        let (a, b, result): (Part, Part, Part)
        switch call.operation {
        case .forward: (a, b, result) = (input, filter, output)
        case .backpropInput: (a, b, result) = (output, filter, input)
        case .backpropFilter: (a, b, result) = (input, output, filter)
        }
        a.gather(g, block, firstChannel, from: call.a.assumingMemoryBound(to: H.Stored.self), H.self)
        b.gather(g, block, firstChannel, from: call.b.assumingMemoryBound(to: H.Stored.self), H.self)
        let precision: KernelPrecision = T.self == Double.self ? .float64 : .float32
        KernelRun(
            operation: call.operation, layout: .nhwc, geometry: block, precision: precision, a: a.block, b: b.block,
            result: result.block, threadCount: 1
        ).runWhole(F.self)
        result.scatter(g, block, firstChannel, to: call.result.assumingMemoryBound(to: H.Stored.self), H.self)
    }

    /// One tensor of a block: its NHWC (or filter) buffer, and how its channels map to the whole tensor's.
    @usableFromInline
    struct Part {
        @usableFromInline let block: UnsafeMutablePointer<T>
        /// Channels of the tensor per input channel: 1 for the input, M for the output and filter.
        @usableFromInline let perChannel: Int
        /// Rows of all channels (the batch of an NCHW tensor, the pixels of an NHWC one, the filter taps).
        @usableFromInline let rows: Int
        /// NCHW: the elements of one channel plane; nil where channels come last.
        @usableFromInline let plane: Int?

        @inlinable
        init(block: UnsafeMutablePointer<T>, perChannel: Int, rows: Int, plane: Int?) {
            (self.block, self.perChannel, self.rows, self.plane) = (block, perChannel, rows, plane)
        }

        /// The block's channels of `tensor` (values of format `H`), channels last:
        /// block[r, p, k] = tensor[r, first + k, p] for NCHW tensors (transposed),
        /// block[r, k] = tensor[r, first + k] otherwise, first = firstChannel * perChannel.
        @inlinable
        func gather<H: MemoryFormat>(
            _ g: KernelGeometry, _ b: KernelGeometry, _ firstChannel: Int, from tensor: UnsafePointer<H.Stored>, _: H.Type
        ) {
            let (k, total, first) = (b.channels * perChannel, g.channels * perChannel, firstChannel * perChannel)
            guard let plane else {
                for r in 0..<rows {
                    FlatPlane.copy(F.self, H.self, NativeFormat<T>.self, k, from: tensor + r * total + first, to: block + r * k)
                }
                return
            }
            for r in 0..<rows {
                transpose(
                    H.self, NativeFormat<T>.self, rows: k, columns: plane, tensor + (r * total + first) * plane, stride: plane,
                    to: block + r * plane * k, stride: k)
            }
        }

        /// The inverse of ``gather(_:_:_:from:_:)``: the block's result into its channels of `tensor`.
        @inlinable
        func scatter<H: MemoryFormat>(
            _ g: KernelGeometry, _ b: KernelGeometry, _ firstChannel: Int, to tensor: UnsafeMutablePointer<H.Stored>, _: H.Type
        ) {
            let (k, total, first) = (b.channels * perChannel, g.channels * perChannel, firstChannel * perChannel)
            guard let plane else {
                for r in 0..<rows {
                    FlatPlane.copy(F.self, NativeFormat<T>.self, H.self, k, from: block + r * k, to: tensor + r * total + first)
                }
                return
            }
            for r in 0..<rows {
                transpose(
                    NativeFormat<T>.self, H.self, rows: plane, columns: k, block + r * plane * k, stride: k,
                    to: tensor + (r * total + first) * plane, stride: plane)
            }
        }
    }

    /// target[j * targetStride + i] = source[i * sourceStride + j] for i in 0..<rows, j in 0..<columns,
    /// read as format `I` reads them and stored as format `O` stores them: squares of one
    /// register's lanes, then the edges lane by lane.
    @inlinable
    static func transpose<I: InputFormat, O: OutputFormat>(
        _: I.Type, _: O.Type, rows: Int, columns: Int, _ source: UnsafePointer<I.Stored>, stride sourceStride: Int,
        to target: UnsafeMutablePointer<O.Stored>, stride targetStride: Int
    ) {
        let lanes = F.Register.laneCount
        let (squareRows, squareColumns) = (rows / lanes * lanes, columns / lanes * lanes)
        for i in stride(from: 0, to: squareRows, by: lanes) {
            for j in stride(from: 0, to: squareColumns, by: lanes) {
                transposeSquare(
                    I.self, O.self, source + (i * sourceStride + j), sourceStride, target + (j * targetStride + i), targetStride)
            }
        }
        for i in 0..<rows {
            for j in (i < squareRows ? squareColumns : 0)..<columns {
                let value = FlatPlane.element(F.self, I.self, source + (i * sourceStride + j))
                O.store(F.Single(broadcasting: value), to: target + (j * targetStride + i))
            }
        }
    }

    /// The square of one register's lanes of ``transpose(_:_:rows:columns:_:stride:to:stride:)``:
    /// in registers, by the shuffles of `SquareTranspose` for 8 floats (AVX2), 4 floats (SSE2
    /// and NEON) and 4 doubles (AVX2) in their own format, by rounds of interleaves for 16 and
    /// 8 lanes otherwise (AVX-512, and 16-bit formats), else lane by lane.
    ///
    /// Each round interleaves row i with row i + lanes/2 into rows 2i and 2i + 1; after log2(lanes)
    /// rounds, row j holds column j. (With 2 lanes, one round: (a0 b0), (a1 b1).)
    @inlinable @inline(__always)
    static func transposeSquare<I: InputFormat, O: OutputFormat>(
        _: I.Type, _: O.Type, _ source: UnsafePointer<I.Stored>, _ sourceStride: Int, _ target: UnsafeMutablePointer<O.Stored>,
        _ targetStride: Int
    ) {
        typealias R = F.Register
        func pointers<S>(_: S.Type) -> (UnsafePointer<S>, UnsafeMutablePointer<S>) {
            (UnsafeRawPointer(source).assumingMemoryBound(to: S.self), UnsafeMutableRawPointer(target).assumingMemoryBound(to: S.self))
        }
        let native = I.self == NativeFormat<T>.self && O.self == NativeFormat<T>.self
        switch (R.laneCount, T.self) {
        case _ where !native: break
        case (8, is Float.Type):
            let (source, target) = pointers(Float.self)
            return depthwise_transpose_float8x8(source, sourceStride, target, targetStride)
        case (4, is Float.Type):
            let (source, target) = pointers(Float.self)
            return depthwise_transpose_float4x4(source, sourceStride, target, targetStride)
        case (4, is Double.Type):
            let (source, target) = pointers(Double.self)
            return depthwise_transpose_double4x4(source, sourceStride, target, targetStride)
        default: break
        }
        let row = { (i: Int) in I.load(R.self, source + i * sourceStride) }
        let store = { (j: Int, value: R) in O.store(value, to: target + j * targetStride) }
        switch R.laneCount {
        case 16:
            var r = (row(0), row(1), row(2), row(3), row(4), row(5), row(6), row(7))
            var s = (row(8), row(9), row(10), row(11), row(12), row(13), row(14), row(15))
            for _ in 0..<4 { (r, s) = interleave(r, s) }
            storeRows(r, at: 0, store)
            storeRows(s, at: 8, store)
        case 8:
            var r = (row(0), row(1), row(2), row(3))
            var s = (row(4), row(5), row(6), row(7))
            for _ in 0..<3 { (r, s) = interleave(r, s) }
            storeRows(r, at: 0, store)
            storeRows(s, at: 4, store)
        default:
            if native {
                let (source, target) = pointers(T.self)
                for j in 0..<R.laneCount { R(loading: source + j, stride: sourceStride).store(to: target + j * targetStride) }
                return
            }
            for i in 0..<R.laneCount {
                for j in 0..<R.laneCount {
                    let value = FlatPlane.element(F.self, I.self, source + (i * sourceStride + j))
                    O.store(F.Single(broadcasting: value), to: target + (j * targetStride + i))
                }
            }
        }
    }

    /// store(first + i, rows.i) for each of the eight rows.
    @inlinable @inline(__always)
    static func storeRows<R: KernelVector>(_ rows: (R, R, R, R, R, R, R, R), at first: Int, _ store: (Int, R) -> Void) {
        store(first, rows.0)
        store(first + 1, rows.1)
        store(first + 2, rows.2)
        store(first + 3, rows.3)
        store(first + 4, rows.4)
        store(first + 5, rows.5)
        store(first + 6, rows.6)
        store(first + 7, rows.7)
    }

    /// store(first + i, rows.i) for each of the four rows.
    @inlinable @inline(__always)
    static func storeRows<R: KernelVector>(_ rows: (R, R, R, R), at first: Int, _ store: (Int, R) -> Void) {
        store(first, rows.0)
        store(first + 1, rows.1)
        store(first + 2, rows.2)
        store(first + 3, rows.3)
    }

    /// One round of ``transposeSquare(_:_:_:_:)`` on 16 rows: r holds rows 0..<8, s rows 8..<16.
    @inlinable @inline(__always)
    static func interleave<R: KernelVector>(_ r: (R, R, R, R, R, R, R, R), _ s: (R, R, R, R, R, R, R, R)) -> (
        (R, R, R, R, R, R, R, R), (R, R, R, R, R, R, R, R)
    ) {
        let (a0, b0) = r.0.interleaved(with: s.0)
        let (a1, b1) = r.1.interleaved(with: s.1)
        let (a2, b2) = r.2.interleaved(with: s.2)
        let (a3, b3) = r.3.interleaved(with: s.3)
        let (a4, b4) = r.4.interleaved(with: s.4)
        let (a5, b5) = r.5.interleaved(with: s.5)
        let (a6, b6) = r.6.interleaved(with: s.6)
        let (a7, b7) = r.7.interleaved(with: s.7)
        return ((a0, b0, a1, b1, a2, b2, a3, b3), (a4, b4, a5, b5, a6, b6, a7, b7))
    }

    /// One round of ``transposeSquare(_:_:_:_:)`` on 8 rows: r holds rows 0..<4, s rows 4..<8.
    @inlinable @inline(__always)
    static func interleave<R: KernelVector>(_ r: (R, R, R, R), _ s: (R, R, R, R)) -> ((R, R, R, R), (R, R, R, R)) {
        let (a0, b0) = r.0.interleaved(with: s.0)
        let (a1, b1) = r.1.interleaved(with: s.1)
        let (a2, b2) = r.2.interleaved(with: s.2)
        let (a3, b3) = r.3.interleaved(with: s.3)
        return ((a0, b0, a1, b1), (a2, b2, a3, b3))
    }
}
