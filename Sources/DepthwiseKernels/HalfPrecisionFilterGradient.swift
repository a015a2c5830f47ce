extension HalfPrecisionKernels {
    /// The NHWC filter gradient on 16-bit input and output gradient, rounded into a 16-bit filter gradient.
    ///
    /// Small images go one register of channels at a time, each image's input widened into a
    /// padded copy. On larger images with multiplier 1, the `Float` kernel reads both operands
    /// itself, widening each vector as it loads it. With a multiplier above 1, each band of up
    /// to 8 output rows first widens its output-gradient rows and the input rows it reads
    /// (expanded to `channels * multiplier` channels) into the thread's workspace, and the
    /// kernel sums the band there.
    @inlinable
    static func backpropFilter(
        _ g: KernelGeometry, input: UnsafePointer<UInt16>, outputGradient: UnsafePointer<UInt16>,
        filterGradient: UnsafeMutablePointer<UInt16>, threadCount: Int
    ) {
        typealias Kernels = NHWCKernels<F>
        let sums = UnsafeMutablePointer<Float>.allocate(capacity: g.filterCount)
        defer { sums.deallocate() }
        if Kernels.sweepsByChannels(g) {
            Kernels.backpropFilterByChannels(
                g, input: input, outputGradient: outputGradient, format: H.self, filterGradient: sums, threadCount: threadCount)
        } else if g.multiplier == 1 {
            let operands = Kernels.FilterGradientOperands<H, H>(
                input: input, firstInputRow: 0, outputGradient: outputGradient, firstOutputRow: 0)
            Kernels.backpropFilter(
                g, bandRows: g.batch * g.outputHeight, workspaceElements: 0, filterGradient: sums, threadCount: threadCount
            ) { _, _ in operands }
        } else {
            let (k, bandRows) = (g.outputChannels, min(8, g.outputHeight))
            let outputRowSize = g.outputWidth * k
            // The widened input rows, the expanded rows, and the gradient rows.
            let expandedElements = Kernels.expandedElements(g, outputRows: bandRows)
            let expandedOffset = expandedElements / g.multiplier
            let gradientOffset = expandedOffset + expandedElements
            Kernels.backpropFilter(
                g, bandRows: bandRows, workspaceElements: gradientOffset + bandRows * outputRowSize, filterGradient: sums,
                threadCount: threadCount
            ) { rows, widened in
                let inputRows = Kernels.inputRows(g, readBy: rows)
                widenInputRows(g, inputRows, 0..<k, of: input, into: widened, expandingInto: widened + expandedOffset)
                let gradient = widened + gradientOffset
                widen(outputGradient + rows.lowerBound * outputRowSize, into: gradient, count: rows.count * outputRowSize)
                return Kernels.FilterGradientOperands<NativeFormat<Float>, NativeFormat<Float>>(
                    input: widened + expandedOffset, firstInputRow: inputRows.lowerBound, outputGradient: gradient,
                    firstOutputRow: rows.lowerBound)
            }
        }
        narrow(sums, into: filterGradient, count: g.filterCount)
    }

    /// The NCHW filter gradient on 16-bit input and output gradient, plane by plane in the
    /// 16-bit tensors themselves (each plane widened as it is copied), rounded into a 16-bit
    /// filter gradient.
    @inlinable
    static func backpropFilterNCHW(
        _ g: KernelGeometry, input: UnsafePointer<UInt16>, outputGradient: UnsafePointer<UInt16>,
        filterGradient: UnsafeMutablePointer<UInt16>, threadCount: Int
    ) {
        let sums = UnsafeMutablePointer<Float>.allocate(capacity: g.filterCount)
        defer { sums.deallocate() }
        NCHWKernels<F>.backpropFilter(
            H.self, g, input: input, outputGradient: outputGradient, filterGradient: sums, threadCount: threadCount)
        narrow(sums, into: filterGradient, count: g.filterCount)
    }
}
