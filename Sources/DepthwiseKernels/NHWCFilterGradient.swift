/// The filter gradient of NHWC tensors.
extension NHWCKernels {
    /// The number of partial sums the filter gradient is split into. It depends only on
    /// the geometry, so that the result does not depend on the thread count.
    @inlinable
    public static func partialSumCount(_ g: KernelGeometry) -> Int {
        min(g.batch * g.outputHeight, 16)
    }

    /// filterGradient[kh, kw, c*M + q] = sum over (n, oh, ow) of outputGradient[n, oh, ow, c*M + q] * input[n, ih, iw, c]
    ///
    /// Small images go one register of channels at a time (``sweepsByChannels(_:)``); the others
    /// by rows of all channels. There, with multipliers 2 and 4 the kernels read the input in
    /// place (``RepeatedChannels``); with others above 1, each band of up to 8 output rows first
    /// expands the input rows it reads into working memory.
    @inlinable
    public static func backpropFilter(
        _ g: KernelGeometry, input: UnsafePointer<T>, outputGradient: UnsafePointer<T>,
        filterGradient: UnsafeMutablePointer<T>, threadCount: Int
    ) {
        if sweepsByChannels(g) {
            return backpropFilterByChannels(
                g, input: input, outputGradient: outputGradient, format: NativeFormat<T>.self, filterGradient: filterGradient,
                threadCount: threadCount)
        }
        func backpropFilter<In: InputFormat>(reading _: In.Type) {
            let operands = FilterGradientOperands<In, NativeFormat<T>>(
                input: UnsafeRawPointer(input).assumingMemoryBound(to: In.Stored.self), firstInputRow: 0,
                outputGradient: outputGradient, firstOutputRow: 0)
            Self.backpropFilter(
                g, bandRows: g.batch * g.outputHeight, workspaceElements: 0, filterGradient: filterGradient,
                threadCount: threadCount
            ) { _, _ in operands }
        }
        switch (MemoryLayout<T>.stride, g.multiplier) {
        case (_, 1): return backpropFilter(reading: NativeFormat<T>.self)
        case (4, 2): return backpropFilter(reading: RepeatedChannels<UInt16, T>.self)
        case (4, 4): return backpropFilter(reading: RepeatedChannels<UInt8, T>.self)
        case (8, 2): return backpropFilter(reading: RepeatedChannels<UInt32, T>.self)
        case (8, 4): return backpropFilter(reading: RepeatedChannels<UInt16, T>.self)
        default: break
        }
        let bandRows = min(8, g.outputHeight)
        Self.backpropFilter(
            g, bandRows: bandRows, workspaceElements: expandedElements(g, outputRows: bandRows), filterGradient: filterGradient,
            threadCount: threadCount
        ) { rows, expanded in
            let inputRows = inputRows(g, readBy: rows)
            expand(g, rows: inputRows, input: input, into: expanded)
            return FilterGradientOperands<NativeFormat<T>, NativeFormat<T>>(
                input: expanded, firstInputRow: inputRows.lowerBound, outputGradient: outputGradient, firstOutputRow: 0)
        }
    }

    /// The rows of the operands that one band of output rows reads, as the kernels read them:
    /// the input held in format `In`, the output gradient in format `G`.
    @usableFromInline
    struct FilterGradientOperands<In: InputFormat, G: InputFormat> {
        /// The input with `K` channels, from row `firstInputRow` (of `batch * inputHeight`).
        @usableFromInline let input: UnsafePointer<In.Stored>
        @usableFromInline let firstInputRow: Int
        /// The output gradient, from row `firstOutputRow` (of `batch * outputHeight`).
        @usableFromInline let outputGradient: UnsafePointer<G.Stored>
        @usableFromInline let firstOutputRow: Int

        @inlinable
        init(input: UnsafePointer<In.Stored>, firstInputRow: Int, outputGradient: UnsafePointer<G.Stored>, firstOutputRow: Int) {
            (self.input, self.firstInputRow, self.outputGradient, self.firstOutputRow) =
                (input, firstInputRow, outputGradient, firstOutputRow)
        }
    }

