import CacheHints

/// The NHWC forward kernel: vectorized over channels, and blocked over output columns
/// where every filter tap lies inside the input.
///
/// Every lane of every vector width computes the same products in the same order (filter
/// rows, then columns) with the same rounding, so that the blocking, the channel slices and
/// the thread count never change the bits of a result.
extension NHWCKernels {
    /// output[n, oh, ow, k] = sum over valid (kh, kw) of filter[kh, kw, k] * input[n, oh*sh + kh*dh - pt, ow*sw + kw*dw - pl, k]
    @inlinable
    public static func forward(
        _ g: KernelGeometry, input: UnsafePointer<T>, filter: UnsafePointer<T>,
        output: UnsafeMutablePointer<T>, threadCount: Int
    ) {
        forward(
            NativeFormat<T>.self, storing: NativeFormat<T>.self, g, input: input, filter: filter, output: output, threadCount: threadCount)
    }

    /// The forward pass into an output of format `Out`, written past the caches (``Streamed``)
    /// where ``streamsOutput(_:_:)`` says so; with `filter` turned by 180 degrees where
    /// `turningFilter` (``withTurnedFilter(_:_:_:)``).
    @inlinable
    static func forward<In: InputFormat, Out: OutputFormat>(
        _: In.Type, storing _: Out.Type, _ g: KernelGeometry, input: UnsafePointer<In.Stored>, filter: UnsafePointer<T>,
        output: UnsafeMutablePointer<Out.Stored>, threadCount: Int, turningFilter: Bool = false
    ) {
        if streamsOutput(g, output) {
            forward(
                In.self, Streamed<Out>.self, g, input: input, filter: filter, output: output, threadCount: threadCount,
                turningFilter: turningFilter)
        } else {
            forward(
                In.self, Out.self, g, input: input, filter: filter, output: output, threadCount: threadCount,
                turningFilter: turningFilter)
        }
    }

    /// Whether the forward pass writes `output` past the caches (``Streamed``): on x86-64, for
    /// layers streamed from memory, where every vector's address is a multiple of 16 bytes (the
    /// output's is, and so is a pixel's size).
    @inlinable
    public static func streamsOutput<Stored>(_ g: KernelGeometry, _ output: UnsafeMutablePointer<Stored>) -> Bool {
        #if arch(x86_64)
            let elementBytes = MemoryLayout<Stored>.stride
            return streamsFromMemory(g, inputElementBytes: elementBytes, outputElementBytes: elementBytes)
                && UInt(bitPattern: output) % 16 == 0 && g.outputChannels * elementBytes % 16 == 0
        #else
            return false
        #endif
    }

    /// The forward pass on an input and an output held in formats `In` and `Out` (16-bit values
    /// widened as they load and rounded as they store, for one), computed in `T`; with `filter`
    /// turned by 180 degrees where `turningFilter`, each thread turning its own copy.
    @inlinable
    static func forward<In: InputFormat, Out: OutputFormat>(
        _: In.Type, _: Out.Type, _ g: KernelGeometry, input: UnsafePointer<In.Stored>, filter: UnsafePointer<T>,
        output: UnsafeMutablePointer<Out.Stored>, threadCount: Int, turningFilter: Bool
    ) {
        let (inputBytes, outputBytes) = (MemoryLayout<In.Stored>.stride, MemoryLayout<Out.Stored>.stride)
        let pairs = sharesRows(g, inputElementBytes: inputBytes, outputElementBytes: outputBytes)
        let rowsPerItem = pairs ? 2 : 1
        let itemsPerImage = (g.outputHeight + rowsPerItem - 1) / rowsPerItem
        let slices = forwardSliceCount(g, rowsPerItem: rowsPerItem, inputElementBytes: inputBytes)
        let prefetches = streamsFromMemory(g, inputElementBytes: inputBytes, outputElementBytes: outputBytes)
        let shared = UncheckedSendable((input, filter, output))
        let itemCount = g.batch * itemsPerImage * slices
        let threads = Parallel.threadCount(itemCount, threadCount: threadCount, work: g.multiplyAddCount)
        let order = SlicedRows(rowItems: g.batch * itemsPerImage, slices: slices, threads: threads)
        Parallel.forEach(itemCount, threadCount: threadCount, work: g.multiplyAddCount) { items in
            let (input, filter, output) = shared.value
            withFilter(g, filter, turned: turningFilter) { filter in
                for item in items {
                    let (slice, rowItem) = order.item(item)
                    let (n, i) = rowItem.quotientAndRemainder(dividingBy: itemsPerImage)
                    let oh = i * rowsPerItem
                    let (rows, channels) = (min(rowsPerItem, g.outputHeight - oh), channelSlice(slice, of: slices, g))
                    if prefetches { prefetchInputRows(g, following: oh..<(oh + rows), image: n, channels: channels, input) }
                    forwardRow(
                        In.self, Out.self, g, row: n * g.outputHeight + oh, rows: rows, channels: channels, firstInputRow: 0,
                        input, filter, firstOutputRow: 0, output)
                }
            }
            Out.finishStores()
        }
    }

    /// Whether an input and an output of `g`'s shapes, of elements of the given sizes, exceed
    /// 16 MiB together: more than the caches keep of a layer from one row to the next.
    @inlinable
    static func streamsFromMemory(_ g: KernelGeometry, inputElementBytes: Int, outputElementBytes: Int) -> Bool {
        Double(g.inputCount) * Double(inputElementBytes) + Double(g.outputCount) * Double(outputElementBytes) > 16 * 1024 * 1024
    }

    /// Asks for `channels` of the input rows of image `n` that the output rows after `outputRows`
    /// read and `outputRows` do not, into the outer caches: on layers streamed from memory, the
    /// next work item of a thread then finds them there. (Without it, the blocks' loads waited
    /// on memory for each new input row: 56x56x144 at batch 8 took 1.2 times as long.)
    @inlinable
    static func prefetchInputRows<Stored>(
        _ g: KernelGeometry, following outputRows: Range<Int>, image n: Int, channels: Range<Int>, _ input: UnsafePointer<Stored>
    ) {
        // The last input row that `outputRows` read, then as many rows as the next rows move down.
        let lastRead = (outputRows.upperBound - 1) * g.strides.height + (g.filterHeight - 1) * g.dilations.height - g.padTop
        let first = min(g.inputHeight, max(0, lastRead + 1))
        let end = max(first, min(g.inputHeight, lastRead + 1 + outputRows.count * g.strides.height))
        let (k, elementBytes) = (g.outputChannels, MemoryLayout<Stored>.stride)
        // A whole row is one run of bytes; a slice of the channels, one run per pixel.
        let (runs, runBytes) = channels.count == k ? (1, g.inputWidth * k * elementBytes) : (g.inputWidth, channels.count * elementBytes)
        for ih in first..<end {
            let row = UnsafeRawPointer(input + ((n * g.inputHeight + ih) * g.inputWidth * k + channels.lowerBound))
            for run in 0..<runs {
                for offset in stride(from: run * k * elementBytes, to: run * k * elementBytes + runBytes, by: 64) {
                    depthwise_prefetch_outer(row + offset)
                }
            }
        }
    }

