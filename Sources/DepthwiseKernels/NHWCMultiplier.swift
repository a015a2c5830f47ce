/// The NHWC forward pass for channel multipliers above 1.
///
/// The kernels read `channels * multiplier` channels, so each band of output rows first
/// expands the input rows it reads (channel c repeated at c*M ..< c*M + M) into working
/// memory that stays in cache, and then runs the register-blocked rows on it.
extension NHWCKernels {
    /// output[n, oh, ow, c*M + q] = sum over valid (kh, kw) of filter[kh, kw, c, q] * input[n, oh*sh + kh*dh - pt, ow*sw + kw*dw - pl, c]
    @inlinable
    public static func forwardExpandingInput(
        _ g: KernelGeometry, input: UnsafePointer<T>, filter: UnsafePointer<T>,
        output: UnsafeMutablePointer<T>, threadCount: Int
    ) {
        let (k, sh) = (g.outputChannels, g.strides.height)
        // Up to 8 output rows per band, fewer where that would leave threads idle. Each output
        // is computed the same way whatever the band, so this does not change the results.
        let bandRows = max(1, min(8, g.outputHeight, g.batch * g.outputHeight / (4 * max(1, threadCount))))
        let bandsPerImage = (g.outputHeight + bandRows - 1) / bandRows
        let inputRowsPerBand = min(g.inputHeight, (bandRows - 1) * sh + (g.filterHeight - 1) * g.dilations.height + 1)
        Parallel.forEach(g.batch * bandsPerImage, threadCount: threadCount, work: g.multiplyAddCount) { bands in
            let expanded = Scratch<T>(count: max(1, inputRowsPerBand * g.inputWidth * k))  // never empty: its address is passed on
            defer { expanded.deallocate() }
            for band in bands {
                let (n, b) = band.quotientAndRemainder(dividingBy: bandsPerImage)
                let rows = (b * bandRows)..<min(g.outputHeight, (b + 1) * bandRows)
                // The input rows that the band's filter taps read.
                let first = min(g.inputHeight, max(0, rows.lowerBound * sh - g.padTop))
                let end = max(
                    first,
                    min(g.inputHeight, (rows.upperBound - 1) * sh - g.padTop + (g.filterHeight - 1) * g.dilations.height + 1))
                let firstInputRow = n * g.inputHeight + first
                expand(g, rows: firstInputRow..<(firstInputRow + end - first), input: input, into: expanded.baseAddress!)
                for oh in rows {
                    forwardRow(
                        g, row: n * g.outputHeight + oh, channels: 0..<k, firstInputRow: firstInputRow, expanded.baseAddress!,
                        filter, output)
                }
            }
        }
    }
}
