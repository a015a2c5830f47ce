/// The NHWC forward pass for channel multipliers above 1, and the input rows that bands of
/// output rows read.
///
/// The kernels read `channels * multiplier` channels. For multipliers 2 and 4 they read the
/// input in place (``RepeatedChannels``); for others, each band of output rows first expands
/// the input rows it reads (channel c repeated at c*M ..< c*M + M) into working memory that
/// stays in cache, and then runs the register-blocked rows on it. The filter gradient does the same.
extension NHWCKernels {
    /// output[n, oh, ow, c*M + q] = sum over valid (kh, kw) of filter[kh, kw, c, q] * input[n, oh*sh + kh*dh - pt, ow*sw + kw*dw - pl, c]
    ///
    /// For multipliers 2 and 4, the multiplier-1 kernel reads the input in place
    /// (``RepeatedChannels``); for others, it reads bands of expanded input rows.
    @inlinable
    public static func forwardWithMultiplier(
        _ g: KernelGeometry, input: UnsafePointer<T>, filter: UnsafePointer<T>,
        output: UnsafeMutablePointer<T>, threadCount: Int
    ) {
        func forward<Stored>(repeating _: Stored.Type) {
            let input = UnsafeRawPointer(input).assumingMemoryBound(to: Stored.self)
            Self.forward(
                RepeatedChannels<Stored, T>.self, storing: NativeFormat<T>.self, g, input: input, filter: filter, output: output,
                threadCount: threadCount)
        }
        switch (MemoryLayout<T>.stride, g.multiplier) {
        case (4, 2): forward(repeating: UInt16.self)
        case (4, 4): forward(repeating: UInt8.self)
        case (8, 2): forward(repeating: UInt32.self)
        case (8, 4): forward(repeating: UInt16.self)
        default: forwardExpandingInput(g, input: input, filter: filter, output: output, threadCount: threadCount)
        }
    }

    /// output[n, oh, ow, c*M + q] = sum over valid (kh, kw) of filter[kh, kw, c, q] * input[n, oh*sh + kh*dh - pt, ow*sw + kw*dw - pl, c]
    @inlinable
    static func forwardExpandingInput(
        _ g: KernelGeometry, input: UnsafePointer<T>, filter: UnsafePointer<T>,
        output: UnsafeMutablePointer<T>, threadCount: Int
    ) {
        let bands = ForwardBands(g, threadCount: threadCount)
        let workspaceBytes = bands.inputElementsPerBand * MemoryLayout<T>.stride
        Parallel.forEach(bands.count, threadCount: threadCount, work: g.multiplyAddCount) { items in
            Workspace.withMemory(byteCount: workspaceBytes) { memory in
                let expanded = memory.bindMemory(to: T.self, capacity: bands.inputElementsPerBand)
                for item in items {
                    let (outputRows, inputRows, channels) = bands.item(item)
                    expand(g, rows: inputRows, channels: channels, input: input, into: expanded)
                    forwardBand(
                        NativeFormat<T>.self, NativeFormat<T>.self, g, rows: outputRows, channels: channels, pairs: bands.pairsRows,
                        firstInputRow: inputRows.lowerBound, expanded, filter, output)
                }
            }
        }
    }

    /// Computes output rows `rows` (of one image) of output channels `channels` from the
    /// expanded input rows from row `firstInputRow`, two at a time where `pairs`
    /// (``sharesRows(_:inputElementBytes:outputElementBytes:)``).
    @inlinable
    static func forwardBand<In: InputFormat, Out: OutputFormat>(
        _: In.Type, _: Out.Type, _ g: KernelGeometry, rows: Range<Int>, channels: Range<Int>, pairs: Bool, firstInputRow: Int,
        _ input: UnsafePointer<In.Stored>, _ filter: UnsafePointer<T>, _ output: UnsafeMutablePointer<Out.Stored>
    ) {
        var row = rows.lowerBound
        while row < rows.upperBound {
            let count = pairs ? min(2, rows.upperBound - row) : 1
            forwardRow(
                In.self, Out.self, g, row: row, rows: count, channels: channels, firstInputRow: firstInputRow, input,
                filter, firstOutputRow: 0, output)
            row += count
        }
    }