    /// Whether the forward pass computes output rows two at a time: where the second row's
    /// taps read the input one filter row below the first's (stride = dilation along both
    /// dimensions, as for the input vectors the columns share), for filters 3 wide, where the
    /// registers hold the sums of two rows of a block besides its inputs, and on layers not
    /// streamed from memory. (For 5-wide filters the compiler no longer inlined the block; on
    /// layers streamed from memory, pairs ran about 11% slower than single rows, where layers in
    /// cache ran 12% faster.)
    @inlinable
    static func sharesRows(_ g: KernelGeometry, inputElementBytes: Int, outputElementBytes: Int) -> Bool {
        F.registerCount >= 32 && g.strides == g.dilations && g.filterWidth == 3
            && !streamsFromMemory(g, inputElementBytes: inputElementBytes, outputElementBytes: outputElementBytes)
    }

    /// The channel slices of the forward pass: those of ``channelSliceCount(_:)``, and on layers
    /// of few rows (which have such slices) at least as many as keep the input rows that a work
    /// item of `rowsPerItem` output rows reads within 32 KiB, so that they stay in the L1 cache for
    /// the next item of the slice, which reads most of them again. (Layers of many rows gained
    /// nothing from such slices.)
    @inlinable
    static func forwardSliceCount(_ g: KernelGeometry, rowsPerItem: Int, inputElementBytes: Int) -> Int {
        let slices = channelSliceCount(g)
        guard g.batch * g.outputHeight < minimumItems else { return slices }
        // With multiplier 1 (this kernel's), the expanded input rows are the input rows.
        let bytes = Double(expandedElements(g, outputRows: rowsPerItem)) * Double(inputElementBytes)
        let fitting = Int(min((bytes / 32768).rounded(.up), Double(g.outputChannels / sliceGranule)))
        return max(slices, fitting)
    }

    /// Slices of the channels computed as separate work items: enough items to share a layer
    /// of few rows between threads. Depends only on the geometry.
    @inlinable
    static func channelSliceCount(_ g: KernelGeometry) -> Int {
        channelSliceCount(rows: g.batch * g.outputHeight, channels: g.outputChannels)
    }

    /// Slices of `channels` channels for work items of `rows` rows each.
    @inlinable
    static func channelSliceCount(rows: Int, channels: Int) -> Int {
        let groups = channels / sliceGranule
        guard rows < minimumItems, groups > 1 else { return 1 }
        return min(groups, (minimumItems + rows - 1) / rows)
    }

    /// Work items that each compute one channel slice of one row item, numbered so that each
    /// thread's share of them (a contiguous range, ``Parallel/forEach(_:threadCount:work:_:)``)
    /// holds every slice of a run of row items, slice by slice: a thread's next item is most often
    /// the next rows of its slice, and no two threads write the same output rows. (With the
    /// threads' shares split by slices instead, two threads wrote different channels of the same
    /// pixels, and a layer of 31x14x576 took three times as long on two threads as on one.)
    @usableFromInline
    struct SlicedRows {
        @usableFromInline let rowItems: Int
        @usableFromInline let slices: Int
        /// Runs of row items, one for each thread.
        @usableFromInline let groups: Int

        @inlinable
        init(rowItems: Int, slices: Int, threads: Int) {
            (self.rowItems, self.slices, groups) = (rowItems, slices, max(1, min(threads, rowItems)))
        }

        /// The first row item of run `group`.
        @inlinable func firstRow(_ group: Int) -> Int { group * rowItems / groups }

        /// The slice and the row item of item `item` (of `rowItems * slices`).
        @inlinable
        func item(_ item: Int) -> (slice: Int, rowItem: Int) {
            var group = 0
            while group + 1 < groups && slices * firstRow(group + 1) <= item { group += 1 }
            let (first, rows) = (firstRow(group), firstRow(group + 1) - firstRow(group))
            let (slice, row) = (item - slices * first).quotientAndRemainder(dividingBy: rows)
            return (slice, first + row)
        }
    }

    /// Channels in a slice are a multiple of this (but for the last slice's tail).
    @inlinable static var sliceGranule: Int { 16 }
    /// Work items per forward pass that keep a few threads busy to the end.
    @inlinable static var minimumItems: Int { 32 }

    @inlinable
    static func channelSlice(_ slice: Int, of slices: Int, _ g: KernelGeometry) -> Range<Int> {
        channelSlice(slice, of: slices, channels: g.outputChannels)
    }

    /// Slice `slice` of `slices` of `channels` channels.
    @inlinable
    static func channelSlice(_ slice: Int, of slices: Int, channels: Int) -> Range<Int> {
        let groups = channels / sliceGranule
        let lower = slice * groups / slices * sliceGranule
        let upper = slice == slices - 1 ? channels : (slice + 1) * groups / slices * sliceGranule
        return lower..<upper
    }

    /// Computes `channels` of output row `row` (of `batch * outputHeight`) from an input whose
    /// first row is row `firstInputRow` (of `batch * inputHeight`), with `outputChannels` channels,
    /// into an output whose first row is row `firstOutputRow` and whose pixels lie `pixelStep`
    /// elements apart (`outputChannels` where nil).
    @inlinable
    static func forwardRow(
        _ g: KernelGeometry, row: Int, channels: Range<Int>, firstInputRow: Int, _ input: UnsafePointer<T>,
        _ filter: UnsafePointer<T>, firstOutputRow: Int, _ output: UnsafeMutablePointer<T>, pixelStep: Int? = nil
    ) {
        forwardRow(
            NativeFormat<T>.self, NativeFormat<T>.self, g, row: row, channels: channels, firstInputRow: firstInputRow, input, filter,
            firstOutputRow: firstOutputRow, output, pixelStep: pixelStep)
    }

