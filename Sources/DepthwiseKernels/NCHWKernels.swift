/// SIMD kernels for NCHW tensors, vectorized over the width of each channel's plane.
///
/// Each kernel works on whole planes, which are independent, so planes run in parallel and
/// every sum has the same order whatever the thread count.
public enum NCHWKernels<F: VectorFamily> {
    public typealias T = F.Scalar

    /// output[n, c*M + q, oh, ow] = sum over valid (kh, kw) of filter[kh, kw, c, q] * input[n, c, oh*sh + kh*dh - pt, ow*sw + kw*dw - pl]
    ///
    /// Each output row starts at zero and receives one scaled input row per filter tap.
    @inlinable
    public static func forward(
        _ g: KernelGeometry, input: UnsafePointer<T>, filter: UnsafePointer<T>,
        output: UnsafeMutablePointer<T>, threadCount: Int
    ) {
        let (inputPlane, outputPlane) = (g.inputHeight * g.inputWidth, g.outputHeight * g.outputWidth)
        let shared = UncheckedSendable((input, filter, output))
        Parallel.forEach(g.batch * g.outputChannels, threadCount: threadCount, work: g.multiplyAddCount) { planes in
            let (input, filter, output) = shared.value
            for plane in planes {
                let (n, outputChannel) = plane.quotientAndRemainder(dividingBy: g.outputChannels)
                let (c, q) = outputChannel.quotientAndRemainder(dividingBy: g.multiplier)
                let source = input + (n * g.channels + c) * inputPlane
                for oh in 0..<g.outputHeight {
                    let outputRow = output + plane * outputPlane + oh * g.outputWidth
                    outputRow.initialize(repeating: 0, count: g.outputWidth)
                    for kh in g.validFilterRows(forOutputRow: oh) {
                        let inputRow = source + (oh * g.strides.height + kh * g.dilations.height - g.padTop) * g.inputWidth
                        for kw in 0..<g.filterWidth {
                            let columns = g.validOutputColumns(forFilterColumn: kw)
                            guard let first = columns.first else { continue }
                            // outputRow[ow] += w * inputRow[ow * sw + kw * dw - pl] for ow in columns
                            addScaled(
                                columns.count, filter[g.filterOffset(kh, kw, c, q)],
                                inputRow + (first * g.strides.width + kw * g.dilations.width - g.padLeft), stride: g.strides.width,
                                to: outputRow + first, stride: 1)
                        }
                    }
                }
            }
        }
    }

    /// inputGradient[n, c, ih, iw] = sum over q and the taps (kh, kw) that map an output (oh, ow) onto
    /// (ih, iw) of filter[kh, kw, c, q] * outputGradient[n, c*M + q, oh, ow]
    ///
    /// Each input row starts at zero and receives one scaled output-gradient row per filter tap.
    @inlinable
    public static func backpropInput(
        _ g: KernelGeometry, outputGradient: UnsafePointer<T>, filter: UnsafePointer<T>,
        inputGradient: UnsafeMutablePointer<T>, threadCount: Int
    ) {
        let (inputPlane, outputPlane) = (g.inputHeight * g.inputWidth, g.outputHeight * g.outputWidth)
        let shared = UncheckedSendable((outputGradient, filter, inputGradient))
        Parallel.forEach(g.batch * g.channels, threadCount: threadCount, work: g.multiplyAddCount) { planes in
            let (outputGradient, filter, inputGradient) = shared.value
            for plane in planes {
                let (n, c) = plane.quotientAndRemainder(dividingBy: g.channels)
                for ih in 0..<g.inputHeight {
                    let inputRow = inputGradient + plane * inputPlane + ih * g.inputWidth
                    inputRow.initialize(repeating: 0, count: g.inputWidth)
                    for q in 0..<g.multiplier {
                        let gradientPlane = outputGradient + (n * g.outputChannels + c * g.multiplier + q) * outputPlane
                        for kh in 0..<g.filterHeight {
                            guard let oh = g.outputRow(readingInputRow: ih, withFilterRow: kh) else { continue }
                            for kw in 0..<g.filterWidth {
                                let columns = g.validOutputColumns(forFilterColumn: kw)
                                guard let first = columns.first else { continue }
                                // inputRow[ow * sw + kw * dw - pl] += w * gradientRow[ow] for ow in columns
                                addScaled(
                                    columns.count, filter[g.filterOffset(kh, kw, c, q)],
                                    gradientPlane + (oh * g.outputWidth + first), stride: 1,
                                    to: inputRow + (first * g.strides.width + kw * g.dilations.width - g.padLeft),
                                    stride: g.strides.width)
                            }
                        }
                    }
                }
            }
        }
    }

