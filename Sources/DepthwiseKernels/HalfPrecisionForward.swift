extension HalfPrecisionKernels {
    /// The NHWC forward pass on 16-bit input and output with a `Float` filter `[KH, KW, C*M]`.
    ///
    /// Each band of output rows widens the input rows it reads (expanding them to
    /// `channels * multiplier` channels) into the thread's workspace, computes its rows in
    /// `Float` there with the register-blocked kernel, and rounds each row into `output`.
    @inlinable
    static func forward(
        _ g: KernelGeometry, input: UnsafePointer<UInt16>, filter: UnsafePointer<Float>,
        output: UnsafeMutablePointer<UInt16>, threadCount: Int
    ) {
        typealias Kernels = NHWCKernels<F>
        let k = g.outputChannels
        let bands = Kernels.ForwardBands(g, threadCount: threadCount)
        let outputRowSize = g.outputWidth * k
        // The widened rows, the expanded rows where the multiplier exceeds 1, and one computed row.
        let expandedOffset = g.multiplier > 1 ? bands.inputElementsPerBand : 0
        let computedOffset = expandedOffset + bands.inputElementsPerBand
        let workspaceBytes = (computedOffset + outputRowSize) * MemoryLayout<Float>.stride
        Parallel.forEach(bands.count, threadCount: threadCount, work: g.multiplyAddCount) { items in
            Workspace.withMemory(byteCount: workspaceBytes) { memory in
                let widened = memory.bindMemory(to: Float.self, capacity: computedOffset + outputRowSize)
                let (expanded, computed) = (widened + expandedOffset, widened + computedOffset)
                for band in items {
                    let (outputRows, inputRows) = bands.rows(of: band)
                    widenInputRows(g, inputRows, of: input, into: widened, expandingInto: expanded)
                    for row in outputRows {
                        Kernels.forwardRow(
                            g, row: row, channels: 0..<k, firstInputRow: inputRows.lowerBound, expanded, filter,
                            firstOutputRow: row, computed)
                        narrow(computed, into: output + row * outputRowSize, count: outputRowSize)
                    }
                }
            }
        }
    }

    /// Widens input rows `rows` (of `batch * inputHeight`) into `widened`, then, with a
    /// multiplier above 1, expands them to `channels * multiplier` channels into `expanded`.
    @inlinable
    static func widenInputRows(
        _ g: KernelGeometry, _ rows: Range<Int>, of input: UnsafePointer<UInt16>, into widened: UnsafeMutablePointer<Float>,
        expandingInto expanded: UnsafeMutablePointer<Float>
    ) {
        let rowSize = g.inputWidth * g.channels
        let count = rows.count * rowSize
        widen(input + rows.lowerBound * rowSize, into: widened, count: count)
        if g.multiplier > 1 {
            NHWCKernels<F>.expand(g, count: count, readable: count, from: widened, into: expanded)
        }
    }
}