    /// ``forwardRow(_:row:channels:firstInputRow:_:_:firstOutputRow:_:pixelStep:)`` on an input and
    /// an output held in formats `In` and `Out`, for `rows` output rows from `row` (1, or 2 of
    /// one image where ``sharesRows(_:inputElementBytes:outputElementBytes:)``).
    @inlinable
    static func forwardRow<In: InputFormat, Out: OutputFormat>(
        _: In.Type, _: Out.Type, _ g: KernelGeometry, row: Int, rows: Int = 1, channels: Range<Int>, firstInputRow: Int,
        _ input: UnsafePointer<In.Stored>, _ filter: UnsafePointer<T>, firstOutputRow: Int,
        _ output: UnsafeMutablePointer<Out.Stored>, pixelStep: Int? = nil
    ) {
        let k = g.outputChannels
        let pixelStep = pixelStep ?? k
        let (n, oh) = row.quotientAndRemainder(dividingBy: g.outputHeight)
        let filterRows = g.validFilterRows(forOutputRow: oh)
        // Two rows go through the blocks together where both read every filter row.
        guard rows == 1 || (filterRows.count == g.filterHeight && g.validFilterRows(forOutputRow: oh + 1) == filterRows) else {
            for r in row..<(row + rows) {
                forwardRow(
                    In.self, Out.self, g, row: r, channels: channels, firstInputRow: firstInputRow, input, filter,
                    firstOutputRow: firstOutputRow, output, pixelStep: pixelStep)
            }
            return
        }
        let outputColumnStep = g.strides.width * k
        let outputRowStep = g.outputWidth * pixelStep
        // The taps of output column `ow` of row `r` (of `rows`) that read inside the input: filter
        // columns `columns`, or those that do.
        func taps(_ ow: Int, row r: Int = 0, columns: Range<Int>? = nil) -> Taps {
            Taps(
                rows: filterRows, columns: columns ?? g.validFilterColumns(forOutputColumn: ow),
                // Offset of tap (0, 0); taps outside the input are never read.
                origin: ((n * g.inputHeight + (oh + r) * g.strides.height - g.padTop - firstInputRow) * g.inputWidth
                    + ow * g.strides.width - g.padLeft) * k,
                rowStep: g.dilations.height * g.inputWidth * k, columnStep: g.dilations.width * k,
                filterWidth: g.filterWidth, channels: k, channelEnd: channels.upperBound)
        }
        func pixel(_ ow: Int, row r: Int = 0) -> UnsafeMutablePointer<Out.Stored> {
            output + (row + r - firstOutputRow) * outputRowStep + ow * pixelStep
        }
        let plan = ColumnPlan(g)
        func convolvePixel(_ ow: Int, row r: Int) {
            var c = channels.lowerBound
            let (taps, pixel) = (taps(ow, row: r), pixel(ow, row: r))
            convolveFourRegisters(In.self, Out.self, taps, input, filter, pixel, &c)
            convolve(F.Register.self, In.self, Out.self, taps, input, filter, pixel, &c)
            convolve(F.Narrow.self, In.self, Out.self, taps, input, filter, pixel, &c)
            convolve(F.Single.self, In.self, Out.self, taps, input, filter, pixel, &c)
        }
        for r in 0..<rows {
            for ow in plan.leadingPixels { convolvePixel(ow, row: r) }
            for ow in plan.trailingPixels { convolvePixel(ow, row: r) }
        }
        guard !plan.blocked.isEmpty else { return }
        func convolveBlocks(_ columns: Range<Int>) -> Int {
            Self.convolveBlocks(
                In.self, Out.self, taps(columns.lowerBound, columns: 0..<g.filterWidth), columns: columns.count, rows: rows,
                outputColumnStep: outputColumnStep, from: channels.lowerBound, input, filter, pixel(columns.lowerBound),
                pixelStep: pixelStep, outputRowStep: outputRowStep)
        }
        var rest = channels.lowerBound
        if !plan.wide.isEmpty { rest = convolveBlocks(plan.wide) }
        if !plan.narrow.isEmpty { rest = convolveBlocks(plan.narrow) }
        if let border = plan.border {
            let end = g.outputWidth - border.columns
            for r in 0..<rows {
                let (first, last) = (taps(0, row: r, columns: 0..<g.filterWidth), taps(end, row: r, columns: 0..<g.filterWidth))
                let (c, pixelFirst, pixelLast) = (channels.lowerBound, pixel(0, row: r), pixel(end, row: r))
                if border.ratio == 1 {
                    rest = convolveLeadingBlock(In.self, Out.self, first, columns: border.columns, c, input, filter, pixelFirst, pixelStep)
                    rest = convolveTrailingBlock(In.self, Out.self, last, columns: border.columns, c, input, filter, pixelLast, pixelStep)
                } else {
                    rest = convolveStridedBorderBlock(
                        In.self, Out.self, first, skipFirst: border.skipFirst, skipLast: 0, c, input, filter, pixelFirst, pixelStep)
                    rest = convolveStridedBorderBlock(
                        In.self, Out.self, last, skipFirst: 0, skipLast: border.skipLast, c, input, filter, pixelLast, pixelStep)
                }
            }
        }
        // The channels left over after the last whole register, column by column.
        guard rest < channels.upperBound else { return }
        for r in 0..<rows {
            for ow in plan.blocked where !plan.leadingPixels.contains(ow) && !plan.trailingPixels.contains(ow) {
                let (taps, pixel) = (taps(ow, row: r), pixel(ow, row: r))
                var c = rest
                convolve(F.Narrow.self, In.self, Out.self, taps, input, filter, pixel, &c)
                convolve(F.Single.self, In.self, Out.self, taps, input, filter, pixel, &c)
            }
        }
    }