    /// The filter gradient of the output rows, with each band's operands from `operands`.
    ///
    /// The output rows are split into ``partialSumCount(_:)`` fixed parts, summed separately
    /// (in parallel) and then added in order. Each part goes in bands of up to `bandRows` rows
    /// of one image; `operands` gets a band's rows (of `batch * outputHeight`) and
    /// `workspaceElements` elements of the thread's working memory to fill.
    @inlinable
    static func backpropFilter<In: InputFormat, G: InputFormat>(
        _ g: KernelGeometry, bandRows: Int, workspaceElements: Int, filterGradient: UnsafeMutablePointer<T>, threadCount: Int,
        operands: (Range<Int>, UnsafeMutablePointer<T>) -> FilterGradientOperands<In, G>
    ) {
        let k = g.outputChannels
        let tapCount = g.filterHeight * g.filterWidth * k
        let rowCount = g.batch * g.outputHeight
        let parts = partialSumCount(g)
        let partials = Scratch<T>(count: parts * tapCount)
        defer { partials.deallocate() }
        Parallel.forEach(parts, threadCount: threadCount, work: g.multiplyAddCount) { range in
            Workspace.withMemory(byteCount: workspaceElements * MemoryLayout<T>.stride) { memory in
                let workspace = memory.bindMemory(to: T.self, capacity: workspaceElements)
                for part in range {
                    let sums = partials.baseAddress! + part * tapCount
                    var band = part * rowCount / parts
                    let end = (part + 1) * rowCount / parts
                    while band < end {
                        let rows = band..<min(end, band + bandRows, (band / g.outputHeight + 1) * g.outputHeight)
                        accumulateFilterGradient(g, rows: rows, operands(rows, workspace), into: sums)
                        band = rows.upperBound
                    }
                }
            }
        }
        // filterGradient = partials[0] + partials[1] + ... in this order.
        func add<V: KernelVector>(_: V.Type, _ i: inout Int) where V.Element == T {
            while i + V.laneCount <= tapCount {
                var sum = V(loading: partials.baseAddress! + i)
                for part in 1..<max(parts, 1) { sum = sum + V(loading: partials.baseAddress! + part * tapCount + i) }
                sum.store(to: filterGradient + i)
                i += V.laneCount
            }
        }
        var i = 0
        add(F.Register.self, &i)
        add(F.Single.self, &i)
    }

    /// sums[kh, kw, k] += sum over (oh, ow) of outputGradient[n, oh, ow, k] * input[n, ih, iw, k], for
    /// the output rows `rows` of one image, in runs of rows that read the same filter rows.
    @inlinable
    static func accumulateFilterGradient<In: InputFormat, G: InputFormat>(
        _ g: KernelGeometry, rows: Range<Int>, _ operands: FilterGradientOperands<In, G>, into sums: UnsafeMutablePointer<T>
    ) {
        var start = rows.lowerBound
        while start < rows.upperBound {
            let filterRows = g.validFilterRows(forOutputRow: start % g.outputHeight)
            var end = start + 1
            while end < rows.upperBound && g.validFilterRows(forOutputRow: end % g.outputHeight) == filterRows { end += 1 }
            accumulateFilterGradient(g, rows: start..<end, filterRows: filterRows, operands, into: sums)
            start = end
        }
    }

