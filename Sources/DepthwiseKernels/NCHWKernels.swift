/// SIMD kernels for NCHW tensors.
///
/// Each channel plane is copied, zero-padded, into a ``FlatPlane`` and convolved as one flat
/// row: every filter tap is then a contiguous load and a broadcast weight. Planes are
/// independent work items, so every sum has the same order whatever the thread count. Where
/// planes are small, ``ChannelBlocks`` serves instead (``KernelRun`` chooses); forward passes
/// at column stride 2 read the planes in place (``columnPairsServe(_:)``).
///
/// The padding zeros are multiplied like any input, so a plane whose weights (forward, input
/// gradient) include an infinity or a NaN, or whose filter-gradient sums are not finite, goes
/// to the row-by-row kernels, which read only the taps inside the input, as the reference does.
public enum NCHWKernels<F: VectorFamily> {
    public typealias T = F.Scalar

    /// output[n, c*M + q, oh, ow] = sum over valid (kh, kw) of filter[kh, kw, c, q] * input[n, c, oh*sh + kh*dh - pt, ow*sw + kw*dw - pl]
    @inlinable
    public static func forward(
        _ g: KernelGeometry, input: UnsafePointer<T>, filter: UnsafePointer<T>,
        output: UnsafeMutablePointer<T>, threadCount: Int
    ) {
        if columnPairsServe(g) {
            return forwardColumnPairs(
                NativeFormat<T>.self, storing: NativeFormat<T>.self, g, input: input, filter: filter, output: output,
                threadCount: threadCount)
        }
        let outputPlane = g.outputHeight * g.outputWidth
        let layout = FlatPlane(g, lanes: F.Register.laneCount)
        guard layout.isUsable else {
            return Parallel.forEach(g.batch * g.outputChannels, threadCount: threadCount, work: g.multiplyAddCount) { planes in
                for plane in planes { forwardPlane(g, plane, input, filter, output) }
            }
        }
        let bands = bandsServe(layout)
        // One work item per input plane, which serves its M output planes.
        Parallel.forEach(g.batch * g.channels, threadCount: threadCount, work: g.multiplyAddCount) { items in
            withFlatScratch(layout) { scratch in
                for item in items {
                    let (n, c) = item.quotientAndRemainder(dividingBy: g.channels)
                    layout.fill(F.self, scratch.phases, from: input + item * g.inputHeight * g.inputWidth)
                    for q in 0..<g.multiplier {
                        let plane = n * g.outputChannels + c * g.multiplier + q
                        guard setWeights(g, c: c, q: q, filter, scratch.weights) else {
                            forwardPlane(g, plane, input, filter, output)
                            continue
                        }
                        if bands {
                            convolveBands(layout, scratch, to: output + plane * outputPlane, adding: false)
                        } else {
                            convolve(layout, scratch)
                            layout.copyRows(F.self, scratch.flat, to: output + plane * outputPlane, adding: false)
                        }
                    }
                }
            }
        }
    }

    /// The forward pass on an input and an output of formats `I` and `O` (16-bit values), with a
    /// `T` filter, where ``columnPairsServe(_:)``, or where the flat layout serves and every
    /// weight is finite: each result is the sum of ``forward(_:input:filter:output:threadCount:)``,
    /// stored once. Returns false, computing nothing, elsewhere.
    @inlinable
    public static func forwardInFormats<I: InputFormat, O: OutputFormat>(
        _: I.Type, storing _: O.Type, _ g: KernelGeometry, input: UnsafePointer<I.Stored>, filter: UnsafePointer<T>,
        output: UnsafeMutablePointer<O.Stored>, threadCount: Int
    ) -> Bool {
        if columnPairsServe(g) {
            forwardColumnPairs(I.self, storing: O.self, g, input: input, filter: filter, output: output, threadCount: threadCount)
            return true
        }
        let layout = FlatPlane(g, lanes: F.Register.laneCount)
        guard layout.isUsable, isFinite(filter, count: g.filterHeight * g.filterWidth * g.outputChannels) else { return false }
        convolveInFormats(I.self, storing: O.self, layout, input: input, output: output, threadCount: threadCount) {
            c, q, weights in _ = setWeights(g, c: c, q: q, filter, weights)
        }
        return true
    }