    /// How the forward kernel covers the columns of an output row: the columns whose taps all
    /// lie inside the input in blocks; where the filter is 3, 5 or 7 taps wide (3 or 5 in rows
    /// of fewer than 8 columns at twice the dilation's stride) and the padding reaches into one
    /// block at each end of the row (``Border``), a block at each end that skips the taps in
    /// the padding; the other columns one by one.
    @usableFromInline
    struct ColumnPlan {
        /// Interior columns in blocks of 8 and in blocks of 4 (``blockedColumns(_:)``).
        @usableFromInline let wide: Range<Int>
        @usableFromInline let narrow: Range<Int>
        /// The blocks at the ends of the row, if there are such blocks.
        @usableFromInline let border: Border?
        /// The columns computed one by one.
        @usableFromInline let leadingPixels: Range<Int>
        @usableFromInline let trailingPixels: Range<Int>
        /// From the first column computed in a block to the last (the pixels may lie inside).
        @usableFromInline let blocked: Range<Int>

        @inlinable
        init(_ g: KernelGeometry) {
            border = Border(g)
            // The columns of the interior blocks: between the blocks at the ends, where there are such blocks.
            let inner = border.map { $0.columns..<max($0.columns, g.outputWidth - $0.columns) } ?? g.interiorOutputColumns
            (wide, narrow) = blockedColumns(inner)
            let span = wide.isEmpty ? narrow : wide.lowerBound..<max(wide.upperBound, narrow.upperBound)
            // Columns one by one: those of the row (or between the end blocks) outside the interior blocks.
            let row = border == nil ? 0..<g.outputWidth : inner
            let (first, last) = span.isEmpty ? (row.upperBound, row.upperBound) : (span.lowerBound, span.upperBound)
            (leadingPixels, trailingPixels) = (row.lowerBound..<first, last..<row.upperBound)
            blocked = border == nil ? span : 0..<g.outputWidth
        }
    }

    /// The blocks at the two ends of an output row, of `columns` columns (4 or 8) each, whose
    /// first and last input vectors lie in the padding.
    ///
    /// Where the stride is `ratio` (1 or 2) times the dilation, the block starting at column e
    /// reads input vector q = i * ratio + t (input column e * stride + q * dilation - padLeft)
    /// for tap t of its column i: `(columns - 1) * ratio + width` vectors, each loaded once. In
    /// the first block, those of index below `skipFirst` lie left of the input; in the last,
    /// the last `skipLast` right of it. The shapes are those of SAME padding: at unit ratio,
    /// half a filter (3, 5 or 7 wide) at each end; at ratio 2 (stride 2), rows of 4 to 7
    /// columns, a filter 3 or 5 wide, half a filter at the right end and half a filter or one
    /// tap less at the left.
    @usableFromInline
    struct Border {
        @usableFromInline let columns: Int
        @usableFromInline let ratio: Int
        @usableFromInline let skipFirst: Int
        @usableFromInline let skipLast: Int

        @inlinable
        init?(_ g: KernelGeometry) {
            let (s, d, width, half) = (g.strides.width, g.dilations.width, g.filterWidth, (g.filterWidth - 1) / 2)
            guard s % d == 0, g.outputWidth >= 4 else { return nil }
            ratio = s / d
            switch ratio {
            case 1: guard width == 3 || width == 5 || width == 7 else { return nil }
            // Wider rows at ratio 2 keep their blocks of 8 and compute the one or two columns
            // after them one by one: end blocks of 4 were no faster there.
            case 2: guard width == 3 || width == 5, g.outputWidth < 8 else { return nil }
            default: return nil
            }
            columns = g.outputWidth >= 8 ? 8 : 4
            let (inputs, end) = ((columns - 1) * ratio + width, g.outputWidth - columns)
            skipFirst = (g.padLeft + d - 1) / d
            // Input vectors of the last block whose input column (end * s + q * d - padLeft) lies inside.
            let inside = (g.inputWidth + g.padLeft - end * s + d - 1) / d
            skipLast = inputs - inside
            // Neither block reaches the other side of the input.
            guard (inputs - 1) * d - g.padLeft < g.inputWidth, end * s >= g.padLeft, skipLast == half else { return nil }
            guard skipFirst == half || (ratio == 2 && skipFirst == half - 1) else { return nil }
        }
    }

    /// The columns of `interior` (those whose taps all lie inside the input) that go in blocks
    /// of 8 (`wide`, the last block ending at its end) and in blocks of 4 (`narrow`), as many as
    /// cover them with the fewest columns computed twice: where 1 to 4 columns are left after
    /// the blocks of 8, one block of 4 ends at the last column, and where 5 to 7 are, the last
    /// block of 8 does. Rows of 4 to 7 such columns take two blocks of 4 (one where 4), the
    /// second ending at the last column: a column one by one took about three times as long as
    /// a column of a block.
    @inlinable
    static func blockedColumns(_ interior: Range<Int>) -> (wide: Range<Int>, narrow: Range<Int>) {
        let (count, left) = (interior.count, interior.count % 8)
        guard count >= 8 else { return (0..<0, count < 4 ? 0..<0 : interior) }
        guard (1...4).contains(left) else { return (interior, 0..<0) }
        return (interior.dropLast(left), interior.suffix(4))
    }

    /// The filter taps that land inside the input for one output pixel, and the channels to compute.
    @usableFromInline
    struct Taps {
        @usableFromInline let rows: Range<Int>
        @usableFromInline let columns: Range<Int>
        /// The offset of tap (0, 0) in the input, which may lie in the padding.
        @usableFromInline let origin: Int
        @usableFromInline let rowStep: Int
        @usableFromInline let columnStep: Int
        @usableFromInline let filterWidth: Int
        /// The channel count, which is the offset between neighbouring pixels.
        @usableFromInline let channels: Int
        /// One past the last channel to compute.
        @usableFromInline let channelEnd: Int

        @inlinable
        init(
            rows: Range<Int>, columns: Range<Int>, origin: Int, rowStep: Int, columnStep: Int, filterWidth: Int, channels: Int,
            channelEnd: Int
        ) {
            (self.rows, self.columns, self.origin, self.rowStep, self.columnStep) = (rows, columns, origin, rowStep, columnStep)
            (self.filterWidth, self.channels, self.channelEnd) = (filterWidth, channels, channelEnd)
        }

        /// The same taps for a pixel `offset` elements further along the input.
        @inlinable
        func shifted(by offset: Int) -> Taps {
            Taps(
                rows: rows, columns: columns, origin: origin + offset, rowStep: rowStep, columnStep: columnStep,
                filterWidth: filterWidth, channels: channels, channelEnd: channelEnd)
        }
    }