    /// The sums of ``accumulateFilterGradient(_:rows:_:into:)`` for rows that all read `filterRows`.
    ///
    /// Each tap's sum takes first the products of the columns at the borders (where some taps
    /// read the padding) of every row, one tap at a time; then those of the columns whose taps
    /// all lie inside the input, row by row, in tiles of up to three filter rows by five taps:
    /// one gradient load for up to fifteen independent sums, held in registers over all the
    /// rows, so that the input rows that several output rows read come from the L1 cache.
    @inlinable
    static func accumulateFilterGradient<In: InputFormat, G: InputFormat>(
        _ g: KernelGeometry, rows: Range<Int>, filterRows: Range<Int>, _ operands: FilterGradientOperands<In, G>,
        into sums: UnsafeMutablePointer<T>
    ) {
        let k = g.outputChannels
        let (n, firstRow) = rows.lowerBound.quotientAndRemainder(dividingBy: g.outputHeight)
        let interior = g.interiorOutputColumns
        let (left, right) = (0..<interior.lowerBound, interior.isEmpty ? 0..<g.outputWidth : interior.upperBound..<g.outputWidth)
        let gradientRowStep = g.outputWidth * k
        let inputRowStep = g.strides.height * g.inputWidth * k
        // The input row that filter row kh of the first output row reads.
        func inputRow(_ kh: Int) -> UnsafePointer<In.Stored> {
            let ih = firstRow * g.strides.height + kh * g.dilations.height - g.padTop
            return operands.input + (n * g.inputHeight + ih - operands.firstInputRow) * g.inputWidth * k
        }
        // Filter tap (kh, kw) along the columns `columns` of output row `r` of `rows`.
        func product(_ r: Int, _ kh: Int, _ kw: Int, _ columns: Range<Int>) -> ProductRow<In, G> {
            ProductRow(
                columns: columns, gradient: operands.outputGradient + (rows.lowerBound + r - operands.firstOutputRow) * gradientRowStep,
                input: inputRow(kh) + r * inputRowStep, inputOrigin: (kw * g.dilations.width - g.padLeft) * k,
                inputColumnStep: g.strides.width * k, channels: k)
        }
        func tap(_ kh: Int, _ kw: Int) -> UnsafeMutablePointer<T> { sums + (kh * g.filterWidth + kw) * k }
        for r in 0..<rows.count {
            for kh in filterRows {
                for kw in 0..<g.filterWidth {
                    let columns = g.validOutputColumns(forFilterColumn: kw)
                    accumulate(product(r, kh, kw, columns.clamped(to: left)), tap(kh, kw), from: 0)
                    accumulate(product(r, kh, kw, columns.clamped(to: right)), tap(kh, kw), from: 0)
                }
            }
        }
        var kh = filterRows.lowerBound
        while !interior.isEmpty && kh < filterRows.upperBound {
            let tileRows = min(3, filterRows.upperBound - kh)
            let tile = FilterTile(
                first: product(0, kh, 0, interior),
                rows: (inputRow(kh), inputRow(kh + min(1, tileRows - 1)), inputRow(kh + tileRows - 1)),
                sums: tap(kh, 0), rowStep: g.filterWidth * k, tapStep: g.dilations.width * k, outputRows: rows.count,
                gradientRowStep: gradientRowStep, inputRowStep: inputRowStep)
            var kw = 0
            while kw < g.filterWidth {
                let tileTaps = min(5, g.filterWidth - kw)
                let rest = tile.accumulate(rows: tileRows, taps: tileTaps, from: kw)
                for r in 0..<rows.count {
                    for i in 0..<tileRows {
                        for t in 0..<tileTaps { accumulate(product(r, kh + i, kw + t, interior), tap(kh + i, kw + t), from: rest) }
                    }
                }
                kw += tileTaps
            }
            kh += tileRows
        }
    }

    /// One tap's sums over `product.columns`, from channel `first` to the last, one register,
    /// narrow vector or lane at a time.
    @inlinable @inline(__always)
    static func accumulate<In: InputFormat, G: InputFormat>(
        _ product: ProductRow<In, G>, _ tap: UnsafeMutablePointer<T>, from first: Int
    ) {
        guard !product.columns.isEmpty else { return }
        var c = first
        accumulate(F.Register.self, product, tap, &c)
        accumulate(F.Narrow.self, product, tap, &c)
        accumulate(F.Single.self, product, tap, &c)
    }

    /// One filter tap's products along an output row: gradient[ow, k] * input[inputOrigin + ow * inputColumnStep + k].
    @usableFromInline
    struct ProductRow<In: InputFormat, G: InputFormat> {
        @usableFromInline let columns: Range<Int>
        @usableFromInline let gradient: UnsafePointer<G.Stored>
        @usableFromInline let input: UnsafePointer<In.Stored>
        /// The offset of the tap's column for ow = 0; negative when it lies in the padding.
        @usableFromInline let inputOrigin: Int
        @usableFromInline let inputColumnStep: Int
        @usableFromInline let channels: Int

        @inlinable
        init(
            columns: Range<Int>, gradient: UnsafePointer<G.Stored>, input: UnsafePointer<In.Stored>, inputOrigin: Int,
            inputColumnStep: Int, channels: Int
        ) {
            (self.columns, self.gradient, self.input) = (columns, gradient, input)
            (self.inputOrigin, self.inputColumnStep, self.channels) = (inputOrigin, inputColumnStep, channels)
        }
    }

