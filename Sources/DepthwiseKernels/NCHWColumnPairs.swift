/// The NCHW forward pass of column stride 2, read straight from the input planes.
///
/// With column stride 2 and column dilation 1, output column ow reads input columns
/// 2*ow + kw - padLeft: splitting a run of 2L input columns into its even and odd columns
/// (two loads and two shuffles) gives the L outputs' reads of taps kw and kw + 1 at once. So
/// each register of outputs takes about one load and one shuffle per tap, where the flat
/// convolution (``FlatPlane``) first copied each plane into its stride phases, which took
/// more time than the multiply-adds.
extension NCHWKernels {
    /// Whether ``forwardColumnPairs(_:storing:_:input:filter:output:threadCount:)`` serves `g`:
    /// column stride 2, column dilation 1, and at least one register of output columns whose
    /// reads all lie inside their input rows.
    @inlinable
    static func columnPairsServe(_ g: KernelGeometry) -> Bool {
        g.strides.width == 2 && g.dilations.width == 1 && !columnPairBlocks(g).isEmpty
    }

    /// The output columns computed in registers: those whose registers' loads, 2L elements
    /// from input column 2*ow - padLeft + t for every even tap t, lie in the input row. Empty
    /// where that leaves fewer than a register's lanes.
    @inlinable
    static func columnPairBlocks(_ g: KernelGeometry) -> Range<Int> {
        let (lanes, lastEvenTap) = (F.Register.laneCount, (g.filterWidth - 1) & ~1)
        // The first column reads from 2*ow - padLeft >= 0; the last register, starting at ow,
        // up to 2*ow - padLeft + lastEvenTap + 2L - 1 <= inputWidth - 1.
        let low = max(0, FlatPlane.ceilingDivide(g.padLeft, 2))
        let lastStart = FlatPlane.floorDivide(g.inputWidth + g.padLeft - lastEvenTap - 2 * lanes, 2)
        let high = min(g.outputWidth, lastStart + lanes)
        return high - low >= lanes ? low..<high : 0..<0
    }

    /// output[n, c*M + q, oh, ow] = sum over valid (kh, kw), in order, of filter[kh, kw, c, q] * input[n, c, ih, 2*ow + kw - padLeft]
    /// with ih = oh*sh + kh*dh - padTop, on planes of formats `I` and `O`, where
    /// ``columnPairsServe(_:)``.
    ///
    /// Each output plane is one work item. Taps that fall in the padding are skipped, not
    /// multiplied by zero, so an infinite weight needs no other kernel.
    @inlinable
    static func forwardColumnPairs<I: InputFormat, O: OutputFormat>(
        _: I.Type, storing _: O.Type, _ g: KernelGeometry, input: UnsafePointer<I.Stored>, filter: UnsafePointer<T>,
        output: UnsafeMutablePointer<O.Stored>, threadCount: Int
    ) {
        let (inputPlane, outputPlane) = (g.inputHeight * g.inputWidth, g.outputHeight * g.outputWidth)
        let taps = g.filterHeight * g.filterWidth
        Parallel.forEach(g.batch * g.outputChannels, threadCount: threadCount, work: g.multiplyAddCount) { planes in
            withUnsafeTemporaryAllocation(of: T.self, capacity: taps) { weights in
                for plane in planes {
                    let (n, k) = plane.quotientAndRemainder(dividingBy: g.outputChannels)
                    let (c, q) = k.quotientAndRemainder(dividingBy: g.multiplier)
                    for kh in 0..<g.filterHeight {
                        for kw in 0..<g.filterWidth { weights[kh * g.filterWidth + kw] = filter[g.filterOffset(kh, kw, c, q)] }
                    }
                    forwardColumnPairsPlane(
                        I.self, O.self, g, input + (n * g.channels + c) * inputPlane, weights.baseAddress!,
                        into: output + plane * outputPlane)
                }
            }
        }
    }

