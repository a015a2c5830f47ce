extension HalfPrecisionKernels {
    /// The NHWC forward pass on 16-bit input and output with a `Float` filter `[KH, KW, C*M]`.
    ///
    /// With multiplier 1, the `Float` kernel reads the input itself, widening each vector as it
    /// loads it, and rounds each register of results as it stores it, so that it reads and
    /// writes half the bytes of the `Float` computation and needs no pass of its own.
    @inlinable
    static func forward(
        _ g: KernelGeometry, input: UnsafePointer<UInt16>, filter: UnsafePointer<Float>,
        output: UnsafeMutablePointer<UInt16>, threadCount: Int
    ) {
        guard g.multiplier == 1 else {
            return forwardInBands(g, input: input, filter: filter, output: output, threadCount: threadCount)
        }
        NHWCKernels<F>.forward(H.self, H.self, g, input: input, filter: filter, output: output, threadCount: threadCount)
    }

    /// The forward pass with a multiplier above 1: each band of output rows widens the input
    /// rows it reads, expanded to `channels * multiplier` channels, into the thread's workspace,
    /// and computes its rows from there, rounding each register as it stores it.
    @inlinable
    static func forwardInBands(
        _ g: KernelGeometry, input: UnsafePointer<UInt16>, filter: UnsafePointer<Float>,
        output: UnsafeMutablePointer<UInt16>, threadCount: Int
    ) {
        typealias Kernels = NHWCKernels<F>
        let bands = Kernels.ForwardBands(g, threadCount: threadCount)
        // The widened rows, then the expanded rows.
        let workspaceElements = 2 * bands.inputElementsPerBand
        Parallel.forEach(bands.count, threadCount: threadCount, work: g.multiplyAddCount) { items in
            Workspace.withMemory(byteCount: workspaceElements * MemoryLayout<Float>.stride) { memory in
                let widened = memory.bindMemory(to: Float.self, capacity: workspaceElements)
                let expanded = widened + bands.inputElementsPerBand
                for band in items {
                    let (outputRows, inputRows) = bands.rows(of: band)
                    widenInputRows(g, inputRows, of: input, into: widened, expandingInto: expanded)
                    Kernels.forwardBand(
                        NativeFormat<Float>.self, H.self, g, rows: outputRows, pairs: bands.pairsRows,
                        firstInputRow: inputRows.lowerBound, expanded, filter, output)
                }
            }
        }
    }

    /// Widens input rows `rows` (of `batch * inputHeight`) into `widened`, then expands them
    /// to `channels * multiplier` channels into `expanded`.
    @inlinable
    static func widenInputRows(
        _ g: KernelGeometry, _ rows: Range<Int>, of input: UnsafePointer<UInt16>, into widened: UnsafeMutablePointer<Float>,
        expandingInto expanded: UnsafeMutablePointer<Float>
    ) {
        let rowSize = g.inputWidth * g.channels
        let count = rows.count * rowSize
        widen(input + rows.lowerBound * rowSize, into: widened, count: count)
        NHWCKernels<F>.expand(g, count: count, readable: count, from: widened, into: expanded)
    }
}
