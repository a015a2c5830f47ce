/// The NCHW kernels that work row by row and read only the filter taps inside the input:
/// for geometries whose padded copy would be too large (see ``FlatPlane``), and for planes
/// with infinities or NaNs, which the padding zeros must not multiply.
extension NCHWKernels {
    /// output[n, c*M + q, oh, ow] = sum over valid (kh, kw) of filter[kh, kw, c, q] * input[n, c, oh*sh + kh*dh - pt, ow*sw + kw*dw - pl]
    ///
    /// Computes one output plane, row by row, reading only taps inside the input: each output
    /// row starts at zero and receives one scaled input row per filter tap.
    @inlinable
    static func forwardPlane(
        _ g: KernelGeometry, _ plane: Int, _ input: UnsafePointer<T>, _ filter: UnsafePointer<T>,
        _ output: UnsafeMutablePointer<T>
    ) {
        let (n, outputChannel) = plane.quotientAndRemainder(dividingBy: g.outputChannels)
        let (c, q) = outputChannel.quotientAndRemainder(dividingBy: g.multiplier)
        let source = input + (n * g.channels + c) * g.inputHeight * g.inputWidth
        for oh in 0..<g.outputHeight {
            let outputRow = output + (plane * g.outputHeight + oh) * g.outputWidth
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

    /// inputGradient[n, c, ih, iw] = sum over q and the taps (kh, kw) that map an output (oh, ow) onto
    /// (ih, iw) of filter[kh, kw, c, q] * outputGradient[n, c*M + q, oh, ow]
    ///
    /// Computes one input-gradient plane (n, c), row by row: each row starts at zero and
    /// receives one scaled output-gradient row per filter tap.
    @inlinable
    static func backpropInputPlane(
        _ g: KernelGeometry, _ plane: Int, _ outputGradient: UnsafePointer<T>, _ filter: UnsafePointer<T>,
        _ inputGradient: UnsafeMutablePointer<T>
    ) {
        let (n, c) = plane.quotientAndRemainder(dividingBy: g.channels)
        for ih in 0..<g.inputHeight {
            let inputRow = inputGradient + (plane * g.inputHeight + ih) * g.inputWidth
            inputRow.initialize(repeating: 0, count: g.inputWidth)
            for q in 0..<g.multiplier {
                let gradientPlane = outputGradient + (n * g.outputChannels + c * g.multiplier + q) * g.outputHeight * g.outputWidth
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

    /// sums[kh * KW + kw] += sum over (oh, ow) of outputGradient[n, k, oh, ow] * input[n, c, ih, iw]
    /// for output channel k = c*M + q of batch element n, reading only taps inside the input.
    @inlinable
    static func accumulateFilterGradientPlane(
        _ g: KernelGeometry, n: Int, outputChannel: Int, _ input: UnsafePointer<T>, _ outputGradient: UnsafePointer<T>,
        into sums: UnsafeMutablePointer<T>
    ) {
        let c = outputChannel / g.multiplier
        let source = input + (n * g.channels + c) * g.inputHeight * g.inputWidth
        let gradientPlane = outputGradient + (n * g.outputChannels + outputChannel) * g.outputHeight * g.outputWidth
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

    /// ``accumulateFilterGradientPlane(_:n:outputChannel:_:_:into:)`` on operands of format `I`:
    /// in place where they hold the kernels' own scalars, else on the two planes widened first.
    @inlinable
    static func accumulateFilterGradientPlane<I: InputFormat>(
        _: I.Type, _ g: KernelGeometry, n: Int, outputChannel: Int, _ input: UnsafePointer<I.Stored>,
        _ outputGradient: UnsafePointer<I.Stored>, into sums: UnsafeMutablePointer<T>
    ) {
        let scalars = { (operand: UnsafePointer<I.Stored>) in UnsafeRawPointer(operand).assumingMemoryBound(to: T.self) }
        if I.self == NativeFormat<T>.self {
            return accumulateFilterGradientPlane(
                g, n: n, outputChannel: outputChannel, scalars(input), scalars(outputGradient), into: sums)
        }
        let (inputPlane, outputPlane) = (g.inputHeight * g.inputWidth, g.outputHeight * g.outputWidth)
        Workspace.withMemory(byteCount: (inputPlane + outputPlane) * MemoryLayout<T>.stride) { memory in
            let wideInput = memory.bindMemory(to: T.self, capacity: inputPlane + outputPlane)
            let wideGradient = wideInput + inputPlane
            let c = outputChannel / g.multiplier
            FlatPlane.copy(
                F.self, I.self, NativeFormat<T>.self, inputPlane, from: input + (n * g.channels + c) * inputPlane, to: wideInput)
            FlatPlane.copy(
                F.self, I.self, NativeFormat<T>.self, outputPlane,
                from: outputGradient + (n * g.outputChannels + outputChannel) * outputPlane, to: wideGradient)
            var plane = g  // one image of one channel
            (plane.batch, plane.channels, plane.multiplier) = (1, 1, 1)
            accumulateFilterGradientPlane(plane, n: 0, outputChannel: 0, wideInput, wideGradient, into: sums)
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
            let values: V = load(source, i, stride: sourceStride)
            V(loading: target + i).multiplyAdd(scale, values).store(to: target + i)
            i += V.laneCount
        }
    }

    /// The sum of a[i] * b[i * bStride] for i in 0..<count, in a fixed order: four registers of
    /// independent partial sums (which hide the add latency), then narrow vectors, then lanes.
    @inlinable @inline(__always)
    public static func dot(_ count: Int, _ a: UnsafePointer<T>, _ b: UnsafePointer<T>, stride bStride: Int) -> T {
        typealias R = F.Register
        let lanes = R.laneCount
        var (s0, s1, s2, s3) = (R(broadcasting: 0), R(broadcasting: 0), R(broadcasting: 0), R(broadcasting: 0))
        var i = 0
        while i + 4 * lanes <= count {
            s0 = s0.multiplyAdd(R(loading: a + i), load(b, i, stride: bStride))
            s1 = s1.multiplyAdd(R(loading: a + i + lanes), load(b, i + lanes, stride: bStride))
            s2 = s2.multiplyAdd(R(loading: a + i + 2 * lanes), load(b, i + 2 * lanes, stride: bStride))
            s3 = s3.multiplyAdd(R(loading: a + i + 3 * lanes), load(b, i + 3 * lanes, stride: bStride))
            i += 4 * lanes
        }
        var sum = ((s0 + s1) + (s2 + s3)).laneSum() + dot(F.Narrow.self, count, a, b, bStride, &i)
        while i < count {
            sum += a[i] * b[i * bStride]
            i += 1
        }
        return sum
    }

    /// Elements i, i+1, ... of a row whose elements lie `stride` apart.
    @inlinable @inline(__always)
    static func load<V: KernelVector>(_ row: UnsafePointer<T>, _ i: Int, stride: Int) -> V where V.Element == T {
        stride == 1 ? V(loading: row + i) : V(loading: row + i * stride, stride: stride)
    }

    @inlinable @inline(__always)
    static func dot<V: KernelVector>(
        _: V.Type, _ count: Int, _ a: UnsafePointer<T>, _ b: UnsafePointer<T>, _ bStride: Int, _ i: inout Int
    ) -> T where V.Element == T {
        guard i + V.laneCount <= count else { return 0 }
        var sum = V(broadcasting: 0)
        while i + V.laneCount <= count {
            sum = sum.multiplyAdd(V(loading: a + i), load(b, i, stride: bStride))
            i += V.laneCount
        }
        return sum.laneSum()
    }
}