    /// One output plane from the input plane `source`, with weights[kh*KW + kw]: the columns of
    /// ``columnPairBlocks(_:)`` in blocks of up to four registers, over groups of output rows
    /// whose every filter row lies in the input (so that a block has four to eight independent
    /// sums; one row of them waited on its multiply-adds' latency); the other columns one at a
    /// time, over groups of four such rows.
    @inlinable
    static func forwardColumnPairsPlane<I: InputFormat, O: OutputFormat>(
        _: I.Type, _: O.Type, _ g: KernelGeometry, _ source: UnsafePointer<I.Stored>, _ weights: UnsafePointer<T>,
        into plane: UnsafeMutablePointer<O.Stored>
    ) {
        let (lanes, blocks, interior) = (F.Register.laneCount, columnPairBlocks(g), g.interiorOutputRows)
        if blocks.count <= lanes {
            forwardColumnPairRows(
                RegisterBlock<4>.self, RegisterBlock<1>.self, RegisterBlock<4>.self, I.self, O.self, g, blocks, interior, source,
                weights, into: plane)
        } else if blocks.count <= 2 * lanes {
            forwardColumnPairRows(
                RegisterBlock<4>.self, RegisterBlock<2>.self, RegisterBlock<8>.self, I.self, O.self, g, blocks, interior, source,
                weights, into: plane)
        } else {
            forwardColumnPairRows(
                RegisterBlock<2>.self, RegisterBlock<4>.self, RegisterBlock<8>.self, I.self, O.self, g, blocks, interior, source,
                weights, into: plane)
        }
        // The other columns, four rows at a time where every filter row of each lies in the
        // input: one at a time, each waited on its multiply-adds' latency.
        var oh = 0
        while oh < g.outputHeight {
            let rows = interior.contains(oh) && oh + 4 <= interior.upperBound ? 4 : 1
            func computeColumn(_ ow: Int) {
                if rows == 4 {
                    forwardColumn(RegisterBlock<4>.self, I.self, O.self, g, oh, 0..<g.filterHeight, ow, source, weights, into: plane)
                } else {
                    forwardColumn(
                        RegisterBlock<1>.self, I.self, O.self, g, oh, g.validFilterRows(forOutputRow: oh), ow, source, weights,
                        into: plane)
                }
            }
            for ow in 0..<blocks.lowerBound { computeColumn(ow) }
            for ow in blocks.upperBound..<g.outputWidth { computeColumn(ow) }
            oh += rows
        }
    }

    /// Output column `ow` of rows `oh..<oh + r`, each of which filter rows `filterRows` read
    /// inside the input, one sum per row, over the taps inside the input row.
    @inlinable @inline(__always)
    static func forwardColumn<let r: Int, I: InputFormat, O: OutputFormat>(
        _: RegisterBlock<r>.Type, _: I.Type, _: O.Type, _ g: KernelGeometry, _ oh: Int, _ filterRows: Range<Int>, _ ow: Int,
        _ source: UnsafePointer<I.Stored>, _ weights: UnsafePointer<T>, into plane: UnsafeMutablePointer<O.Stored>
    ) {
        typealias S = F.Single
        // Tap kw reads input column first + kw, inside the row for the taps of `taps`.
        let first = 2 * ow - g.padLeft
        let end = max(0, min(g.filterWidth, g.inputWidth - first))
        let taps = min(max(0, -first), end)..<end
        let rowStep = g.strides.height * g.inputWidth
        let top = oh * g.strides.height - g.padTop  // the input row of filter row 0 for row oh
        var sums = InlineArray<r, S>(repeating: S(broadcasting: 0))
        for kh in filterRows {
            let inputRow = (top + kh * g.dilations.height) * g.inputWidth + first
            for kw in taps {
                let w = S(broadcasting: weights[kh * g.filterWidth + kw])
                for y in 0..<r { sums[y] = sums[y].multiplyAdd(I.load(S.self, source + (inputRow + y * rowStep + kw)), w) }
            }
        }
        for y in 0..<r { O.store(sums[y], to: plane + ((oh + y) * g.outputWidth + ow)) }
    }