    /// Computes channels `c ..< c + V.laneCount` of one output pixel, for as many blocks as fit.
    @inlinable @inline(__always)
    static func convolve<V: KernelVector, In: InputFormat, Out: OutputFormat>(
        _: V.Type, _: In.Type, _: Out.Type, _ taps: Taps, _ input: UnsafePointer<In.Stored>, _ filter: UnsafePointer<T>,
        _ pixel: UnsafeMutablePointer<Out.Stored>, _ c: inout Int
    ) where V.Element == T {
        while c + V.laneCount <= taps.channelEnd {
            var sum = V(broadcasting: 0)
            for kh in taps.rows {
                let inputRow = taps.origin + kh * taps.rowStep + c  // may be negative; valid taps are not
                let filterRow = filter + kh * taps.filterWidth * taps.channels + c
                for kw in taps.columns {
                    let tap = In.load(V.self, input + (inputRow + kw * taps.columnStep))
                    sum = sum.multiplyAdd(tap, V(loading: filterRow + kw * taps.channels))
                }
            }
            Out.store(sum, to: pixel + c)
            c += V.laneCount
        }
    }

    /// Computes four registers of channels of one output pixel at a time, for as many as fit:
    /// four independent sums hide the multiply-add latency where columns cannot be blocked.
    @inlinable @inline(__always)
    static func convolveFourRegisters<In: InputFormat, Out: OutputFormat>(
        _: In.Type, _: Out.Type, _ taps: Taps, _ input: UnsafePointer<In.Stored>, _ filter: UnsafePointer<T>,
        _ pixel: UnsafeMutablePointer<Out.Stored>, _ c: inout Int
    ) {
        typealias R = F.Register
        let lanes = R.laneCount
        while c + 4 * lanes <= taps.channelEnd {
            var (s0, s1, s2, s3) = (R(broadcasting: 0), R(broadcasting: 0), R(broadcasting: 0), R(broadcasting: 0))
            for kh in taps.rows {
                let inputRow = taps.origin + kh * taps.rowStep + c
                let filterRow = filter + kh * taps.filterWidth * taps.channels + c
                for kw in taps.columns {
                    let (p, f) = (input + (inputRow + kw * taps.columnStep), filterRow + kw * taps.channels)
                    s0 = s0.multiplyAdd(In.load(R.self, p), R(loading: f))
                    s1 = s1.multiplyAdd(In.load(R.self, p + lanes), R(loading: f + lanes))
                    s2 = s2.multiplyAdd(In.load(R.self, p + 2 * lanes), R(loading: f + 2 * lanes))
                    s3 = s3.multiplyAdd(In.load(R.self, p + 3 * lanes), R(loading: f + 3 * lanes))
                }
            }
            Out.store(s0, to: pixel + c)
            Out.store(s1, to: pixel + c + lanes)
            Out.store(s2, to: pixel + c + 2 * lanes)
            Out.store(s3, to: pixel + c + 3 * lanes)
            c += 4 * lanes
        }
    }

    /// Computes `count` (4, or at least 8) neighbouring output pixels, `pixelStep` elements apart,
    /// all of whose taps lie inside the input, in blocks of 8 columns (one of 4 for 4), one
    /// register of channels at a time from channel `first`, for as many registers as fit;
    /// returns the first channel left. The last block ends at the last column and may overlap
    /// the one before: it computes those columns again, to the same bits.
    @inlinable @inline(__always)
    static func convolveBlocks<In: InputFormat, Out: OutputFormat>(
        _: In.Type, _: Out.Type, _ taps: Taps, columns count: Int, rows: Int, outputColumnStep step: Int, from first: Int,
        _ input: UnsafePointer<In.Stored>, _ filter: UnsafePointer<T>, _ pixel: UnsafeMutablePointer<Out.Stored>, pixelStep: Int,
        outputRowStep: Int
    ) -> Int {
        if step == taps.columnStep,  // columns one tap apart share their input vectors
            let rest = convolveSharing(
                In.self, Out.self, taps, columns: count, rows: rows, first, input, filter, pixel, pixelStep, outputRowStep)
        {
            return rest
        }
        let columns = count >= 8 ? 8 : 4
        var rest = first
        for r in 0..<rows {  // the second row's taps lie one filter row down
            forEachBlock(count, columns) { start in
                let (taps, pixel) = (taps.shifted(by: start * step + r * taps.rowStep), pixel + r * outputRowStep + start * pixelStep)
                rest =
                    columns == 8
                    ? convolveBlock(In.self, Out.self, taps, columns: 8, step, first, input, filter, pixel, pixelStep)
                    : convolveBlock(In.self, Out.self, taps, columns: 4, step, first, input, filter, pixel, pixelStep)
            }
        }
        return rest
    }

    /// Calls `body` with the first column of each block of `columns` that covers `0..<count`.
    @inlinable @inline(__always)
    static func forEachBlock(_ count: Int, _ columns: Int, _ body: (Int) -> Void) {
        var block: Int? = 0
        while let start = block {
            body(start)
            block = nextBlock(after: start, count, columns)
        }
    }

    /// The first column of the block after the one at `start`, of the blocks of `columns` that
    /// cover `0..<count` (at least `columns`): 0, columns, 2 * columns, ..., and `count - columns`
    /// last; nil after the last.
    @inlinable @inline(__always)
    static func nextBlock(after start: Int, _ count: Int, _ columns: Int) -> Int? {
        start == count - columns ? nil : min(start + columns, count - columns)
    }

