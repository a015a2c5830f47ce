extension HalfPrecisionKernels {
    /// The NHWC forward pass on 16-bit input and output with a `Float` filter `[KH, KW, C*M]`.
    ///
    /// With multiplier 1, the `Float` kernel reads the input itself, widening each vector as it
    /// loads it (one F16C instruction per register for `Float16`), so that it reads half the
    /// bytes of the `Float` computation and needs no pass over the input of its own. It rounds
    /// each register of results as it stores it where that is one instruction (`Float16` with
    /// F16C); otherwise it computes each row (or slice of its channels) into the thread's
    /// workspace, which is then rounded into `output`.
    @inlinable
    static func forward(
        _ g: KernelGeometry, input: UnsafePointer<UInt16>, filter: UnsafePointer<Float>,
        output: UnsafeMutablePointer<UInt16>, threadCount: Int
    ) {
        typealias Kernels = NHWCKernels<F>
        guard g.multiplier == 1 else {
            return forwardInBands(g, input: input, filter: filter, output: output, threadCount: threadCount)
        }
        guard !H.narrowsRegisters else {
            return Kernels.forward(H.self, H.self, g, input: input, filter: filter, output: output, threadCount: threadCount)
        }
        let k = g.outputChannels
        let slices = Kernels.channelSliceCount(g)
        let outputRowSize = g.outputWidth * k
        Parallel.forEach(g.batch * g.outputHeight * slices, threadCount: threadCount, work: g.multiplyAddCount) { items in
            Workspace.withMemory(byteCount: outputRowSize * MemoryLayout<Float>.stride) { memory in
                let computed = memory.bindMemory(to: Float.self, capacity: outputRowSize)
                for item in items {
                    let (row, slice) = item.quotientAndRemainder(dividingBy: slices)
                    let channels = Kernels.channelSlice(slice, of: slices, g)
                    Kernels.forwardRow(
                        H.self, NativeFormat<Float>.self, g, row: row, channels: channels, firstInputRow: 0, input, filter,
                        firstOutputRow: row, computed)
                    let outputRow = output + row * outputRowSize
                    if slices == 1 {
                        narrow(computed, into: outputRow, count: outputRowSize)
                    } else {
                        for pixel in stride(from: channels.lowerBound, to: outputRowSize, by: k) {
                            narrow(computed + pixel, into: outputRow + pixel, count: channels.count)
                        }
                    }
                }
            }
        }
    }

    /// The forward pass with a multiplier above 1: each band of output rows widens the input
    /// rows it reads, expanded to `channels * multiplier` channels, into the thread's workspace,
    /// computes its rows in `Float` there, and rounds each row into `output`.
    @inlinable
    static func forwardInBands(
        _ g: KernelGeometry, input: UnsafePointer<UInt16>, filter: UnsafePointer<Float>,
        output: UnsafeMutablePointer<UInt16>, threadCount: Int
    ) {
        typealias Kernels = NHWCKernels<F>
        let k = g.outputChannels
        let bands = Kernels.ForwardBands(g, threadCount: threadCount)
        let outputRowSize = g.outputWidth * k
        // The widened rows, the expanded rows, and one computed row.
        let (expandedOffset, computedOffset) = (bands.inputElementsPerBand, 2 * bands.inputElementsPerBand)
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
