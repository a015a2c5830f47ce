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
        NHWCKernels<F>.forward(H.self, storing: H.self, g, input: input, filter: filter, output: output, threadCount: threadCount)
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
                for item in items {
                    let (outputRows, inputRows, channels) = bands.item(item)
                    widenInputRows(g, inputRows, channels, of: input, into: widened, expandingInto: expanded)
                    Kernels.forwardBand(
                        NativeFormat<Float>.self, H.self, g, rows: outputRows, channels: channels, pairs: bands.pairsRows,
                        firstInputRow: inputRows.lowerBound, expanded, filter, output)
                }
            }
        }
    }

    /// Widens input rows `rows` (of `batch * inputHeight`) into `widened`, then expands them
    /// to `channels * multiplier` channels into `expanded`: the input channels that output
    /// channels `channels` read.
    @inlinable
    static func widenInputRows(
        _ g: KernelGeometry, _ rows: Range<Int>, _ channels: Range<Int>, of input: UnsafePointer<UInt16>,
        into widened: UnsafeMutablePointer<Float>, expandingInto expanded: UnsafeMutablePointer<Float>
    ) {
        let rowSize = g.inputWidth * g.channels
        let inputChannels = NHWCKernels<F>.inputChannels(g, readBy: channels)
        if inputChannels.count == g.channels {
            widen(input + rows.lowerBound * rowSize, into: widened, count: rows.count * rowSize)
        } else {
            for p in 0..<rows.count * g.inputWidth {
                let pixel = p * g.channels + inputChannels.lowerBound
                widen(input + (rows.lowerBound * rowSize + pixel), into: widened + pixel, count: inputChannels.count)
            }
        }
        var widenedRows = g  // the whole input of the expansion
        (widenedRows.batch, widenedRows.inputHeight) = (1, rows.count)
        NHWCKernels<F>.expand(widenedRows, rows: 0..<rows.count, channels: channels, input: widened, into: expanded)
    }
}
