/// The NHWC input gradient of a strided convolution, as one forward convolution per phase.
///
/// Along one axis with stride s, dilation d and padding p, input position i = i0 + r*s (phase
/// i0 in 0..<s) receives dy[o] * w[k] exactly where o*s + k*d - p = i, that is for the taps k
/// with (i0 + p - k*d) divisible by s: k = kLast, kLast - s/g, kLast - 2s/g, ... (g = gcd(s, d)),
/// at o = r + c with c = (i0 + p - k*d) / s, which grows by d/g from one tap to the next.
/// Taken in that order, the taps form a unit-stride forward convolution over the output
/// gradient: dilation d/g, padding -(i0 + p - kLast*d) / s, one output per phase position.
/// Each input row of each column phase is one row of that convolution over all `C*M`
/// channels, computed by the register-blocked forward kernel into working memory, summed
/// over the multiplier and stored at every s-th pixel. With unit strides there is one phase:
/// ``KernelGeometry/inputGradientAsForward``.
extension NHWCKernels {
    /// inputGradient[n, ih, iw, c] = sum over q and the taps (kh, kw) that map an output (oh, ow)
    /// onto (ih, iw) of filter[kh, kw, c, q] * outputGradient[n, oh, ow, c*M + q]
    @inlinable
    public static func backpropInput(
        _ g: KernelGeometry, outputGradient: UnsafePointer<T>, filter: UnsafePointer<T>,
        inputGradient: UnsafeMutablePointer<T>, threadCount: Int
    ) {
        let (c, k) = (g.channels, g.outputChannels)
        let (sh, sw) = g.strides
        // Phases past the input's size have no positions: (a, b) in rowPhases x columnPhases.
        let (rowPhases, columnPhases) = (min(sh, g.inputHeight), min(sw, g.inputWidth))
        // Phase (a, b)'s convolution, and its filter [taps(a), taps(b), K] from filterOffsets[a * columnPhases + b].
        let geometries = UnsafeMutablePointer<KernelGeometry>.allocate(capacity: rowPhases * columnPhases)
        let filterOffsets = UnsafeMutablePointer<Int>.allocate(capacity: rowPhases * columnPhases)
        let phaseFilters = UnsafeMutablePointer<T>.allocate(capacity: g.filterHeight * g.filterWidth * k)
        defer {
            geometries.deallocate()
            filterOffsets.deallocate()
            phaseFilters.deallocate()
        }
        var offset = 0
        for a in 0..<rowPhases {
            let rows = PhaseAxis(
                phase: a, stride: sh, dilation: g.dilations.height, padBefore: g.padTop, filter: g.filterHeight,
                input: g.inputHeight)
            for b in 0..<columnPhases {
                let columns = PhaseAxis(
                    phase: b, stride: sw, dilation: g.dilations.width, padBefore: g.padLeft, filter: g.filterWidth,
                    input: g.inputWidth)
                (geometries + a * columnPhases + b).initialize(
                    to: KernelGeometry(
                        batch: g.batch, inputHeight: g.outputHeight, inputWidth: g.outputWidth, channels: k, multiplier: 1,
                        filterHeight: rows.taps, filterWidth: columns.taps, outputHeight: rows.positions,
                        outputWidth: columns.positions, strides: (1, 1), dilations: (rows.dilation, columns.dilation),
                        padTop: rows.padBefore, padLeft: columns.padBefore))
                filterOffsets[a * columnPhases + b] = offset
                for th in 0..<rows.taps {
                    for tw in 0..<columns.taps {
                        let (kh, kw) = (rows.lastTap - th * rows.tapStep, columns.lastTap - tw * columns.tapStep)
                        (phaseFilters + offset).initialize(from: filter + (kh * g.filterWidth + kw) * k, count: k)
                        offset += k
                    }
                }
            }
        }
        // One phase row at a time: at most ceil(inputWidth / strideW) pixels.
        let rowElements = max(1, (g.inputWidth + sw - 1) / sw * k)
        Parallel.forEach(g.batch * g.inputHeight, threadCount: threadCount, work: g.multiplyAddCount) { items in
            Workspace.withMemory(byteCount: rowElements * MemoryLayout<T>.stride) { memory in
                let phaseRow = memory.bindMemory(to: T.self, capacity: rowElements)
                for item in items {
                    let (n, ih) = item.quotientAndRemainder(dividingBy: g.inputHeight)
                    let (a, r) = (ih % sh, ih / sh)
                    for b in 0..<columnPhases {
                        let phase = geometries[a * columnPhases + b]
                        let pixels = inputGradient + (item * g.inputWidth + b) * c
                        guard phase.filterHeight > 0, phase.filterWidth > 0 else {
                            for column in 0..<phase.outputWidth { (pixels + column * sw * c).update(repeating: 0, count: c) }
                            continue
                        }
                        let row = n * phase.outputHeight + r
                        forwardRow(
                            phase, row: row, channels: 0..<k, firstInputRow: 0, outputGradient,
                            phaseFilters + filterOffsets[a * columnPhases + b], firstOutputRow: row, phaseRow)
                        for column in 0..<phase.outputWidth {
                            let (source, target) = (phaseRow + column * k, pixels + column * sw * c)
                            if g.multiplier == 1 {
                                FlatPlane.copy(F.self, k, from: source, to: target, adding: false)
                            } else {
                                sumOverMultiplier(g.multiplier, c, source, into: target)
                            }
                        }
                    }
                }
            }
        }
    }

    /// target[c] = sum over q, in order, of source[c*M + q]
    @inlinable
    static func sumOverMultiplier(_ m: Int, _ channels: Int, _ source: UnsafePointer<T>, into target: UnsafeMutablePointer<T>) {
        for c in 0..<channels {
            var sum = source[c * m]
            for q in 1..<m { sum += source[c * m + q] }
            target[c] = sum
        }
    }

    /// The taps of one phase along one axis, as a unit-stride forward convolution.
    @usableFromInline
    struct PhaseAxis {
        /// The number of taps that reach the phase (0 if none).
        @usableFromInline let taps: Int
        /// The filter index of the phase's first tap; later taps are `tapStep` lower.
        @usableFromInline let lastTap: Int
        @usableFromInline let tapStep: Int
        /// The convolution's dilation and padding over the output gradient.
        @usableFromInline let dilation: Int
        @usableFromInline let padBefore: Int
        /// Input positions in the phase: phase, phase + stride, ... below the input size.
        @usableFromInline let positions: Int

        @inlinable
        init(phase: Int, stride: Int, dilation: Int, padBefore: Int, filter: Int, input: Int) {
            var (a, b) = (stride, dilation)
            while b != 0 { (a, b) = (b, a % b) }  // a = gcd(stride, dilation)
            tapStep = stride / a
            self.dilation = dilation / a
            positions = phase < input ? (input - phase + stride - 1) / stride : 0
            // The highest tap k < filter with (phase + padBefore - k*dilation) divisible by stride.
            var last = filter - 1
            while last >= 0 && (phase + padBefore - last * dilation) % stride != 0 { last -= 1 }
            lastTap = last
            taps = last < 0 ? 0 : last / tapStep + 1
            // c = (phase + padBefore - lastTap*dilation) / stride, exact; the padding is -c.
            self.padBefore = last < 0 ? 0 : -((phase + padBefore - last * dilation) / stride)
        }
    }
}