    /// The columns of `blocks` (``columnPairBlocks(_:)``) of every row of one output plane, `n`
    /// registers at a time: `r` rows at a time (`m` = r*n sums) within `interior` (the rows whose
    /// every filter row lies in the input), else one.
    @inlinable @inline(__always)
    static func forwardColumnPairRows<let r: Int, let n: Int, let m: Int, I: InputFormat, O: OutputFormat>(
        _: RegisterBlock<r>.Type, _: RegisterBlock<n>.Type, _: RegisterBlock<m>.Type, _: I.Type, _: O.Type,
        _ g: KernelGeometry, _ blocks: Range<Int>, _ interior: Range<Int>, _ source: UnsafePointer<I.Stored>,
        _ weights: UnsafePointer<T>, into plane: UnsafeMutablePointer<O.Stored>
    ) {
        var oh = 0
        while oh < g.outputHeight {
            if interior.contains(oh) && oh + r <= interior.upperBound {
                forwardColumnPairs(
                    RegisterBlock<r>.self, RegisterBlock<n>.self, RegisterBlock<m>.self, I.self, O.self, g, oh,
                    0..<g.filterHeight, blocks, source, weights, into: plane)
                oh += r
            } else {
                forwardColumnPairs(
                    RegisterBlock<1>.self, RegisterBlock<n>.self, RegisterBlock<n>.self, I.self, O.self, g, oh,
                    g.validFilterRows(forOutputRow: oh), blocks, source, weights, into: plane)
                oh += 1
            }
        }
    }

    /// The columns of `blocks` (at least one register of them) of output rows `oh..<oh + r`,
    /// each of which filter rows `filterRows` read inside the input, `n` registers of each row
    /// at a time: `m` = r*n sums, in registers. A block's registers start a register apart, the
    /// last ones no later than a register before `blocks.upperBound`, so that they may overlap
    /// (and compute the same columns again, to the same bits); so does the last block.
    @inlinable @inline(__always)
    static func forwardColumnPairs<let r: Int, let n: Int, let m: Int, I: InputFormat, O: OutputFormat>(
        _: RegisterBlock<r>.Type, _: RegisterBlock<n>.Type, _: RegisterBlock<m>.Type, _: I.Type, _: O.Type,
        _ g: KernelGeometry, _ oh: Int, _ filterRows: Range<Int>, _ blocks: Range<Int>, _ source: UnsafePointer<I.Stored>,
        _ weights: UnsafePointer<T>, into plane: UnsafeMutablePointer<O.Stored>
    ) {
        typealias R = F.Register
        let (lanes, width) = (R.laneCount, g.filterWidth)
        let rowStep = g.strides.height * g.inputWidth  // from one output row's input rows to the next's
        let top = oh * g.strides.height - g.padTop  // the input row of filter row 0 for row oh
        var ow = blocks.lowerBound
        while true {
            ow = min(ow, max(blocks.lowerBound, blocks.upperBound - n * lanes))
            // Sum s is row oh + s / n, from output column columns[s % n].
            let columns = InlineArray<n, Int> { i in min(ow + i * lanes, blocks.upperBound - lanes) }
            let inputOffsets = InlineArray<m, Int> { s in s / n * rowStep + 2 * columns[s % n] }
            var sums = InlineArray<m, R>(repeating: R(broadcasting: 0))
            for kh in filterRows {
                let pairs = (top + kh * g.dilations.height) * g.inputWidth - g.padLeft  // column 0 of input row kh
                let rowWeights = weights + kh * width
                // Lane j of even holds input column 2*(column + j) + kw - padLeft, which tap kw
                // reads for output column + j; lane j of odd, the next column, for tap kw + 1.
                var kw = 0
                while kw + 1 < width {
                    let (w0, w1) = (R(broadcasting: rowWeights[kw]), R(broadcasting: rowWeights[kw + 1]))
                    for s in 0..<m {
                        let p = source + (pairs &+ inputOffsets[s] &+ kw)
                        let (even, odd) = I.load(R.self, p).deinterleaved(with: I.load(R.self, p + lanes))
                        sums[s] = sums[s].multiplyAdd(even, w0).multiplyAdd(odd, w1)
                    }
                    kw += 2
                }
                if kw < width {  // the last tap of an odd width reads the even columns alone
                    let w0 = R(broadcasting: rowWeights[kw])
                    for s in 0..<m {
                        let p = source + (pairs &+ inputOffsets[s] &+ kw)
                        sums[s] = sums[s].multiplyAdd(I.load(R.self, p).deinterleaved(with: I.load(R.self, p + lanes)).even, w0)
                    }
                }
            }
            for s in 0..<m { O.store(sums[s], to: plane + ((oh + s / n) * g.outputWidth + columns[s % n])) }
            if ow + n * lanes >= blocks.upperBound { break }
            ow += n * lanes
        }
    }
}