    /// Output plane n*C*M + c*M + q = the flat convolution of input plane n*C + c with the
    /// weights that `weights(c, q, into)` sets (``convolve(_:_:)``, in bands where
    /// ``bandsServe(_:)``), on planes of formats `I` and `O`: each input plane is widened as it
    /// is copied into its phases, each output plane rounded from the flat result.
    ///
    /// The bands store their sums into the flat result, which then goes through `O`: bands that
    /// rounded to bfloat16 themselves lost registers to its constants and ran 5x5 filters twice
    /// as slow. Where rows hold at least a register, the bands compute the output's columns
    /// alone, and the flat result is the output plane's layout.
    @inlinable
    static func convolveInFormats<I: InputFormat, O: OutputFormat>(
        _: I.Type, storing _: O.Type, _ layout: FlatPlane, input: UnsafePointer<I.Stored>,
        output: UnsafeMutablePointer<O.Stored>, threadCount: Int, weights: (_ c: Int, _ q: Int, UnsafeMutablePointer<T>) -> Void
    ) {
        let g = layout.g
        let (inputPlane, outputPlane) = (g.inputHeight * g.inputWidth, g.outputHeight * g.outputWidth)
        let bands = bandsServe(layout)
        let pitch = bands && g.outputWidth >= F.Register.laneCount ? g.outputWidth : layout.pitch
        Parallel.forEach(g.batch * g.channels, threadCount: threadCount, work: g.multiplyAddCount) { items in
            withFlatScratch(layout) { scratch in
                for item in items {
                    layout.fill(F.self, I.self, scratch.phases, from: input + item * inputPlane)
                    for q in 0..<g.multiplier {
                        weights(item % g.channels, q, scratch.weights)
                        if bands {
                            convolveBands(layout, scratch, into: scratch.flat, pitch: pitch, width: pitch)
                        } else {
                            convolve(layout, scratch)
                        }
                        let plane = output + (item * g.multiplier + q) * outputPlane
                        if pitch == g.outputWidth {
                            FlatPlane.copy(F.self, NativeFormat<T>.self, O.self, outputPlane, from: scratch.flat, to: plane)
                            continue
                        }
                        for oh in 0..<g.outputHeight {
                            FlatPlane.copy(
                                F.self, NativeFormat<T>.self, O.self, g.outputWidth, from: scratch.flat + oh * pitch,
                                to: plane + oh * g.outputWidth)
                        }
                    }
                }
            }
        }
    }

    /// weights[kh * KW + kw] = filter[kh, kw, c, q] for every tap; returns whether all are finite.
    @inlinable
    static func setWeights(
        _ g: KernelGeometry, c: Int, q: Int, _ filter: UnsafePointer<T>, _ weights: UnsafeMutablePointer<T>
    ) -> Bool {
        let (taps, tapStride) = (g.filterHeight * g.filterWidth, g.channels * g.multiplier)
        let first = filter + (c * g.multiplier + q)
        for tap in 0..<taps { weights[tap] = first[tap * tapStride] }
        return isFinite(weights, count: taps)
    }

    /// filterGradient[kh, kw, c, q] = sum over (n, oh, ow) of outputGradient[n, c*M + q, oh, ow] * input[n, c, ih, iw]
    ///
    /// Each input channel is one work item; its sums run over the batch in order, and within a
    /// plane each tap's sum is a dot product of the output gradient with the tap's phase.
    @inlinable
    public static func backpropFilter(
        _ g: KernelGeometry, input: UnsafePointer<T>, outputGradient: UnsafePointer<T>,
        filterGradient: UnsafeMutablePointer<T>, threadCount: Int
    ) {
        backpropFilter(
            NativeFormat<T>.self, g, input: input, outputGradient: outputGradient, filterGradient: filterGradient,
            threadCount: threadCount)
    }

    /// ``backpropFilter(_:input:outputGradient:filterGradient:threadCount:)`` on an input and an
    /// output gradient of format `I`, each plane widened as it is copied: each sum is the one of
    /// the kernels' own scalars.
    @inlinable
    public static func backpropFilter<I: InputFormat>(
        _: I.Type, _ g: KernelGeometry, input: UnsafePointer<I.Stored>, outputGradient: UnsafePointer<I.Stored>,
        filterGradient: UnsafeMutablePointer<T>, threadCount: Int
    ) {
        let (inputPlane, outputPlane) = (g.inputHeight * g.inputWidth, g.outputHeight * g.outputWidth)
        let layout = FlatPlane(g, lanes: F.Register.laneCount)
        let taps = g.filterHeight * g.filterWidth
        let (bands, readsRows) = (bandDotsServe(layout), readsGradientRows(g))
        Parallel.forEach(g.channels, threadCount: threadCount, work: g.multiplyAddCount) { channels in
            let sums = Scratch<T>(count: taps * (g.multiplier + 1))  // the channel's sums, then one plane's
            defer { sums.deallocate() }
            let planeSums = sums.baseAddress! + taps * g.multiplier
            withFlatScratch(layout) { scratch in  // empty parts where the layout is not usable
                if !readsRows { scratch.flat.initialize(repeating: 0, count: layout.flatCount) }  // the positions fillFlat skips
                let flat = GradientRows(flat: UnsafePointer(scratch.flat), layout)
                for c in channels {
                    sums.update(repeating: 0)
                    for n in 0..<g.batch {
                        if layout.isUsable {
                            layout.fill(F.self, I.self, scratch.phases, from: input + (n * g.channels + c) * inputPlane)
                        }
                        for q in 0..<g.multiplier {
                            let outputChannel = c * g.multiplier + q
                            let gradient = outputGradient + (n * g.outputChannels + outputChannel) * outputPlane
                            let tapSums = sums.baseAddress! + q * taps
                            if layout.isUsable {
                                let finite: Bool
                                if readsRows {
                                    let rows = GradientRows(plane: gradient, layout)
                                    finite =
                                        bands
                                        ? bandDots(I.self, rows, scratch, into: planeSums)
                                        : tapDots(I.self, rows, scratch, taps: taps, into: planeSums)
                                } else {
                                    layout.fillFlat(F.self, I.self, scratch.flat, from: gradient)
                                    finite = tapDots(NativeFormat<T>.self, flat, scratch, taps: taps, into: planeSums)
                                }
                                if finite {
                                    for tap in 0..<taps { tapSums[tap] += planeSums[tap] }
                                    continue
                                }
                            }
                            accumulateFilterGradientPlane(
                                I.self, g, n: n, outputChannel: outputChannel, input, outputGradient, into: tapSums)
                        }
                    }
                    for q in 0..<g.multiplier {
                        for tap in 0..<taps {
                            let (kh, kw) = tap.quotientAndRemainder(dividingBy: g.filterWidth)
                            filterGradient[g.filterOffset(kh, kw, c, q)] = sums[q * taps + tap]
                        }
                    }
                }
            }
        }
    }

