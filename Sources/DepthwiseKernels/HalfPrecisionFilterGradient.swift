extension HalfPrecisionKernels {
    /// The NHWC filter gradient on 16-bit input and output gradient, rounded into a 16-bit filter gradient.
    ///
    /// Each band of up to 8 output rows widens its output-gradient rows and the input rows it
    /// reads (expanding them to `channels * multiplier` channels) into the thread's workspace,
    /// and the `Float` kernel sums the band there.
    @inlinable
    static func backpropFilter(
        _ g: KernelGeometry, input: UnsafePointer<UInt16>, outputGradient: UnsafePointer<UInt16>,
        filterGradient: UnsafeMutablePointer<UInt16>, threadCount: Int
    ) {
        typealias Kernels = NHWCKernels<F>
        let (k, bandRows) = (g.outputChannels, min(8, g.outputHeight))
        let outputRowSize = g.outputWidth * k
        // The widened input rows, the expanded rows where the multiplier exceeds 1, and the gradient rows.
        let expandedElements = Kernels.expandedElements(g, outputRows: bandRows)
        let expandedOffset = g.multiplier > 1 ? expandedElements / g.multiplier : 0
        let gradientOffset = expandedOffset + expandedElements
        let sums = UnsafeMutablePointer<Float>.allocate(capacity: g.filterCount)
        defer { sums.deallocate() }
        Kernels.backpropFilter(
            g, bandRows: bandRows, workspaceElements: gradientOffset + bandRows * outputRowSize, filterGradient: sums,
            threadCount: threadCount
        ) { rows, widened in
            let inputRows = Kernels.inputRows(g, readBy: rows)
            widenInputRows(g, inputRows, of: input, into: widened, expandingInto: widened + expandedOffset)
            let gradient = widened + gradientOffset
            widen(outputGradient + rows.lowerBound * outputRowSize, into: gradient, count: rows.count * outputRowSize)
            return Kernels.FilterGradientOperands(
                input: widened + expandedOffset, firstInputRow: inputRows.lowerBound, outputGradient: gradient,
                firstOutputRow: rows.lowerBound)
        }
        narrow(sums, into: filterGradient, count: g.filterCount)
    }
}
