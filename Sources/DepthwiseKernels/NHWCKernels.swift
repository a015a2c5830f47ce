/// SIMD kernels for NHWC tensors, vectorized over channels.
///
/// They see `K = channels * multiplier` channels: when the multiplier exceeds 1, the
/// caller expands the input so that input channel `c` repeats at `c*M ..< c*M + M`, and
/// the filter `[KH, KW, C, M]` is then `[KH, KW, K]`.
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

    /// Calls `body` with the input as `channels * multiplier` channels: the input itself when
    /// the multiplier is 1, else an expanded copy.
    @inlinable
    public static func withExpandedInput(
        _ g: KernelGeometry, _ input: UnsafePointer<T>, threadCount: Int, _ body: (UnsafePointer<T>) -> Void
    ) {
        guard g.multiplier > 1 else { return body(input) }
        let rows = g.batch * g.inputHeight
        let expanded = UnsafeMutablePointer<T>.allocate(capacity: rows * g.inputWidth * g.outputChannels)
        defer { expanded.deallocate() }
        let rowSize = g.inputWidth * g.outputChannels
        Parallel.forEach(rows, threadCount: threadCount, work: rows * rowSize) { rows in
            expand(g, rows: rows, input: input, into: expanded + rows.lowerBound * rowSize)
        }
        body(expanded)
    }

    /// The number of partial sums the filter gradient is split into. It depends only on
    /// the geometry, so that the result does not depend on the thread count.
    @inlinable
    public static func partialSumCount(_ g: KernelGeometry) -> Int {
        min(g.batch * g.outputHeight, 16)
    }

    /// filterGradient[kh, kw, k] = sum over (n, oh, ow) of outputGradient[n, oh, ow, k] * input[n, ih, iw, k]
    ///
    /// The output rows are split into ``partialSumCount(_:)`` fixed parts, summed
    /// separately (in parallel) and then added in order.
    @inlinable
    public static func backpropFilter(
        _ g: KernelGeometry, input: UnsafePointer<T>, outputGradient: UnsafePointer<T>,
        filterGradient: UnsafeMutablePointer<T>, threadCount: Int
    ) {
        let k = g.outputChannels
        let tapCount = g.filterHeight * g.filterWidth * k
        let rowCount = g.batch * g.outputHeight
        let parts = partialSumCount(g)
        let partials = Scratch<T>(count: parts * tapCount)
        defer { partials.deallocate() }
        Parallel.forEach(parts, threadCount: threadCount, work: g.multiplyAddCount) { range in
            for part in range {
                let sums = partials.baseAddress! + part * tapCount
                for row in (part * rowCount / parts)..<((part + 1) * rowCount / parts) {
                    accumulateFilterGradient(g, row: row, input, outputGradient, into: sums)
                }
            }
        }
        // filterGradient = partials[0] + partials[1] + ... in this order.
        for i in 0..<tapCount {
            var sum = partials[i]
            for part in 1..<max(parts, 1) { sum += partials[part * tapCount + i] }
            filterGradient[i] = sum
        }
    }

    /// sums[kh, kw, k] += sum over ow of outputGradient[n, oh, ow, k] * input[n, ih, iw, k], for one output row.
    ///
    /// Each tap's sum runs over ow in order. Columns whose taps all lie inside the input are
    /// taken up to four taps of a filter row at a time (one gradient load for all of them,
    /// independent sums); the columns at the borders, one tap at a time.
    @inlinable
    static func accumulateFilterGradient(
        _ g: KernelGeometry, row: Int, _ input: UnsafePointer<T>, _ outputGradient: UnsafePointer<T>,
        into sums: UnsafeMutablePointer<T>
    ) {
        let k = g.outputChannels
        let (n, oh) = row.quotientAndRemainder(dividingBy: g.outputHeight)
        let gradientRow = outputGradient + row * g.outputWidth * k
        let interior = g.interiorOutputColumns
        let (left, right) = (0..<interior.lowerBound, interior.isEmpty ? 0..<g.outputWidth : interior.upperBound..<g.outputWidth)
        for kh in g.validFilterRows(forOutputRow: oh) {
            let ih = oh * g.strides.height + kh * g.dilations.height - g.padTop
            let inputRow = input + (n * g.inputHeight + ih) * g.inputWidth * k
            let filterRow = sums + kh * g.filterWidth * k
            func product(_ kw: Int, _ columns: Range<Int>) -> ProductRow {
                ProductRow(
                    columns: columns, gradient: gradientRow, input: inputRow,
                    inputOrigin: (kw * g.dilations.width - g.padLeft) * k, inputColumnStep: g.strides.width * k, channels: k)
            }
            // Each tap's valid columns within `side`, one tap at a time.
            func accumulateBorder(_ side: Range<Int>) {
                for kw in 0..<g.filterWidth {
                    accumulate(product(kw, g.validOutputColumns(forFilterColumn: kw).clamped(to: side)), filterRow + kw * k, from: 0)
                }
            }
            accumulateBorder(left)
            var kw = 0
            while !interior.isEmpty && kw < g.filterWidth {
                let first = product(kw, interior)
                let (tapStep, tap) = (g.dilations.width * k, filterRow + kw * k)
                let taps = min(4, g.filterWidth - kw)
                let rest =
                    switch taps {
                    case 4: accumulateTaps(4, first, tapStep: tapStep, tap)
                    case 3: accumulateTaps(3, first, tapStep: tapStep, tap)
                    case 2: accumulateTaps(2, first, tapStep: tapStep, tap)
                    default: accumulateTaps(1, first, tapStep: tapStep, tap)
                    }
                for j in 0..<taps { accumulate(product(kw + j, interior), tap + j * k, from: rest) }
                kw += taps
            }
            accumulateBorder(right)
        }
    }

    /// One tap's sums over `product.columns`, from channel `first` to the last, one register,
    /// narrow vector or lane at a time.
    @inlinable @inline(__always)
    static func accumulate(_ product: ProductRow, _ tap: UnsafeMutablePointer<T>, from first: Int) {
        guard !product.columns.isEmpty else { return }
        var c = first
        accumulate(F.Register.self, product, tap, &c)
        accumulate(F.Narrow.self, product, tap, &c)
        accumulate(F.Single.self, product, tap, &c)
    }

    /// The sums of `taps` (1 to 4, a constant at each call) neighbouring taps of a filter row,
    /// the j-th reading the input `j * tapStep` further than `first`, over `first.columns`, two
    /// registers of channels at a time; returns the first channel left.
    @inlinable @inline(__always)
    static func accumulateTaps(_ taps: Int, _ first: ProductRow, tapStep: Int, _ tap: UnsafeMutablePointer<T>) -> Int {
        typealias R = F.Register
        let (lanes, k) = (R.laneCount, first.channels)
        var c = 0
        while c + 2 * lanes <= k {
            // Sums of the taps past `taps` stay unused.
            let (sum0, sum1, sum2, sum3) = (tap + c, tap + k + c, tap + 2 * k + c, tap + 3 * k + c)
            let zero = R(broadcasting: 0)
            var (a0, b0) = (R(loading: sum0), R(loading: sum0 + lanes))
            var (a1, b1) = taps > 1 ? (R(loading: sum1), R(loading: sum1 + lanes)) : (zero, zero)
            var (a2, b2) = taps > 2 ? (R(loading: sum2), R(loading: sum2 + lanes)) : (zero, zero)
            var (a3, b3) = taps > 3 ? (R(loading: sum3), R(loading: sum3 + lanes)) : (zero, zero)
            for ow in first.columns {
                let gradient = first.gradient + ow * k + c
                let (ga, gb) = (R(loading: gradient), R(loading: gradient + lanes))
                let input = first.input + (first.inputOrigin + ow * first.inputColumnStep + c)
                a0 = a0.multiplyAdd(ga, R(loading: input))
                b0 = b0.multiplyAdd(gb, R(loading: input + lanes))
                if taps > 1 {
                    a1 = a1.multiplyAdd(ga, R(loading: input + tapStep))
                    b1 = b1.multiplyAdd(gb, R(loading: input + tapStep + lanes))
                }
                if taps > 2 {
                    a2 = a2.multiplyAdd(ga, R(loading: input + 2 * tapStep))
                    b2 = b2.multiplyAdd(gb, R(loading: input + 2 * tapStep + lanes))
                }
                if taps > 3 {
                    a3 = a3.multiplyAdd(ga, R(loading: input + 3 * tapStep))
                    b3 = b3.multiplyAdd(gb, R(loading: input + 3 * tapStep + lanes))
                }
            }
            a0.store(to: sum0)
            b0.store(to: sum0 + lanes)
            if taps > 1 {
                a1.store(to: sum1)
                b1.store(to: sum1 + lanes)
            }
            if taps > 2 {
                a2.store(to: sum2)
                b2.store(to: sum2 + lanes)
            }
            if taps > 3 {
                a3.store(to: sum3)
                b3.store(to: sum3 + lanes)
            }
            c += 2 * lanes
        }
        return c
    }

    /// One filter tap's products along an output row: gradient[ow, k] * input[inputOrigin + ow * inputColumnStep + k].
    @usableFromInline
    struct ProductRow {
        @usableFromInline let columns: Range<Int>
        @usableFromInline let gradient: UnsafePointer<T>
        @usableFromInline let input: UnsafePointer<T>
        /// The offset of the tap's column for ow = 0; negative when it lies in the padding.
        @usableFromInline let inputOrigin: Int
        @usableFromInline let inputColumnStep: Int
        @usableFromInline let channels: Int

        @inlinable
        init(
            columns: Range<Int>, gradient: UnsafePointer<T>, input: UnsafePointer<T>, inputOrigin: Int, inputColumnStep: Int,
            channels: Int
        ) {
            (self.columns, self.gradient, self.input) = (columns, gradient, input)
            (self.inputOrigin, self.inputColumnStep, self.channels) = (inputOrigin, inputColumnStep, channels)
        }
    }

    @inlinable @inline(__always)
    static func accumulate<V: KernelVector>(
        _: V.Type, _ product: ProductRow, _ tap: UnsafeMutablePointer<T>, _ c: inout Int
    ) where V.Element == T {
        while c + V.laneCount <= product.channels {
            var sum = V(loading: tap + c)
            for ow in product.columns {
                sum = sum.multiplyAdd(
                    V(loading: product.gradient + ow * product.channels + c),
                    V(loading: product.input + (product.inputOrigin + ow * product.inputColumnStep + c)))
            }
            sum.store(to: tap + c)
            c += V.laneCount
        }
    }
}