    /// The forward pass's work items: bands of up to 8 output rows of one image, each for a
    /// slice of the output channels (``channelSliceCount(_:)``, as for multiplier 1: images of
    /// few rows go in slices, whose expanded input rows stay in the core's first caches).
    @usableFromInline
    struct ForwardBands {
        @usableFromInline let geometry: KernelGeometry
        @usableFromInline let rowsPerBand: Int
        @usableFromInline let bandsPerImage: Int
        /// The slices of the output channels each band goes in.
        @usableFromInline let slices: Int
        /// The most input rows a band reads, times `inputWidth * outputChannels`.
        @usableFromInline let inputElementsPerBand: Int
        /// Whether a band computes its rows two at a time (``sharesRows(_:inputElementBytes:outputElementBytes:)``, for
        /// the input and output in `T`).
        @usableFromInline let pairsRows: Bool

        @inlinable
        init(_ g: KernelGeometry, threadCount: Int) {
            geometry = g
            pairsRows = sharesRows(g, inputElementBytes: MemoryLayout<T>.stride, outputElementBytes: MemoryLayout<T>.stride)
            slices = channelSliceCount(g)
            // Fewer rows where 8 would leave threads idle, but a pair where rows go in pairs. Each
            // output is computed the same way whatever the band, so this does not change the results.
            let fewest = min(pairsRows ? 2 : 1, g.outputHeight)
            rowsPerBand = max(fewest, min(8, g.outputHeight, g.batch * g.outputHeight * slices / (4 * max(1, threadCount))))
            bandsPerImage = (g.outputHeight + rowsPerBand - 1) / rowsPerBand
            inputElementsPerBand = expandedElements(g, outputRows: rowsPerBand)
        }

        @inlinable var count: Int { geometry.batch * bandsPerImage * slices }

        /// The rows of item `item`'s band (of `batch * outputHeight`), the input rows (of
        /// `batch * inputHeight`) that their filter taps read, and its output channels.
        @inlinable
        func item(_ item: Int) -> (output: Range<Int>, input: Range<Int>, channels: Range<Int>) {
            let g = geometry
            let (band, slice) = item.quotientAndRemainder(dividingBy: slices)
            let (n, b) = band.quotientAndRemainder(dividingBy: bandsPerImage)
            let first = n * g.outputHeight + b * rowsPerBand
            let rows = first..<min((n + 1) * g.outputHeight, first + rowsPerBand)
            return (rows, inputRows(g, readBy: rows), channelSlice(slice, of: slices, g))
        }
    }

    /// The input rows (of `batch * inputHeight`) that the filter taps of output rows `rows`
    /// (of `batch * outputHeight`, all of one image) read.
    @inlinable
    static func inputRows(_ g: KernelGeometry, readBy rows: Range<Int>) -> Range<Int> {
        let (n, oh) = rows.lowerBound.quotientAndRemainder(dividingBy: g.outputHeight)
        let lastRow = oh + rows.count - 1
        let first = min(g.inputHeight, max(0, oh * g.strides.height - g.padTop))
        let end = max(
            first,
            min(g.inputHeight, lastRow * g.strides.height - g.padTop + (g.filterHeight - 1) * g.dilations.height + 1))
        return (n * g.inputHeight + first)..<(n * g.inputHeight + end)
    }

    /// The most elements of the expanded input rows that `outputRows` output rows read.
    @inlinable
    static func expandedElements(_ g: KernelGeometry, outputRows: Int) -> Int {
        let inputRows = min(g.inputHeight, (outputRows - 1) * g.strides.height + (g.filterHeight - 1) * g.dilations.height + 1)
        return inputRows * g.inputWidth * g.outputChannels
    }
}
