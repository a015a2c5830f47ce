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
        forward(NativeFormat<T>.self, NativeFormat<T>.self, g, input: input, filter: filter, output: output, threadCount: threadCount)
    }

    /// The forward pass on an input and an output held in formats `In` and `Out` (16-bit values
    /// widened as they load and rounded as they store, for one), computed in `T`.
    @inlinable
    static func forward<In: MemoryFormat, Out: MemoryFormat>(
        _: In.Type, _: Out.Type, _ g: KernelGeometry, input: UnsafePointer<In.Stored>, filter: UnsafePointer<T>,
        output: UnsafeMutablePointer<Out.Stored>, threadCount: Int
    ) {
        let slices = channelSliceCount(g)
        let shared = UncheckedSendable((input, filter, output))
        Parallel.forEach(g.batch * g.outputHeight * slices, threadCount: threadCount, work: g.multiplyAddCount) { items in
            let (input, filter, output) = shared.value
            for item in items {
                let (row, slice) = item.quotientAndRemainder(dividingBy: slices)
                forwardRow(
                    In.self, Out.self, g, row: row, channels: channelSlice(slice, of: slices, g), firstInputRow: 0, input, filter,
                    firstOutputRow: 0, output)
            }
        }
    }

    /// Slices of the channels computed as separate work items: enough items to share a layer
    /// of few rows between threads. Depends only on the geometry.
    @inlinable
    static func channelSliceCount(_ g: KernelGeometry) -> Int {
        let (rows, groups) = (g.batch * g.outputHeight, g.outputChannels / sliceGranule)
        guard rows < minimumItems, groups > 1 else { return 1 }
        return min(groups, (minimumItems + rows - 1) / rows)
    }

    /// Channels in a slice are a multiple of this (but for the last slice's tail).
    @inlinable static var sliceGranule: Int { 16 }
    /// Work items per forward pass that keep a few threads busy to the end.
    @inlinable static var minimumItems: Int { 32 }

    @inlinable
    static func channelSlice(_ slice: Int, of slices: Int, _ g: KernelGeometry) -> Range<Int> {
        let groups = g.outputChannels / sliceGranule
        let lower = slice * groups / slices * sliceGranule
        let upper = slice == slices - 1 ? g.outputChannels : (slice + 1) * groups / slices * sliceGranule
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
    /// an output held in formats `In` and `Out`.
    @inlinable
    static func forwardRow<In: MemoryFormat, Out: MemoryFormat>(
        _: In.Type, _: Out.Type, _ g: KernelGeometry, row: Int, channels: Range<Int>, firstInputRow: Int,
        _ input: UnsafePointer<In.Stored>, _ filter: UnsafePointer<T>, firstOutputRow: Int,
        _ output: UnsafeMutablePointer<Out.Stored>, pixelStep: Int? = nil
    ) {
        let k = g.outputChannels
        let pixelStep = pixelStep ?? k
        let (n, oh) = row.quotientAndRemainder(dividingBy: g.outputHeight)
        let filterRows = g.validFilterRows(forOutputRow: oh)
        let outputColumnStep = g.strides.width * k
        // Columns whose taps all lie inside the input go in blocks of 8 columns. In rows of at
        // least 8 such columns, the last block may overlap the one before: it computes those
        // columns again, to the same bits. Narrower rows take blocks of 4, then single columns.
        let interior = g.interiorOutputColumns
        var ow = 0
        while ow < g.outputWidth {
            let blockable = interior.contains(ow) ? interior.upperBound - ow : 0
            var (start, block) = (ow, 1)
            if blockable >= 8 {
                block = 8
            } else if blockable > 0 && interior.count >= 8 {
                (start, block) = (interior.upperBound - 8, 8)
            } else if blockable >= 4 {
                block = 4
            }
            let taps = Taps(
                rows: filterRows, columns: g.validFilterColumns(forOutputColumn: start),
                // Offset of tap (0, 0); taps outside the input are never read.
                origin: ((n * g.inputHeight + oh * g.strides.height - g.padTop - firstInputRow) * g.inputWidth
                    + start * g.strides.width - g.padLeft) * k,
                rowStep: g.dilations.height * g.inputWidth * k, columnStep: g.dilations.width * k,
                filterWidth: g.filterWidth, channels: k, channelEnd: channels.upperBound)
            let pixel = output + ((row - firstOutputRow) * g.outputWidth + start) * pixelStep
            ow = start + block
            if block > 1 {
                let rest =
                    block == 8
                    ? convolveBlock(
                        In.self, Out.self, taps, columns: 8, outputColumnStep: outputColumnStep, from: channels.lowerBound, input,
                        filter, pixel, pixelStep: pixelStep)
                    : convolveBlock(
                        In.self, Out.self, taps, columns: 4, outputColumnStep: outputColumnStep, from: channels.lowerBound, input,
                        filter, pixel, pixelStep: pixelStep)
                for column in 0..<block {
                    let taps = taps.shifted(by: column * outputColumnStep)
                    var c = rest
                    convolve(F.Narrow.self, In.self, Out.self, taps, input, filter, pixel + column * pixelStep, &c)
                    convolve(F.Single.self, In.self, Out.self, taps, input, filter, pixel + column * pixelStep, &c)
                }
            } else {
                var c = channels.lowerBound
                convolveFourRegisters(In.self, Out.self, taps, input, filter, pixel, &c)
                convolve(F.Register.self, In.self, Out.self, taps, input, filter, pixel, &c)
                convolve(F.Narrow.self, In.self, Out.self, taps, input, filter, pixel, &c)
                convolve(F.Single.self, In.self, Out.self, taps, input, filter, pixel, &c)
            }
        }
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
    static func convolve<V: KernelVector, In: MemoryFormat, Out: MemoryFormat>(
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
    static func convolveFourRegisters<In: MemoryFormat, Out: MemoryFormat>(
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

    /// Computes `columns` (4 or 8, a constant at each call) neighbouring output pixels, `pixelStep`
    /// elements apart, all of whose taps lie inside the input (every filter column), one register
    /// of channels at a time from channel `first`, for as many registers as fit; returns the first
    /// channel left. Each filter vector is loaded once for the block, and the sums are
    /// independent, which hides the multiply-add latency. Filters 3, 5 or 7 taps wide at unit
    /// stride also load each input vector once (``convolveSharing``).
    @inlinable @inline(__always)
    static func convolveBlock<In: MemoryFormat, Out: MemoryFormat>(
        _: In.Type, _: Out.Type, _ taps: Taps, columns: Int, outputColumnStep step: Int, from first: Int,
        _ input: UnsafePointer<In.Stored>, _ filter: UnsafePointer<T>, _ pixel: UnsafeMutablePointer<Out.Stored>, pixelStep: Int
    ) -> Int {
        typealias R = F.Register
        let (k, wide) = (taps.channels, columns == 8)
        if step == taps.columnStep,  // columns one tap apart share their input vectors
            let rest = convolveSharing(In.self, Out.self, taps, columns: columns, first, input, filter, pixel, pixelStep)
        {
            return rest
        }
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

    /// ``convolveBlock(_:_:_:columns:outputColumnStep:from:_:_:_:pixelStep:)`` for blocks whose
    /// columns lie one filter tap apart (stride = dilation), for filters 3, 5 or 7 taps wide; nil
    /// for other widths. Not inlined, so that the row kernel that calls it stays small.
    @inlinable @inline(never)
    static func convolveSharing<In: MemoryFormat, Out: MemoryFormat>(
        _: In.Type, _: Out.Type, _ taps: Taps, columns: Int, _ first: Int, _ input: UnsafePointer<In.Stored>,
        _ filter: UnsafePointer<T>, _ pixel: UnsafeMutablePointer<Out.Stored>, _ pixelStep: Int
    ) -> Int? {
        // Constant counts at each call, so that the loops unroll and the sums stay in registers.
        switch (columns, taps.filterWidth) {
        case (8, 3): return sharingBlock(In.self, Out.self, taps, columns: 8, width: 3, first, input, filter, pixel, pixelStep)
        case (8, 5): return sharingBlock(In.self, Out.self, taps, columns: 8, width: 5, first, input, filter, pixel, pixelStep)
        case (8, 7): return sharingBlock(In.self, Out.self, taps, columns: 8, width: 7, first, input, filter, pixel, pixelStep)
        case (_, 3): return sharingBlock(In.self, Out.self, taps, columns: 4, width: 3, first, input, filter, pixel, pixelStep)
        case (_, 5): return sharingBlock(In.self, Out.self, taps, columns: 4, width: 5, first, input, filter, pixel, pixelStep)
        case (_, 7): return sharingBlock(In.self, Out.self, taps, columns: 4, width: 7, first, input, filter, pixel, pixelStep)
        default: return nil
        }
    }

    /// One block of ``convolveSharing(_:_:_:columns:_:_:_:_:_:)``: `columns` columns (4 or 8) of a
    /// filter `width` taps wide.
    ///
    /// Tap t of column i reads input vector i + t of the filter row, so the row's inputs are
    /// loaded (and widened) once each, columns + width - 1 loads instead of columns * width. Each
    /// sum still takes its products row by row, tap by tap: the bits are those of the loop that
    /// loads per tap. (At stride 2, sharing saved no time in cache and lost some on layers
    /// streamed from memory.)
    @inlinable @inline(__always)
    static func sharingBlock<In: MemoryFormat, Out: MemoryFormat>(
        _: In.Type, _: Out.Type, _ taps: Taps, columns: Int, width: Int, _ first: Int, _ input: UnsafePointer<In.Stored>,
        _ filter: UnsafePointer<T>, _ pixel: UnsafeMutablePointer<Out.Stored>, _ pixelStep: Int
    ) -> Int {
        typealias R = F.Register
        let k = taps.channels
        var c = first
        while c + R.laneCount <= taps.channelEnd {
            var sums = InlineArray<8, R>(repeating: R(broadcasting: 0))
            var inputRow = input + (taps.origin &+ taps.rows.lowerBound &* taps.rowStep &+ c)
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
        return c
    }
}