extension NHWCKernels {
    /// The input gradient of a convolution with unit strides and multiplier 1, as a forward
    /// convolution (``KernelGeometry/inputGradientAsForward``) on the register-blocked forward kernel.
    @inlinable
    public static func backpropInputWithUnitStrides(
        _ g: KernelGeometry, outputGradient: UnsafePointer<T>, filter: UnsafePointer<T>,
        inputGradient: UnsafeMutablePointer<T>, threadCount: Int
    ) {
        withTurnedFilter(g, filter) { turned in
            forward(g.inputGradientAsForward, input: outputGradient, filter: turned, output: inputGradient, threadCount: threadCount)
        }
    }

    /// Calls `body` with the filter `[KH, KW, K]` turned by 180 degrees: tap t holds tap KH*KW - 1 - t.
    @inlinable
    static func withTurnedFilter(_ g: KernelGeometry, _ filter: UnsafePointer<T>, _ body: (UnsafePointer<T>) -> Void) {
        let (taps, k) = (g.filterHeight * g.filterWidth, g.outputChannels)
        let turned = UnsafeMutablePointer<T>.allocate(capacity: taps * k)
        defer { turned.deallocate() }
        for tap in 0..<taps {
            (turned + tap * k).initialize(from: filter + (taps - 1 - tap) * k, count: k)
        }
        body(turned)
    }
}