    @inlinable @inline(__always)
    static func accumulate<V: KernelVector, In: InputFormat, G: InputFormat>(
        _: V.Type, _ product: ProductRow<In, G>, _ tap: UnsafeMutablePointer<T>, _ c: inout Int
    ) where V.Element == T {
        while c + V.laneCount <= product.channels {
            var sum = V(loading: tap + c)
            for ow in product.columns {
                sum = sum.multiplyAdd(
                    G.load(V.self, product.gradient + ow * product.channels + c),
                    In.load(V.self, product.input + (product.inputOrigin + ow * product.inputColumnStep + c)))
            }
            sum.store(to: tap + c)
            c += V.laneCount
        }
    }

    /// Up to three neighbouring filter rows over the interior columns of `outputRows` output rows.
    @usableFromInline
    struct FilterTile<In: InputFormat, G: InputFormat> {
        /// Filter row 0, tap 0.
        @usableFromInline let first: ProductRow<In, G>
        /// The input rows that filter rows 0, 1 and 2 read (repeated where the tile has fewer).
        @usableFromInline let rows: (UnsafePointer<In.Stored>, UnsafePointer<In.Stored>, UnsafePointer<In.Stored>)
        /// The sums of filter row 0, tap 0; `rowStep` apart from row to row.
        @usableFromInline let sums: UnsafeMutablePointer<T>
        @usableFromInline let rowStep: Int
        /// The distance in the input between neighbouring taps of a row.
        @usableFromInline let tapStep: Int
        /// The output rows summed, and the distances from one to the next in the gradient and the input.
        @usableFromInline let outputRows: Int
        @usableFromInline let gradientRowStep: Int
        @usableFromInline let inputRowStep: Int

        @inlinable
        init(
            first: ProductRow<In, G>, rows: (UnsafePointer<In.Stored>, UnsafePointer<In.Stored>, UnsafePointer<In.Stored>),
            sums: UnsafeMutablePointer<T>, rowStep: Int, tapStep: Int, outputRows: Int, gradientRowStep: Int, inputRowStep: Int
        ) {
            (self.first, self.rows, self.sums, self.rowStep, self.tapStep) = (first, rows, sums, rowStep, tapStep)
            (self.outputRows, self.gradientRowStep, self.inputRowStep) = (outputRows, gradientRowStep, inputRowStep)
        }

        /// The sums of taps `kw ..< kw + taps` of filter rows `0 ..< rows`, one register of
        /// channels at a time; returns the first channel left.
        @inlinable @inline(__always)
        func accumulate(rows: Int, taps: Int, from kw: Int) -> Int {
            let sharesInputs = tapStep == first.inputColumnStep && F.registerCount >= 32
            return switch (rows, taps) {  // constant counts, so that the sums stay in registers
            case (3, 5) where sharesInputs: accumulateSharing(TileShape<3, 5>.self, kw)
            case (3, 5): accumulate(3, 5, kw)
            case (3, 4): accumulate(3, 4, kw)
            case (3, 3) where sharesInputs: accumulateSharing(TileShape<3, 3>.self, kw)
            case (3, 3): accumulate(3, 3, kw)
            case (3, 2): accumulate(3, 2, kw)
            case (3, _): accumulate(3, 1, kw)
            case (2, 5): accumulate(2, 5, kw)
            case (2, 4): accumulate(2, 4, kw)
            case (2, 3): accumulate(2, 3, kw)
            case (2, 2): accumulate(2, 2, kw)
            case (2, _): accumulate(2, 1, kw)
            case (_, 5): accumulate(1, 5, kw)
            case (_, 4): accumulate(1, 4, kw)
            case (_, 3): accumulate(1, 3, kw)
            case (_, 2): accumulate(1, 2, kw)
            default: accumulate(1, 1, kw)
            }
        }