    /// filterGradient[kh, kw, c, q] = sum over (n, oh, ow) of outputGradient[n, c*M + q, oh, ow] * input[n, c, ih, iw]
    ///
    /// Each (c, q) pair is one work item; its sums run over the batch in order.
    @inlinable
    public static func backpropFilter(
        _ g: KernelGeometry, input: UnsafePointer<T>, outputGradient: UnsafePointer<T>,
        filterGradient: UnsafeMutablePointer<T>, threadCount: Int
    ) {
        let (inputPlane, outputPlane) = (g.inputHeight * g.inputWidth, g.outputHeight * g.outputWidth)
        let shared = UncheckedSendable((input, outputGradient, filterGradient))
        Parallel.forEach(g.outputChannels, threadCount: threadCount, work: g.multiplyAddCount) { outputChannels in
            let (input, outputGradient, filterGradient) = shared.value
            let sums = Scratch<T>(count: g.filterHeight * g.filterWidth)
            defer { sums.deallocate() }
            for outputChannel in outputChannels {
                let (c, q) = outputChannel.quotientAndRemainder(dividingBy: g.multiplier)
                sums.update(repeating: 0)
                for n in 0..<g.batch {
                    let source = input + (n * g.channels + c) * inputPlane
                    let gradientPlane = outputGradient + (n * g.outputChannels + outputChannel) * outputPlane
                    for oh in 0..<g.outputHeight {
                        for kh in g.validFilterRows(forOutputRow: oh) {
                            let inputRow = source + (oh * g.strides.height + kh * g.dilations.height - g.padTop) * g.inputWidth
                            for kw in 0..<g.filterWidth {
                                let columns = g.validOutputColumns(forFilterColumn: kw)
                                guard let first = columns.first else { continue }
                                sums[kh * g.filterWidth + kw] += dot(
                                    columns.count, gradientPlane + (oh * g.outputWidth + first),
                                    inputRow + (first * g.strides.width + kw * g.dilations.width - g.padLeft),
                                    stride: g.strides.width)
                            }
                        }
                    }
                }
                for kh in 0..<g.filterHeight {
                    for kw in 0..<g.filterWidth {
                        filterGradient[g.filterOffset(kh, kw, c, q)] = sums[kh * g.filterWidth + kw]
                    }
                }
            }
        }
    }

    /// target[i * targetStride] += scale * source[i * sourceStride] for i in 0..<count
    @inlinable @inline(__always)
    public static func addScaled(
        _ count: Int, _ scale: T, _ source: UnsafePointer<T>, stride sourceStride: Int,
        to target: UnsafeMutablePointer<T>, stride targetStride: Int
    ) {
        var i = 0
        if targetStride == 1 {
            addScaled(F.Wide.self, count, scale, source, sourceStride, target, &i)
            addScaled(F.Narrow.self, count, scale, source, sourceStride, target, &i)
        }
        while i < count {
            target[i * targetStride] += scale * source[i * sourceStride]
            i += 1
        }
    }

    @inlinable @inline(__always)
    static func addScaled<V: KernelVector>(
        _: V.Type, _ count: Int, _ scale: T, _ source: UnsafePointer<T>, _ sourceStride: Int,
        _ target: UnsafeMutablePointer<T>, _ i: inout Int
    ) where V.Element == T {
        let scale = V(broadcasting: scale)
        while i + V.laneCount <= count {
            let values =
                sourceStride == 1
                ? V(loading: source + i) : V(loading: source + i * sourceStride, stride: sourceStride)
            V(loading: target + i).multiplyAdd(scale, values).store(to: target + i)
            i += V.laneCount
        }
    }

    /// The sum of a[i] * b[i * bStride] for i in 0..<count, in a fixed order.
    @inlinable @inline(__always)
    public static func dot(_ count: Int, _ a: UnsafePointer<T>, _ b: UnsafePointer<T>, stride bStride: Int) -> T {
        var i = 0
        let wide = dot(F.Wide.self, count, a, b, bStride, &i)
        let narrow = dot(F.Narrow.self, count, a, b, bStride, &i)
        var sum = wide + narrow
        while i < count {
            sum += a[i] * b[i * bStride]
            i += 1
        }
        return sum
    }

    @inlinable @inline(__always)
    static func dot<V: KernelVector>(
        _: V.Type, _ count: Int, _ a: UnsafePointer<T>, _ b: UnsafePointer<T>, _ bStride: Int, _ i: inout Int
    ) -> T where V.Element == T {
        guard i + V.laneCount <= count else { return 0 }
        var sum = V(broadcasting: 0)
        while i + V.laneCount <= count {
            let values = bStride == 1 ? V(loading: b + i) : V(loading: b + i * bStride, stride: bStride)
            sum = sum.multiplyAdd(V(loading: a + i), values)
            i += V.laneCount
        }
        return sum.laneSum()
    }
}
