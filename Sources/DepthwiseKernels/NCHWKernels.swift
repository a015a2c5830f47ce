/// SIMD kernels for NCHW tensors.
///
/// Each channel plane is copied, zero-padded, into a ``FlatPlane`` and convolved as one flat
/// row: every filter tap is then a contiguous load and a broadcast weight. Planes are
/// independent work items, so every sum has the same order whatever the thread count. Where
/// planes are small, ``ChannelBlocks`` serves instead (``KernelRun`` chooses).
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
                        for tap in 0..<layout.tapCount {
                            let (kh, kw) = tap.quotientAndRemainder(dividingBy: g.filterWidth)
                            scratch.weights[tap] = filter[g.filterOffset(kh, kw, c, q)]
                        }
                        guard isFinite(scratch.weights, count: layout.tapCount) else {
                            forwardPlane(g, plane, input, filter, output)
                            continue
                        }
                        if bands { convolveBands(layout, scratch) } else { convolve(layout, scratch) }
                        layout.copyRows(F.self, scratch.flat, to: output + plane * outputPlane, adding: false)
                    }
                }
            }
        }
    }

    /// filterGradient[kh, kw, c, q] = sum over (n, oh, ow) of outputGradient[n, c*M + q, oh, ow] * input[n, c, ih, iw]
    ///
    /// Each input channel is one work item; its sums run over the batch in order, and within a
    /// plane each tap's sum is a dot product of the flat output gradient with the tap's phase.
    @inlinable
    public static func backpropFilter(
        _ g: KernelGeometry, input: UnsafePointer<T>, outputGradient: UnsafePointer<T>,
        filterGradient: UnsafeMutablePointer<T>, threadCount: Int
    ) {
        let (inputPlane, outputPlane) = (g.inputHeight * g.inputWidth, g.outputHeight * g.outputWidth)
        let layout = FlatPlane(g, lanes: F.Register.laneCount)
        let taps = g.filterHeight * g.filterWidth
        Parallel.forEach(g.channels, threadCount: threadCount, work: g.multiplyAddCount) { channels in
            let sums = Scratch<T>(count: taps * (g.multiplier + 1))  // the channel's sums, then one plane's
            defer { sums.deallocate() }
            let planeSums = sums.baseAddress! + taps * g.multiplier
            withFlatScratch(layout) { scratch in  // empty parts where the layout is not usable
                scratch.flat.initialize(repeating: 0, count: layout.flatCount)  // the positions fillFlat skips
                for c in channels {
                    sums.update(repeating: 0)
                    for n in 0..<g.batch {
                        if layout.isUsable {
                            layout.fill(F.self, scratch.phases, from: input + (n * g.channels + c) * inputPlane)
                        }
                        for q in 0..<g.multiplier {
                            let outputChannel = c * g.multiplier + q
                            let gradient = outputGradient + (n * g.outputChannels + outputChannel) * outputPlane
                            let tapSums = sums.baseAddress! + q * taps
                            if layout.isUsable {
                                layout.fillFlat(F.self, scratch.flat, from: gradient)
                                if tapDots(layout, scratch, into: planeSums) {
                                    for tap in 0..<taps { tapSums[tap] += planeSums[tap] }
                                    continue
                                }
                            }
                            accumulateFilterGradientPlane(g, n: n, outputChannel: outputChannel, input, outputGradient, into: tapSums)
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

    /// sums[t] = sum over flat positions o of flat[o] * phases[offsets[t] + o], for every tap:
    /// up to nine taps per pass over the flat gradient (one load of it for all of them), each
    /// tap's products summed lane by lane in order of o, then across the lanes.
    ///
    /// Returns whether every sum is finite. Where one is not, an infinity or a NaN was
    /// multiplied, maybe by a padding zero, which the reference never multiplies: the plane is
    /// then computed again by the row kernel. Where all are, no such value was.
    @inlinable
    static func tapDots(_ layout: FlatPlane, _ scratch: FlatScratch<T>, into sums: UnsafeMutablePointer<T>) -> Bool {
        var first = 0
        while first < layout.tapCount {
            let count = min(9, layout.tapCount - first)
            switch count {  // constant counts, so that the sums stay in registers
            case 9: tapDots(9, from: first, layout, scratch, sums)
            case 8: tapDots(8, from: first, layout, scratch, sums)
            case 7: tapDots(7, from: first, layout, scratch, sums)
            case 6: tapDots(6, from: first, layout, scratch, sums)
            case 5: tapDots(5, from: first, layout, scratch, sums)
            case 4: tapDots(4, from: first, layout, scratch, sums)
            case 3: tapDots(3, from: first, layout, scratch, sums)
            case 2: tapDots(2, from: first, layout, scratch, sums)
            default: tapDots(1, from: first, layout, scratch, sums)
            }
            first += count
        }
        return (0..<layout.tapCount).allSatisfy { sums[$0].isFinite }
    }

    @inlinable @inline(__always)
    static func tapDots(
        _ count: Int, from first: Int, _ layout: FlatPlane, _ scratch: FlatScratch<T>, _ tapSums: UnsafeMutablePointer<T>
    ) {
        typealias R = F.Register
        var taps = InlineArray<9, UnsafePointer<T>>(repeating: UnsafePointer(scratch.phases))
        for t in 0..<count { taps[t] = UnsafePointer(scratch.phases + scratch.offsets[first + t]) }
        var sums = InlineArray<9, R>(repeating: R(broadcasting: 0))
        var o = 0
        while o < layout.flatCount {  // flatCount is a whole number of registers
            let gradient = R(loading: scratch.flat + o)
            for t in 0..<count { sums[t] = sums[t].multiplyAdd(gradient, R(loading: taps[t] + o)) }
            o += R.laneCount
        }
        for t in 0..<count { tapSums[first + t] = sums[t].laneSum() }
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
    /// Eight registers of positions at a time, whose sums are independent, then one at a time.
    @inlinable
    static func convolve(
        taps: Range<Int>, _ weights: UnsafePointer<T>, _ offsets: UnsafePointer<Int>, _ phases: UnsafePointer<T>,
        count: Int, into flat: UnsafeMutablePointer<T>
    ) {
        typealias R = F.Register
        let lanes = R.laneCount
        var o = 0
        while o + 8 * lanes <= count {
            var (s0, s1, s2, s3) = (R(broadcasting: 0), R(broadcasting: 0), R(broadcasting: 0), R(broadcasting: 0))
            var (s4, s5, s6, s7) = (s0, s1, s2, s3)
            for t in taps {
                let w = R(broadcasting: weights[t])
                let p = phases + (offsets[t] &+ o)
                s0 = s0.multiplyAdd(R(loading: p), w)
                s1 = s1.multiplyAdd(R(loading: p + lanes), w)
                s2 = s2.multiplyAdd(R(loading: p + 2 &* lanes), w)
                s3 = s3.multiplyAdd(R(loading: p + 3 &* lanes), w)
                s4 = s4.multiplyAdd(R(loading: p + 4 &* lanes), w)
                s5 = s5.multiplyAdd(R(loading: p + 5 &* lanes), w)
                s6 = s6.multiplyAdd(R(loading: p + 6 &* lanes), w)
                s7 = s7.multiplyAdd(R(loading: p + 7 &* lanes), w)
            }
            let out = flat + o
            s0.store(to: out)
            s1.store(to: out + lanes)
            s2.store(to: out + 2 * lanes)
            s3.store(to: out + 3 * lanes)
            s4.store(to: out + 4 * lanes)
            s5.store(to: out + 5 * lanes)
            s6.store(to: out + 6 * lanes)
            s7.store(to: out + 7 * lanes)
            o += 8 * lanes
        }
        while o < count {
            var sum = R(broadcasting: 0)
            for t in taps { sum = sum.multiplyAdd(R(loading: phases + (offsets[t] &+ o)), R(broadcasting: weights[t])) }
            sum.store(to: flat + o)
            o += lanes
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
