extension HalfPrecisionKernels {
    /// The NHWC input gradient of a strided convolution, or of one with a multiplier, on a
    /// 16-bit output gradient with a `Float` filter, rounded into a 16-bit input gradient.
    ///
    /// Each band of up to 8 input rows of one image widens the output-gradient rows it reads
    /// into the thread's workspace, computes its rows in `Float` there with the stride phases'
    /// convolutions, and rounds each row into `inputGradient`.
    @inlinable
    static func backpropInput(
        _ g: KernelGeometry, outputGradient: UnsafePointer<UInt16>, filter: UnsafePointer<Float>,
        inputGradient: UnsafeMutablePointer<UInt16>, threadCount: Int
    ) {
        let phases = NHWCKernels<F>.PhaseConvolutions(g, filter: filter)
        defer { phases.deallocate() }
        let (inputRowSize, outputRowSize) = (g.inputWidth * g.channels, g.outputWidth * g.outputChannels)
        let (rowsPerBand, sh) = (8, g.strides.height)
        let bandsPerImage = (g.inputHeight + rowsPerBand - 1) / rowsPerBand
        // The widened output-gradient rows, one computed row, and the phase row.
        let gradientElements = min(g.outputHeight, (rowsPerBand - 1 + (g.filterHeight - 1) * g.dilations.height) / sh + 2) * outputRowSize
        let workspaceElements = gradientElements + inputRowSize + phases.phaseRowElements
        Parallel.forEach(g.batch * bandsPerImage, threadCount: threadCount, work: g.multiplyAddCount) { bands in
            Workspace.withMemory(byteCount: workspaceElements * MemoryLayout<Float>.stride) { memory in
                let gradient = memory.bindMemory(to: Float.self, capacity: workspaceElements)
                let (computed, phaseRow) = (gradient + gradientElements, gradient + gradientElements + inputRowSize)
                for band in bands {
                    let (n, b) = band.quotientAndRemainder(dividingBy: bandsPerImage)
                    let rows = (b * rowsPerBand)..<min(g.inputHeight, (b + 1) * rowsPerBand)
                    // Output row oh reaches input rows oh*sh - pt + kh*dh for kh in 0..<KH.
                    let lowest = rows.lowerBound + g.padTop - (g.filterHeight - 1) * g.dilations.height
                    let first = lowest <= 0 ? 0 : min(g.outputHeight, (lowest + sh - 1) / sh)
                    let end = max(first, min(g.outputHeight, (rows.upperBound - 1 + g.padTop) / sh + 1))
                    let firstOutputRow = n * g.outputHeight + first
                    widen(outputGradient + firstOutputRow * outputRowSize, into: gradient, count: (end - first) * outputRowSize)
                    for ih in rows {
                        let item = n * g.inputHeight + ih
                        phases.computeRow(item, gradient, firstOutputRow: firstOutputRow, into: computed, phaseRow: phaseRow)
                        narrow(computed, into: inputGradient + item * inputRowSize, count: inputRowSize)
                    }
                }
            }
        }
    }
}
