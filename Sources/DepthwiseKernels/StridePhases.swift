/// The input gradient of a convolution as one unit-stride forward convolution per stride phase.
///
/// Along one axis with stride s, dilation d and padding p, input position i = i0 + r*s (phase
/// i0 in 0..<s) receives dy[o] * w[k] exactly where o*s + k*d - p = i, that is for the taps k
/// with (i0 + p - k*d) divisible by s: k = kLast, kLast - s/g, kLast - 2s/g, ... (g = gcd(s, d)),
/// at o = r + c with c = (i0 + p - k*d) / s, which grows by d/g from one tap to the next.
/// Taken in that order, the taps form a unit-stride forward convolution over the output
/// gradient: dilation d/g, padding -(i0 + p - kLast*d) / s, one output per phase position.
/// With unit strides there is one phase, the convolution with the filter turned by 180 degrees
/// of ``KernelGeometry/inputGradientAsForward``.
///
/// Not inlinable: set-up arithmetic, compiled once for baseline x86-64.
@usableFromInline
struct StridePhases {
    /// The phases of each axis that hold input positions: at most the stride, at most the size.
    @usableFromInline let rows: [PhaseAxis]
    @usableFromInline let columns: [PhaseAxis]
    @usableFromInline let g: KernelGeometry

    @usableFromInline
    init(_ g: KernelGeometry) {
        self.g = g
        rows = (0..<min(g.strides.height, g.inputHeight)).map {
            PhaseAxis(
                phase: $0, stride: g.strides.height, dilation: g.dilations.height, padBefore: g.padTop,
                filter: g.filterHeight, input: g.inputHeight)
        }
        columns = (0..<min(g.strides.width, g.inputWidth)).map {
            PhaseAxis(
                phase: $0, stride: g.strides.width, dilation: g.dilations.width, padBefore: g.padLeft,
                filter: g.filterWidth, input: g.inputWidth)
        }
    }

    /// Phase (a, b)'s forward convolution over the output gradient (all `C*M` channels,
    /// multiplier 1), whose output is the phase's input positions; its filter tap (th, tw) is
    /// ``filterTap(_:_:_:_:)``. Where no tap reaches the phase, the filter height or width is
    /// zero and the phase's gradient is zero.
    @usableFromInline
    func geometry(_ a: Int, _ b: Int) -> KernelGeometry {
        let (rows, columns) = (self.rows[a], self.columns[b])
        return KernelGeometry(
            batch: g.batch, inputHeight: g.outputHeight, inputWidth: g.outputWidth, channels: g.outputChannels,
            multiplier: 1, filterHeight: rows.taps, filterWidth: columns.taps, outputHeight: rows.positions,
            outputWidth: columns.positions, strides: (1, 1), dilations: (rows.dilation, columns.dilation),
            padTop: rows.padBefore, padLeft: columns.padBefore)
    }

    /// The filter tap (kh, kw) that is tap (th, tw) of phase (a, b)'s convolution.
    @inlinable
    func filterTap(_ a: Int, _ b: Int, _ th: Int, _ tw: Int) -> (kh: Int, kw: Int) {
        (rows[a].lastTap - th * rows[a].tapStep, columns[b].lastTap - tw * columns[b].tapStep)
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