    /// Computes `columns` (4 or 8, a constant at each call) neighbouring output pixels, `pixelStep`
    /// elements apart, all of whose taps lie inside the input (every filter column), one register
    /// of channels at a time from channel `first`, for as many registers as fit; returns the first
    /// channel left. Each filter vector is loaded once for the block, and the sums are
    /// independent, which hides the multiply-add latency.
    @inlinable @inline(__always)
    static func convolveBlock<In: InputFormat, Out: OutputFormat>(
        _: In.Type, _: Out.Type, _ taps: Taps, columns: Int, _ step: Int, _ first: Int,
        _ input: UnsafePointer<In.Stored>, _ filter: UnsafePointer<T>, _ pixel: UnsafeMutablePointer<Out.Stored>, _ pixelStep: Int
    ) -> Int {
        typealias R = F.Register
        let (k, wide) = (taps.channels, columns == 8)
        var c = first
        while c + R.laneCount <= taps.channelEnd {
            var (s0, s1, s2, s3) = (R(broadcasting: 0), R(broadcasting: 0), R(broadcasting: 0), R(broadcasting: 0))
            var (s4, s5, s6, s7) = (s0, s1, s2, s3)
            // Offsets are valid (all taps inside the input), so wrapping arithmetic cannot wrap.
            var inputRow = input + (taps.origin &+ taps.rows.lowerBound &* taps.rowStep &+ c)
            var filterRow = filter + (taps.rows.lowerBound &* taps.filterWidth &* k &+ c)
            for _ in taps.rows {
                var (p, f) = (inputRow, filterRow)
                for _ in 0..<taps.filterWidth {
                    let w = R(loading: f)
                    s0 = s0.multiplyAdd(In.load(R.self, p), w)
                    s1 = s1.multiplyAdd(In.load(R.self, p + step), w)
                    s2 = s2.multiplyAdd(In.load(R.self, p + 2 &* step), w)
                    s3 = s3.multiplyAdd(In.load(R.self, p + 3 &* step), w)
                    if wide {
                        s4 = s4.multiplyAdd(In.load(R.self, p + 4 &* step), w)
                        s5 = s5.multiplyAdd(In.load(R.self, p + 5 &* step), w)
                        s6 = s6.multiplyAdd(In.load(R.self, p + 6 &* step), w)
                        s7 = s7.multiplyAdd(In.load(R.self, p + 7 &* step), w)
                    }
                    p += taps.columnStep
                    f += k
                }
                inputRow += taps.rowStep
                filterRow += taps.filterWidth &* k
            }
            let out = pixel + c
            Out.store(s0, to: out)
            Out.store(s1, to: out + pixelStep)
            Out.store(s2, to: out + 2 * pixelStep)
            Out.store(s3, to: out + 3 * pixelStep)
            if wide {
                Out.store(s4, to: out + 4 * pixelStep)
                Out.store(s5, to: out + 5 * pixelStep)
                Out.store(s6, to: out + 6 * pixelStep)
                Out.store(s7, to: out + 7 * pixelStep)
            }
            c += R.laneCount
        }
        return c
    }

    /// ``convolveBlocks(_:_:_:columns:rows:outputColumnStep:from:_:_:_:pixelStep:outputRowStep:)`` for
    /// columns one filter tap apart (stride = dilation), for filters 2, 3, 5 or 7 taps wide (3 for
    /// two rows); nil for other widths.
    @inlinable @inline(__always)
    static func convolveSharing<In: InputFormat, Out: OutputFormat>(
        _: In.Type, _: Out.Type, _ taps: Taps, columns count: Int, rows: Int, _ first: Int, _ input: UnsafePointer<In.Stored>,
        _ filter: UnsafePointer<T>, _ pixel: UnsafeMutablePointer<Out.Stored>, _ pixelStep: Int, _ outputRowStep: Int
    ) -> Int? {
        rows == 1
            ? convolveSharingRow(In.self, Out.self, taps, columns: count, first, input, filter, pixel, pixelStep)
            : convolveSharingRows(In.self, Out.self, taps, columns: count, first, input, filter, pixel, pixelStep, outputRowStep)
    }

    /// ``convolveSharing(_:_:_:columns:rows:_:_:_:_:_:_:)`` for one row. Not inlined, so that the
    /// row kernel that calls it stays small; each of these two functions switches to a few
    /// constant shapes (with more, the compiler no longer inlined the shapes' loops).
    @inlinable @inline(never)
    static func convolveSharingRow<In: InputFormat, Out: OutputFormat>(
        _: In.Type, _: Out.Type, _ taps: Taps, columns count: Int, _ first: Int, _ input: UnsafePointer<In.Stored>,
        _ filter: UnsafePointer<T>, _ pixel: UnsafeMutablePointer<Out.Stored>, _ pixelStep: Int
    ) -> Int? {
        let (t, n, i, f, p, ps) = (taps, count, first, filter, pixel, pixelStep)
        // Constant counts at each call, so that the loops unroll and the sums stay in registers.
        return switch (count >= 8, taps.filterWidth) {
        case (true, 3): sharingBlocks(In.self, Out.self, t, n, columns: 8, width: 3, i, input, f, p, ps)
        case (true, 5): sharingBlocks(In.self, Out.self, t, n, columns: 8, width: 5, i, input, f, p, ps)
        case (true, 7): sharingBlocks(In.self, Out.self, t, n, columns: 8, width: 7, i, input, f, p, ps)
        case (true, 2): sharingBlocks(In.self, Out.self, t, n, columns: 8, width: 2, i, input, f, p, ps)
        case (false, 3): sharingBlocks(In.self, Out.self, t, n, columns: 4, width: 3, i, input, f, p, ps)
        case (false, 5): sharingBlocks(In.self, Out.self, t, n, columns: 4, width: 5, i, input, f, p, ps)
        case (false, 7): sharingBlocks(In.self, Out.self, t, n, columns: 4, width: 7, i, input, f, p, ps)
        case (false, 2): sharingBlocks(In.self, Out.self, t, n, columns: 4, width: 2, i, input, f, p, ps)
        default: nil
        }
    }

    /// ``convolveSharing(_:_:_:columns:rows:_:_:_:_:_:_:)`` for two rows.
    @inlinable @inline(never)
    static func convolveSharingRows<In: InputFormat, Out: OutputFormat>(
        _: In.Type, _: Out.Type, _ taps: Taps, columns count: Int, _ first: Int, _ input: UnsafePointer<In.Stored>,
        _ filter: UnsafePointer<T>, _ pixel: UnsafeMutablePointer<Out.Stored>, _ pixelStep: Int, _ outputRowStep: Int
    ) -> Int? {
        let (t, n, i, f, p, ps, rs) = (taps, count, first, filter, pixel, pixelStep, outputRowStep)
        return switch (count >= 8, taps.filterWidth) {
        case (true, 3): sharingBlockPairs(In.self, Out.self, t, n, columns: 8, i, input, f, p, ps, rs)
        case (false, 3): sharingBlockPairs(In.self, Out.self, t, n, columns: 4, i, input, f, p, ps, rs)
        default: nil
        }
    }