    /// Calls `body` with working memory for `layout` from the calling thread's workspace.
    @inlinable
    static func withFlatScratch(_ layout: FlatPlane, _ body: (FlatScratch<T>) -> Void) {
        Workspace.withMemory(byteCount: FlatScratch<T>.byteCount(layout)) { memory in
            body(FlatScratch<T>(layout, memory: memory))
        }
    }

    /// flat[o] = sum over taps t, in order, of weights[t] * phases[offsets[t] + o], for o in 0..<flatCount
    @inlinable
    static func convolve(_ layout: FlatPlane, _ scratch: FlatScratch<T>) {
        convolve(
            taps: 0..<layout.tapCount, scratch.weights, scratch.offsets, UnsafePointer(scratch.phases),
            count: layout.flatCount, into: scratch.flat)
    }

    /// flat[o] = sum over `taps` t, in order, of weights[t] * phases[offsets[t] + o], for o in 0..<count
    /// (whole registers)
    ///
    /// Blocks of eight registers of positions, whose sums are independent (four, two or one
    /// where there are fewer). The last block ends at `count`, overlapping the one before,
    /// whose sums it computes again, to the same bits.
    @inlinable
    static func convolve(
        taps: Range<Int>, _ weights: UnsafePointer<T>, _ offsets: UnsafePointer<Int>, _ phases: UnsafePointer<T>,
        count: Int, into flat: UnsafeMutablePointer<T>
    ) {
        let lanes = F.Register.laneCount
        if count >= 8 * lanes {
            convolve(RegisterBlock<8>.self, taps: taps, weights, offsets, phases, count: count, into: flat)
        } else if count >= 4 * lanes {
            convolve(RegisterBlock<4>.self, taps: taps, weights, offsets, phases, count: count, into: flat)
        } else if count >= 2 * lanes {
            convolve(RegisterBlock<2>.self, taps: taps, weights, offsets, phases, count: count, into: flat)
        } else if count > 0 {
            convolve(RegisterBlock<1>.self, taps: taps, weights, offsets, phases, count: count, into: flat)
        }
    }

    /// ``convolve(taps:_:_:_:count:into:)`` in blocks of `n` registers (`count` at least one block).
    @inlinable @inline(__always)
    static func convolve<let n: Int>(
        _: RegisterBlock<n>.Type, taps: Range<Int>, _ weights: UnsafePointer<T>, _ offsets: UnsafePointer<Int>,
        _ phases: UnsafePointer<T>, count: Int, into flat: UnsafeMutablePointer<T>
    ) {
        typealias R = F.Register
        let (lanes, block) = (R.laneCount, n * R.laneCount)
        var o = 0
        while true {
            o = min(o, count - block)
            var sums = InlineArray<n, R>(repeating: R(broadcasting: 0))
            for t in taps {
                let w = R(broadcasting: weights[t])
                let p = phases + (offsets[t] &+ o)
                for i in 0..<n { sums[i] = sums[i].multiplyAdd(R(loading: p + i &* lanes), w) }
            }
            for i in 0..<n { sums[i].store(to: flat + (o + i * lanes)) }
            if o + block == count { break }
            o += block
        }
    }

    /// Whether `values[0..<count]` holds neither an infinity nor a NaN: value * 0 is NaN exactly then.
    @inlinable
    static func isFinite(_ values: UnsafePointer<T>, count: Int) -> Bool {
        typealias R = F.Register
        var probe = R(broadcasting: 0)
        var i = 0
        while i + R.laneCount <= count {
            probe = probe.multiplyAdd(R(loading: values + i), R(broadcasting: 0))
            i += R.laneCount
        }
        var sum = probe.laneSum()
        while i < count {
            sum += values[i] * 0
            i += 1
        }
        return !sum.isNaN
    }
}

/// A number of registers that a kernel keeps its sums in.
@usableFromInline
enum RegisterBlock<let count: Int> {}