        @inlinable @inline(__always)
        func accumulate(_ rowCount: Int, _ tapCount: Int, _ kw: Int) -> Int {
            typealias R = F.Register
            let (lanes, k) = (R.laneCount, first.channels)
            // The input of tap kw of each row, for output column 0.
            let origin = first.inputOrigin + kw * tapStep
            let inputs: InlineArray<3, UnsafePointer<In.Stored>> = [rows.0 + origin, rows.1 + origin, rows.2 + origin]
            var c = 0
            while c + lanes <= k {
                var s = InlineArray<15, R>(repeating: R(broadcasting: 0))
                for r in 0..<rowCount {
                    for t in 0..<tapCount { s[r * 5 + t] = R(loading: sums + r * rowStep + (kw + t) * k + c) }
                }
                // Offsets are valid (the interior columns' taps lie inside the input): wrapping arithmetic cannot wrap.
                for b in 0..<outputRows {
                    var gradients = first.gradient + (b &* gradientRowStep &+ first.columns.lowerBound &* k &+ c)
                    var x = b &* inputRowStep &+ first.columns.lowerBound &* first.inputColumnStep &+ c
                    for _ in first.columns {
                        let gradient = G.load(R.self, gradients)
                        for r in 0..<rowCount {
                            let row = inputs[r] + x
                            for t in 0..<tapCount { s[r * 5 + t] = s[r * 5 + t].multiplyAdd(gradient, In.load(R.self, row + t &* tapStep)) }
                        }
                        gradients += k
                        x &+= first.inputColumnStep
                    }
                }
                for r in 0..<rowCount {
                    for t in 0..<tapCount { s[r * 5 + t].store(to: sums + r * rowStep + (kw + t) * k + c) }
                }
                c += lanes
            }
            return c
        }

        /// ``accumulate(_:_:_:)`` for three filter rows of `tapCount` taps where the taps lie one
        /// output column apart (stride = dilation): tap t of column ow reads the input vector that
        /// tap t + 1 of column ow - 1 read, so each input vector is loaded once per filter row and
        /// kept in a register for the taps that read it. Each sum still takes its products column
        /// by column. Not inlined, so that the 15 tile shapes stay inlined in the caller.
        @inlinable @inline(never)
        func accumulateSharing<let tapCount: Int>(_: TileShape<3, tapCount>.Type, _ kw: Int) -> Int {
            typealias R = F.Register
            let (lanes, k, step) = (R.laneCount, first.channels, tapStep)
            let origin = first.inputOrigin + kw * tapStep
            let inputs: InlineArray<3, UnsafePointer<In.Stored>> = [rows.0 + origin, rows.1 + origin, rows.2 + origin]
            var c = 0
            while c + lanes <= k {
                var s = InlineArray<15, R>(repeating: R(broadcasting: 0))
                for r in 0..<3 {
                    for t in 0..<tapCount { s[r * 5 + t] = R(loading: sums + r * rowStep + (kw + t) * k + c) }
                }
                for b in 0..<outputRows {
                    var gradients = first.gradient + (b &* gradientRowStep &+ first.columns.lowerBound &* k &+ c)
                    var x = b &* inputRowStep &+ first.columns.lowerBound &* first.inputColumnStep &+ c
                    // The input vectors of taps 0 ..< tapCount - 1 of each filter row for the next column.
                    var window = InlineArray<12, R>(repeating: R(broadcasting: 0))
                    for r in 0..<3 {
                        for t in 0..<(tapCount - 1) { window[r * 4 + t] = In.load(R.self, inputs[r] + (x &+ t &* step)) }
                    }
                    for _ in first.columns {
                        let gradient = G.load(R.self, gradients)
                        for r in 0..<3 {
                            let last = In.load(R.self, inputs[r] + (x &+ (tapCount - 1) &* step))
                            for t in 0..<(tapCount - 1) { s[r * 5 + t] = s[r * 5 + t].multiplyAdd(gradient, window[r * 4 + t]) }
                            s[r * 5 + tapCount - 1] = s[r * 5 + tapCount - 1].multiplyAdd(gradient, last)
                            for t in 0..<(tapCount - 2) { window[r * 4 + t] = window[r * 4 + t + 1] }
                            window[r * 4 + tapCount - 2] = last
                        }
                        gradients += k
                        x &+= step
                    }
                }
                for r in 0..<3 {
                    for t in 0..<tapCount { s[r * 5 + t].store(to: sums + r * rowStep + (kw + t) * k + c) }
                }
                c += lanes
            }
            return c
        }
    }
}