    /// The blocks of ``convolveSharingRow(_:_:_:columns:_:_:_:_:_:)``: `columns` columns (4 or 8)
    /// of a filter `width` taps wide, as many as cover `count` columns, the last ending at the
    /// last column; returns the first channel left.
    ///
    /// Tap t of column i reads input vector i + t of the filter row, so the row's inputs are
    /// loaded (and widened) once each, columns + width - 1 loads instead of columns * width. Each
    /// sum still takes its products row by row, tap by tap: the bits are those of the loop that
    /// loads per tap. (At stride 2, sharing saved no time in cache and lost some on layers
    /// streamed from memory.)
    @inlinable @inline(__always)
    static func sharingBlocks<In: InputFormat, Out: OutputFormat>(
        _: In.Type, _: Out.Type, _ taps: Taps, _ count: Int, columns: Int, width: Int, _ first: Int,
        _ input: UnsafePointer<In.Stored>, _ filter: UnsafePointer<T>, _ pixel: UnsafeMutablePointer<Out.Stored>, _ pixelStep: Int
    ) -> Int {
        typealias R = F.Register
        let k = taps.channels
        // The blocks as in ``forEachBlock(_:_:_:)``, whose closure here kept the loops of 5-wide
        // filters from unrolling.
        var (c, block): (Int, Int?) = (first, 0)
        while let start = block {
            let (origin, pixel) = (taps.origin &+ start &* taps.columnStep, pixel + start &* pixelStep)
            c = first
            while c + R.laneCount <= taps.channelEnd {
                var sums = InlineArray<8, R>(repeating: R(broadcasting: 0))
                var inputRow = input + (origin &+ taps.rows.lowerBound &* taps.rowStep &+ c)
                var filterRow = filter + (taps.rows.lowerBound &* width &* k &+ c)
                for _ in taps.rows {
                    var inputs = InlineArray<14, R>(repeating: R(broadcasting: 0))  // columns + width - 1 of them
                    for j in 0..<(columns + width - 1) { inputs[j] = In.load(R.self, inputRow + j &* taps.columnStep) }
                    for t in 0..<width {
                        let w = R(loading: filterRow + t &* k)
                        for i in 0..<columns { sums[i] = sums[i].multiplyAdd(inputs[i + t], w) }
                    }
                    inputRow += taps.rowStep
                    filterRow += width &* k
                }
                for i in 0..<columns { Out.store(sums[i], to: pixel + (c + i * pixelStep)) }
                c += R.laneCount
            }
            block = nextBlock(after: start, count, columns)
        }
        return c
    }

    /// ``sharingBlocks(_:_:_:_:columns:width:_:_:_:_:_:)`` for two output rows, `outputRowStep`
    /// elements apart, whose taps all read inside the input, for a filter 3 taps wide.
    ///
    /// Input row r serves filter row r of the first output row and filter row r - 1 of the
    /// second: KH + 1 rows of loads instead of 2 KH. Each sum takes its products in the same order.
    @inlinable @inline(__always)
    static func sharingBlockPairs<In: InputFormat, Out: OutputFormat>(
        _: In.Type, _: Out.Type, _ taps: Taps, _ count: Int, columns: Int, _ first: Int, _ input: UnsafePointer<In.Stored>,
        _ filter: UnsafePointer<T>, _ pixel: UnsafeMutablePointer<Out.Stored>, _ pixelStep: Int, _ outputRowStep: Int
    ) -> Int {
        typealias R = F.Register
        let (k, width, filterRows) = (taps.channels, 3, taps.rows.count)  // every filter row: taps.rows starts at 0
        var (c, block): (Int, Int?) = (first, 0)
        while let start = block {
            let (origin, pixel) = (taps.origin &+ start &* taps.columnStep, pixel + start &* pixelStep)
            c = first
            while c + R.laneCount <= taps.channelEnd {
                // The first row's sums, then the second's (constant indices keep them in registers).
                var sums = InlineArray<16, R>(repeating: R(broadcasting: 0))
                var inputRow = input + (origin &+ c)
                let weights = filter + c
                for r in 0...filterRows {
                    var inputs = InlineArray<10, R>(repeating: R(broadcasting: 0))  // columns + width - 1 of them
                    for j in 0..<(columns + width - 1) { inputs[j] = In.load(R.self, inputRow + j &* taps.columnStep) }
                    if r < filterRows {
                        for t in 0..<width {
                            let w = R(loading: weights + (r &* width &+ t) &* k)
                            for i in 0..<columns { sums[i] = sums[i].multiplyAdd(inputs[i + t], w) }
                        }
                    }
                    if r > 0 {
                        for t in 0..<width {
                            let w = R(loading: weights + ((r - 1) &* width &+ t) &* k)
                            for i in 0..<columns { sums[columns + i] = sums[columns + i].multiplyAdd(inputs[i + t], w) }
                        }
                    }
                    inputRow += taps.rowStep
                }
                for i in 0..<columns {
                    Out.store(sums[i], to: pixel + (c + i * pixelStep))
                    Out.store(sums[columns + i], to: pixel + (outputRowStep + c + i * pixelStep))
                }
                c += R.laneCount
            }
            block = nextBlock(after: start, count, columns)
        }
        return c
    }

    /// The block of `columns` columns (4 or 8) at the start of a row (``ColumnPlan``), for a filter
    /// 3, 5 or 7 taps wide whose first (width - 1) / 2 input vectors lie in the padding; returns the
    /// first channel left. Not inlined, as ``convolveSharingRow(_:_:_:columns:_:_:_:_:_:)``.
    @inlinable @inline(never)
    static func convolveLeadingBlock<In: InputFormat, Out: OutputFormat>(
        _: In.Type, _: Out.Type, _ taps: Taps, columns: Int, _ first: Int, _ input: UnsafePointer<In.Stored>,
        _ filter: UnsafePointer<T>, _ pixel: UnsafeMutablePointer<Out.Stored>, _ pixelStep: Int
    ) -> Int {
        let (t, i, f, p, ps) = (taps, first, filter, pixel, pixelStep)
        return switch (columns, taps.filterWidth) {
        case (8, 3): borderBlock(In.self, Out.self, t, columns: 8, width: 3, skipFirst: 1, skipLast: 0, i, input, f, p, ps)
        case (8, 5): borderBlock(In.self, Out.self, t, columns: 8, width: 5, skipFirst: 2, skipLast: 0, i, input, f, p, ps)
        case (8, _): borderBlock(In.self, Out.self, t, columns: 8, width: 7, skipFirst: 3, skipLast: 0, i, input, f, p, ps)
        case (_, 3): borderBlock(In.self, Out.self, t, columns: 4, width: 3, skipFirst: 1, skipLast: 0, i, input, f, p, ps)
        case (_, 5): borderBlock(In.self, Out.self, t, columns: 4, width: 5, skipFirst: 2, skipLast: 0, i, input, f, p, ps)
        default: borderBlock(In.self, Out.self, t, columns: 4, width: 7, skipFirst: 3, skipLast: 0, i, input, f, p, ps)
        }
    }

    /// The block at the end of a row, whose last (width - 1) / 2 input vectors lie in the padding.
    /// Apart from ``convolveLeadingBlock(_:_:_:columns:_:_:_:_:_:)``, as the sharing shapes are:
    /// with ten shapes in one switch, the compiler stopped inlining them.
    @inlinable @inline(never)
    static func convolveTrailingBlock<In: InputFormat, Out: OutputFormat>(
        _: In.Type, _: Out.Type, _ taps: Taps, columns: Int, _ first: Int, _ input: UnsafePointer<In.Stored>,
        _ filter: UnsafePointer<T>, _ pixel: UnsafeMutablePointer<Out.Stored>, _ pixelStep: Int
    ) -> Int {
        let (t, i, f, p, ps) = (taps, first, filter, pixel, pixelStep)
        return switch (columns, taps.filterWidth) {
        case (8, 3): borderBlock(In.self, Out.self, t, columns: 8, width: 3, skipFirst: 0, skipLast: 1, i, input, f, p, ps)
        case (8, 5): borderBlock(In.self, Out.self, t, columns: 8, width: 5, skipFirst: 0, skipLast: 2, i, input, f, p, ps)
        case (8, _): borderBlock(In.self, Out.self, t, columns: 8, width: 7, skipFirst: 0, skipLast: 3, i, input, f, p, ps)
        case (_, 3): borderBlock(In.self, Out.self, t, columns: 4, width: 3, skipFirst: 0, skipLast: 1, i, input, f, p, ps)
        case (_, 5): borderBlock(In.self, Out.self, t, columns: 4, width: 5, skipFirst: 0, skipLast: 2, i, input, f, p, ps)
        default: borderBlock(In.self, Out.self, t, columns: 4, width: 7, skipFirst: 0, skipLast: 3, i, input, f, p, ps)
        }
    }

    /// The blocks of 4 columns at the ends of a row at twice the dilation's stride (``Border``),
    /// for filters 3 or 5 taps wide; returns the first channel left.
    @inlinable @inline(never)
    static func convolveStridedBorderBlock<In: InputFormat, Out: OutputFormat>(
        _: In.Type, _: Out.Type, _ taps: Taps, skipFirst: Int, skipLast: Int, _ first: Int, _ input: UnsafePointer<In.Stored>,
        _ filter: UnsafePointer<T>, _ pixel: UnsafeMutablePointer<Out.Stored>, _ pixelStep: Int
    ) -> Int {
        let (t, i, f, p, ps) = (taps, first, filter, pixel, pixelStep)
        // The shapes that ``Border`` admits (constant counts, so that the loops unroll).
        return switch (taps.filterWidth, skipFirst, skipLast) {
        case (3, 0, 0): borderBlock(In.self, Out.self, t, columns: 4, ratio: 2, width: 3, skipFirst: 0, skipLast: 0, i, input, f, p, ps)
        case (3, 1, _): borderBlock(In.self, Out.self, t, columns: 4, ratio: 2, width: 3, skipFirst: 1, skipLast: 0, i, input, f, p, ps)
        case (3, _, _): borderBlock(In.self, Out.self, t, columns: 4, ratio: 2, width: 3, skipFirst: 0, skipLast: 1, i, input, f, p, ps)
        case (_, 1, _): borderBlock(In.self, Out.self, t, columns: 4, ratio: 2, width: 5, skipFirst: 1, skipLast: 0, i, input, f, p, ps)
        case (_, 2, _): borderBlock(In.self, Out.self, t, columns: 4, ratio: 2, width: 5, skipFirst: 2, skipLast: 0, i, input, f, p, ps)
        default: borderBlock(In.self, Out.self, t, columns: 4, ratio: 2, width: 5, skipFirst: 0, skipLast: 2, i, input, f, p, ps)
        }
    }

    /// One block at an end of a row (``Border``), whose first `skipFirst` or last `skipLast`
    /// input vectors lie in the padding: they are not loaded, and the products that would read
    /// them are skipped, so that each sum takes the products of its valid taps in order, as the
    /// column-by-column kernel does. Column i's tap t reads input vector i * ratio + t.
    @inlinable @inline(__always)
    static func borderBlock<In: InputFormat, Out: OutputFormat>(
        _: In.Type, _: Out.Type, _ taps: Taps, columns: Int, ratio: Int = 1, width: Int, skipFirst: Int, skipLast: Int,
        _ first: Int, _ input: UnsafePointer<In.Stored>, _ filter: UnsafePointer<T>, _ pixel: UnsafeMutablePointer<Out.Stored>,
        _ pixelStep: Int
    ) -> Int {
        typealias R = F.Register
        let (k, valid) = (taps.channels, skipFirst..<((columns - 1) * ratio + width - skipLast))
        var c = first
        while c + R.laneCount <= taps.channelEnd {
            var sums = InlineArray<8, R>(repeating: R(broadcasting: 0))
            // An offset, not a pointer: the block's first input vectors lie outside the input.
            var inputRow = taps.origin &+ taps.rows.lowerBound &* taps.rowStep &+ c
            var filterRow = filter + (taps.rows.lowerBound &* width &* k &+ c)
            for _ in taps.rows {
                var inputs = InlineArray<14, R>(repeating: R(broadcasting: 0))  // (columns - 1) * ratio + width of them
                for j in valid { inputs[j] = In.load(R.self, input + (inputRow &+ j &* taps.columnStep)) }
                for t in 0..<width {
                    let w = R(loading: filterRow + t &* k)
                    for i in 0..<columns where valid.contains(i * ratio + t) {
                        sums[i] = sums[i].multiplyAdd(inputs[i * ratio + t], w)
                    }
                }
                inputRow &+= taps.rowStep
                filterRow += width &* k
            }
            for i in 0..<columns { Out.store(sums[i], to: pixel + (c + i * pixelStep)) }
            c += R.laneCount
        }
        return c
    }

}
