import DepthwiseConvolution
import Testing

/// The SIMD kernels against the reference loops, on geometries chosen to hit SIMD tails
/// (odd channel counts), every padding edge, strides, dilations and multipliers.
@Suite struct ReferenceAgreementTests {
    static let geometries: [Geometry] = [
        Geometry(batch: 1, height: 5, width: 7, channels: 1, multiplier: 1, filter: HeightWidth(3), strides: 1, padding: .same),
        Geometry(batch: 2, height: 6, width: 5, channels: 3, multiplier: 2, filter: HeightWidth(3), strides: 2, padding: .same),
        Geometry(
            batch: 1, height: 9, width: 11, channels: 7, multiplier: 1, filter: HeightWidth(height: 3, width: 2),
            strides: HeightWidth(height: 1, width: 2), padding: .valid),
        Geometry(
            batch: 1, height: 8, width: 8, channels: 13, multiplier: 3, filter: HeightWidth(5), strides: 1,
            padding: .explicit(top: 2, bottom: 0, left: 0, right: 3)),
        Geometry(
            batch: 3, height: 7, width: 6, channels: 33, multiplier: 1, filter: HeightWidth(3), strides: 2,
            padding: .explicit(top: 1, bottom: 1, left: 1, right: 1), dilations: 2),
        Geometry(
            batch: 1, height: 10, width: 12, channels: 17, multiplier: 1, filter: HeightWidth(3), strides: 1, padding: .same,
            dilations: HeightWidth(height: 2, width: 3)),
        Geometry(batch: 1, height: 12, width: 40, channels: 40, multiplier: 1, filter: HeightWidth(7), strides: 1, padding: .same),
        // Rows of 11 columns for a 7x7 filter: blocks of 8 at the ends that overlap.
        Geometry(batch: 1, height: 9, width: 11, channels: 21, multiplier: 1, filter: HeightWidth(7), strides: 1, padding: .same),
        Geometry(
            batch: 2, height: 4, width: 37, channels: 5, multiplier: 4, filter: HeightWidth(height: 1, width: 3),
            strides: HeightWidth(height: 3, width: 1), padding: .same),
        Geometry(
            batch: 1, height: 3, width: 3, channels: 2, multiplier: 1, filter: HeightWidth(5), strides: 1,
            padding: .explicit(top: 4, bottom: 4, left: 4, right: 4)),
        Geometry(
            batch: 1, height: 6, width: 6, channels: 64, multiplier: 1, filter: HeightWidth(3), strides: 3, padding: .valid, dilations: 2),
        // Wide stride-2 rows (whole vectors of even columns), padding wider than the filter.
        Geometry(
            batch: 1, height: 9, width: 45, channels: 3, multiplier: 2, filter: HeightWidth(3), strides: 2,
            padding: .explicit(top: 3, bottom: 0, left: 3, right: 1)),
        Geometry(
            batch: 2, height: 5, width: 70, channels: 2, multiplier: 1, filter: HeightWidth(height: 3, width: 5), strides: 1,
            padding: .explicit(top: 0, bottom: 3, left: 5, right: 2)),
        // NCHW planes in bands of output rows (6 for a filter height of 3, 5 for 5; a last band
        // overlapping the one before) by two registers (the last overlapping), with column dilation.
        Geometry(batch: 2, height: 21, width: 50, channels: 5, multiplier: 1, filter: HeightWidth(3), strides: 1, padding: .same),
        Geometry(
            batch: 1, height: 23, width: 37, channels: 3, multiplier: 2, filter: HeightWidth(height: 5, width: 2), strides: 1,
            padding: .explicit(top: 1, bottom: 3, left: 0, right: 2), dilations: HeightWidth(height: 1, width: 2)),
        // Bands stored straight into the plane from one block of two overlapping registers (rows
        // under two registers), and through the flat result where a row is under one register.
        Geometry(batch: 1, height: 24, width: 24, channels: 3, multiplier: 1, filter: HeightWidth(3), strides: 1, padding: .same),
        Geometry(batch: 1, height: 40, width: 14, channels: 2, multiplier: 1, filter: HeightWidth(5), strides: 1, padding: .same),
        // Bands of 4 rows for a 7x7 filter, the last overlapping; planes of fewer output rows than a
        // band (5 for a 3x3 filter: the flat convolution) or of exactly one (5 for a 5x5 filter).
        Geometry(batch: 1, height: 22, width: 30, channels: 3, multiplier: 1, filter: HeightWidth(7), strides: 1, padding: .same),
        Geometry(batch: 1, height: 5, width: 90, channels: 2, multiplier: 1, filter: HeightWidth(3), strides: 1, padding: .same),
        Geometry(batch: 1, height: 5, width: 90, channels: 2, multiplier: 2, filter: HeightWidth(5), strides: 1, padding: .same),
        // Rows of 7 columns in blocks of 4 at the ends, with whole registers of channels and a tail;
        // rows of 7 and of 5 columns with no padding in two blocks of 4 that overlap, in pairs of rows.
        Geometry(batch: 2, height: 7, width: 7, channels: 37, multiplier: 1, filter: HeightWidth(3), strides: 1, padding: .same),
        Geometry(batch: 2, height: 9, width: 9, channels: 37, multiplier: 1, filter: HeightWidth(3), strides: 1, padding: .valid),
        Geometry(batch: 1, height: 8, width: 7, channels: 21, multiplier: 1, filter: HeightWidth(3), strides: 1, padding: .valid),
        // Output rows in pairs through the blocks (3-wide filters, stride = dilation): rows of 19
        // interior columns (blocks of 8) with whole registers and a tail, an odd row count per
        // image, pairs whose first or second row reads the padding; at stride and dilation 2.
        Geometry(batch: 2, height: 9, width: 21, channels: 35, multiplier: 1, filter: HeightWidth(3), strides: 1, padding: .same),
        Geometry(
            batch: 1, height: 23, width: 41, channels: 19, multiplier: 1, filter: HeightWidth(3), strides: 2, padding: .same,
            dilations: 2),
        // SAME padding at unit stride: blocks of 8 and of 4 at the ends of the rows skip the taps in
        // the padding (5x5 here, 3x3 and 7x7 above), with whole registers and a tail.
        Geometry(batch: 1, height: 6, width: 13, channels: 35, multiplier: 1, filter: HeightWidth(5), strides: 1, padding: .same),
        Geometry(batch: 2, height: 5, width: 6, channels: 19, multiplier: 1, filter: HeightWidth(5), strides: 1, padding: .same),
        // A 5x5 filter gradient on images too large to go by channels: tiles of 3 filter rows by 5
        // taps that share input vectors across taps, over runs of output rows.
        Geometry(batch: 2, height: 36, width: 40, channels: 19, multiplier: 1, filter: HeightWidth(5), strides: 1, padding: .same),
        // 5x5 filters at stride 2: rows of 19 and of 6 interior columns (blocks of 8, then of 4).
        Geometry(batch: 1, height: 9, width: 41, channels: 19, multiplier: 1, filter: HeightWidth(5), strides: 2, padding: .same),
        Geometry(batch: 1, height: 6, width: 15, channels: 19, multiplier: 1, filter: HeightWidth(5), strides: 2, padding: .same),
        // Blocks of 4 at the ends of stride-2 rows of 7 and 5 columns, skipping the taps in the
        // padding: 5x5 filters on even and odd widths (one tap or two left of the input), 3x3 on
        // even widths (none) and odd ones, and stride 4 at dilation 2.
        Geometry(batch: 2, height: 7, width: 14, channels: 37, multiplier: 1, filter: HeightWidth(5), strides: 2, padding: .same),
        Geometry(batch: 1, height: 7, width: 13, channels: 37, multiplier: 1, filter: HeightWidth(5), strides: 2, padding: .same),
        Geometry(batch: 1, height: 6, width: 14, channels: 33, multiplier: 1, filter: HeightWidth(3), strides: 2, padding: .same),
        Geometry(batch: 1, height: 5, width: 9, channels: 33, multiplier: 1, filter: HeightWidth(3), strides: 2, padding: .same),
        Geometry(
            batch: 1, height: 5, width: 26, channels: 19, multiplier: 1, filter: HeightWidth(3), strides: 4, padding: .same,
            dilations: 2),
        // Stride phases that no filter tap reaches (rows 2, 5 and odd columns), stride-2 columns of odd width.
        Geometry(
            batch: 1, height: 7, width: 35, channels: 3, multiplier: 2, filter: HeightWidth(height: 2, width: 1),
            strides: HeightWidth(height: 3, width: 2), padding: .valid),
        // Strides far beyond the input, with padding for a second output row and column (all zero):
        // almost every stride phase of the input gradient lies past the input.
        Geometry(
            batch: 2, height: 5, width: 4, channels: 3, multiplier: 2, filter: HeightWidth(3), strides: HeightWidth(1 << 20),
            padding: .explicit(top: 0, bottom: 1 << 20, left: 0, right: 1 << 20)),
        // NCHW planes too large for blocks of channels (through NHWC) in every computation: flat
        // planes; 3x3 filter gradients in bands, rows of whole registers and (column dilation) not.
        largePlanes,
        largeUnitStridePlanes,
        Geometry(
            batch: 1, height: 33, width: 40, channels: 2, multiplier: 1, filter: HeightWidth(3), strides: 1, padding: .valid,
            dilations: HeightWidth(height: 1, width: 2)),
        // NCHW input gradients through one padded plane for all stride phases: row phases whose
        // first taps start below the padded plane (negative padding), stride-2 columns summed over
        // the multiplier; three column phases, one that no tap reaches, with column dilation; and
        // one phase with row dilation (no bands).
        Geometry(
            batch: 1, height: 65, width: 67, channels: 2, multiplier: 2, filter: HeightWidth(height: 2, width: 3), strides: 2,
            padding: .explicit(top: 3, bottom: 1, left: 0, right: 1)),
        Geometry(
            batch: 1, height: 70, width: 61, channels: 2, multiplier: 2, filter: HeightWidth(height: 5, width: 2),
            strides: HeightWidth(height: 2, width: 3), padding: .explicit(top: 3, bottom: 0, left: 1, right: 2),
            dilations: HeightWidth(height: 1, width: 2)),
        Geometry(
            batch: 1, height: 31, width: 33, channels: 3, multiplier: 2, filter: HeightWidth(3), strides: 1, padding: .same,
            dilations: HeightWidth(height: 2, width: 1)),
        // NCHW forward passes at column stride 2 read straight from the input rows (planes too
        // large for blocks of channels; `largePlanes` and the 2x3 filter above too): 5- and 4-wide
        // filters, padding of 3 columns and of 1 on the left, row stride 3 with row dilation 2,
        // and columns at both ends outside the registers.
        Geometry(
            batch: 2, height: 31, width: 90, channels: 3, multiplier: 2, filter: HeightWidth(height: 3, width: 5),
            strides: HeightWidth(height: 3, width: 2), padding: .explicit(top: 2, bottom: 1, left: 3, right: 4),
            dilations: HeightWidth(height: 2, width: 1)),
        Geometry(batch: 1, height: 40, width: 57, channels: 2, multiplier: 1, filter: HeightWidth(4), strides: 2, padding: .same),
        // NCHW input gradients of multiplier 1 on planes too large for blocks of channels, which
        // Float16 and bfloat16 store phase by phase into the 16-bit plane: one column phase
        // (column stride 1), and three (column stride 3).
        Geometry(
            batch: 1, height: 50, width: 47, channels: 2, multiplier: 1, filter: HeightWidth(3),
            strides: HeightWidth(height: 2, width: 1), padding: .same),
        Geometry(
            batch: 1, height: 50, width: 47, channels: 2, multiplier: 1, filter: HeightWidth(3),
            strides: HeightWidth(height: 2, width: 3), padding: .same),
        // Tall NCHW planes of narrow stride-2 rows: the column phases copied and interleaved in
        // narrow vectors (6 shared columns) and single lanes (3).
        Geometry(batch: 1, height: 170, width: 13, channels: 2, multiplier: 2, filter: HeightWidth(3), strides: 2, padding: .same),
        Geometry(batch: 1, height: 300, width: 7, channels: 3, multiplier: 1, filter: HeightWidth(3), strides: 2, padding: .same),
        // A tall NCHW plane of unit-stride rows narrower than an AVX-512 register (2700 output
        // pixels, too many for blocks of channels): its filter gradient reads a flat copy of the
        // output gradient with AVX-512, and the gradient's own rows, in bands, with AVX2 and SSE2.
        Geometry(batch: 1, height: 300, width: 9, channels: 2, multiplier: 1, filter: HeightWidth(3), strides: 1, padding: .same),
        // A multiplier on an image of few rows: the forward bands go in slices of 16 output
        // channels, whose input channel 5 (outputs 15 to 17) two slices expand.
        Geometry(batch: 1, height: 6, width: 11, channels: 13, multiplier: 3, filter: HeightWidth(3), strides: 1, padding: .same),
        // Forward passes that read the input in place for multipliers 4 and 2, and unit-stride
        // input gradients summed over them as they store: output channels in whole registers,
        // narrow vectors (in double, two lanes within a group of four) and single lanes
        // (42 = 2 * 16 + 2 * 4 + 2, the second lane of a group added to the first), in channel
        // slices, blocks at the row ends, row pairs, and a 5x5 filter at stride 2.
        Geometry(batch: 1, height: 10, width: 21, channels: 19, multiplier: 4, filter: HeightWidth(3), strides: 1, padding: .same),
        Geometry(batch: 2, height: 7, width: 12, channels: 21, multiplier: 2, filter: HeightWidth(3), strides: 1, padding: .same),
        Geometry(batch: 2, height: 9, width: 23, channels: 21, multiplier: 2, filter: HeightWidth(5), strides: 2, padding: .same),
        // A filter gradient by rows (an image too large to go by channels) that reads the input
        // in place for multiplier 4: 20 channels, a register and a narrow vector (two in double).
        Geometry(batch: 1, height: 34, width: 33, channels: 5, multiplier: 4, filter: HeightWidth(3), strides: 1, padding: .same),
        // A forward pass of few rows in channel slices narrow enough for the input rows of an item
        // to stay in the L1 cache (3 in float, 6 in double, of 301 channels: the last with a tail),
        // more than the threads need, and an odd row count (a last item of one row).
        Geometry(batch: 1, height: 17, width: 20, channels: 301, multiplier: 1, filter: HeightWidth(3), strides: 1, padding: .same),
        // Input gradients of images of few rows in slices of the input channels (the last with a
        // tail): summed over multiplier 2 per strided pixel, over multiplier 3 along unit-stride
        // rows, and with a column phase that no tap reaches.
        Geometry(batch: 1, height: 7, width: 16, channels: 37, multiplier: 2, filter: HeightWidth(3), strides: 2, padding: .same),
        Geometry(batch: 1, height: 5, width: 9, channels: 40, multiplier: 3, filter: HeightWidth(3), strides: 1, padding: .same),
        Geometry(
            batch: 1, height: 6, width: 30, channels: 33, multiplier: 1, filter: HeightWidth(2),
            strides: HeightWidth(height: 1, width: 3), padding: .valid),
        // Strided input gradients summed over multipliers 4 and 2 per pixel, in whole registers,
        // narrow vectors and single lanes (23 channels), and with unit column stride along whole rows.
        Geometry(batch: 1, height: 9, width: 10, channels: 23, multiplier: 4, filter: HeightWidth(3), strides: 2, padding: .same),
        Geometry(
            batch: 1, height: 6, width: 9, channels: 23, multiplier: 2, filter: HeightWidth(3),
            strides: HeightWidth(height: 2, width: 1), padding: .same),
        // Filter gradients with a multiplier over parts of 14 output rows: bands of eight rows
        // and the rest, parts that span two images, dilated filter rows.
        Geometry(
            batch: 3, height: 75, width: 10, channels: 5, multiplier: 3, filter: HeightWidth(3), strides: 1, padding: .same,
            dilations: HeightWidth(height: 2, width: 1)),
        // An empty input row whose padding alone makes outputs (all zero).
        Geometry(
            batch: 1, height: 3, width: 0, channels: 2, multiplier: 2, filter: HeightWidth(3), strides: 1,
            padding: .explicit(top: 1, bottom: 1, left: 2, right: 2)),
    ]

    /// NCHW planes too large for blocks of channels (through NHWC) in every computation: flat
    /// planes; stride-2 columns of odd width: two column phases, interleaved.
    static let largePlanes = Geometry(
        batch: 1, height: 420, width: 421, channels: 1, multiplier: 1, filter: HeightWidth(3),
        strides: HeightWidth(height: 1, width: 2), padding: .same)

    /// NCHW planes of 3x3 filter gradients in bands of four output rows (1050 output pixels, too
    /// many for blocks of channels) and three rows left over.
    static let largeUnitStridePlanes = Geometry(
        batch: 2, height: 35, width: 30, channels: 3, multiplier: 2, filter: HeightWidth(3), strides: 1, padding: .same)

    /// Layers of more than 16 MiB, whose NHWC forward pass asks for the next rows' input ahead:
    /// rows in slices of the channels (9 rows), written past the caches; and whole rows at
    /// stride 2 and dilation 2 with padding beyond the filter's reach at the bottom, of a pixel
    /// size that is no multiple of 16 bytes, written through them. (The unit-stride input
    /// gradient runs the forward pass.)
    static let layersStreamedFromMemory = [
        Geometry(batch: 1, height: 9, width: 1024, channels: 288, multiplier: 1, filter: HeightWidth(3), strides: 1, padding: .same),
        Geometry(
            batch: 2, height: 70, width: 300, channels: 101, multiplier: 1, filter: HeightWidth(3), strides: 2,
            padding: .explicit(top: 1, bottom: 4, left: 2, right: 0), dilations: 2),
    ]

    /// A layer of 16-bit values of more than 16 MiB, written past the caches (a filter of one
    /// row, to keep the reference's time short).
    static let halfPrecisionLayerStreamedFromMemory = Geometry(
        batch: 2, height: 9, width: 1024, channels: 288, multiplier: 1, filter: HeightWidth(height: 1, width: 3), strides: 1,
        padding: .same)

    @Test(arguments: layersStreamedFromMemory)
    func layerStreamedFromMemory(_ geometry: Geometry) throws {
        let computations: [Computation] = [.forward, .backpropInput]
        try check(Float.self, geometry, .nhwc, relative: 1e-5, absolute: 1e-5, computations: computations)
        try check(Double.self, geometry, .nhwc, relative: 1e-12, absolute: 1e-12, computations: computations)
    }

    /// Layers of multipliers 2 and 4 of more than 16 MiB, which read the input in place and
    /// write their output past the caches.
    static let multiplierLayersStreamedFromMemory = [
        Geometry(batch: 1, height: 9, width: 1100, channels: 144, multiplier: 2, filter: HeightWidth(3), strides: 1, padding: .same),
        Geometry(batch: 1, height: 9, width: 1400, channels: 72, multiplier: 4, filter: HeightWidth(3), strides: 1, padding: .same),
    ]

    @Test(arguments: multiplierLayersStreamedFromMemory)
    func multiplierLayerStreamedFromMemory(_ geometry: Geometry) throws {
        try check(Float.self, geometry, .nhwc, relative: 1e-5, absolute: 1e-5, computations: [.forward])
    }

    @Test func halfPrecisionLayerStreamedFromMemory() throws {
        let (geometry, computations) = (Self.halfPrecisionLayerStreamedFromMemory, [Computation.forward, .backpropInput])
        try check(Float16.self, geometry, .nhwc, relative: 0x1p-9, absolute: 1e-6, computations: computations)
        try check(BFloat16.self, geometry, .nhwc, relative: 0x1p-6, absolute: 1e-30, computations: computations)
    }

    @Test(arguments: geometries, DataFormat.allCases)
    func float(_ geometry: Geometry, format: DataFormat) throws {
        try check(Float.self, geometry, format, relative: 1e-5, absolute: 1e-5)
    }

    @Test(arguments: geometries, DataFormat.allCases)
    func double(_ geometry: Geometry, format: DataFormat) throws {
        try check(Double.self, geometry, format, relative: 1e-12, absolute: 1e-12)
    }

    // Both paths round a Float- or Double-accumulated sum once: at most one unit in the last place apart.
    @Test(arguments: geometries, DataFormat.allCases)
    func float16(_ geometry: Geometry, format: DataFormat) throws {
        try check(Float16.self, geometry, format, relative: 0x1p-9, absolute: 1e-6)
    }

    @Test(arguments: geometries, DataFormat.allCases)
    func bfloat16(_ geometry: Geometry, format: DataFormat) throws {
        try check(BFloat16.self, geometry, format, relative: 0x1p-6, absolute: 1e-30)
    }

    /// Padding is never multiplied: an infinite filter weight leaves the outputs whose tap falls
    /// in the padding finite, and infinite or NaN inputs and gradients reach only the sums they belong to.
    @Test(arguments: [1, 2], DataFormat.allCases)
    func nonFiniteValuesMatchTheReference(strides: Int, format: DataFormat) throws {
        // 27 channels: whole registers, narrow vectors and single lanes, the NaN in a register.
        for (channels, multiplier) in [(3, 1), (3, 2), (27, 1)] {
            let geometry = Geometry(
                batch: 2, height: 6, width: 21, channels: channels, multiplier: multiplier, filter: HeightWidth(3),
                strides: HeightWidth(strides), padding: .same)
            try checkNonFiniteValues(Float.self, geometry, format: format, relative: 1e-5)
        }
    }

    @Test(arguments: [largePlanes, largeUnitStridePlanes], DataFormat.allCases)
    func nonFiniteValuesInLargePlanesMatchTheReference(_ geometry: Geometry, format: DataFormat) throws {
        var geometry = geometry
        geometry.channels = 3
        try checkNonFiniteValues(Float.self, geometry, format: format, relative: 1e-5)
        // NCHW Float16 reads these planes in place: a plane whose flat sums are not finite goes
        // to the row-by-row kernel on its planes widened.
        try checkNonFiniteValues(Float16.self, geometry, format: format, relative: 0x1p-9)
    }

    private func checkNonFiniteValues<S: DepthwiseScalar>(
        _: S.Type, _ geometry: Geometry, format: DataFormat, relative: Double
    ) throws {
        let multiplier = geometry.multiplier
        var random = SeededGenerator(seed: 7)
        var problem = try geometry.problem(S.self, format: format, using: &random)
        problem.filter = try problem.filter.replacing(multiplier, with: S(.infinity))  // tap (0, 0) of channel 1, q = 0
        problem.input = try problem.input.replacing(17, with: S(-.infinity))
        problem.outputGradient = try problem.outputGradient.replacing(40, with: S(.nan))
        for computation in Computation.allCases {
            let reference = try problem.compute(computation, kernels: .reference)
            for kernels in ExecutionOptions.Kernels.simdPaths {
                let fast = try problem.compute(computation, kernels: kernels)
                let pairs = zip(fast.scalars, reference.scalars).map { ($0.doubleValue, $1.doubleValue) }
                for (index, (a, b)) in pairs.enumerated() where !(a.isNaN && b.isNaN) {
                    guard abs(a - b) <= relative * max(1, abs(b)) || a == b else {
                        Issue.record(
                            "\(kernels) \(computation) \(S.scalarType) \(format) \(geometry): element \(index) is \(a), reference \(b)")
                        return
                    }
                }
            }
        }
    }

    private func check<S: DepthwiseScalar>(
        _: S.Type, _ geometry: Geometry, _ format: DataFormat, relative: Double, absolute: Double,
        computations: [Computation] = Computation.allCases
    ) throws {
        var random = SeededGenerator(seed: 42)
        let problem = try geometry.problem(S.self, format: format, using: &random)
        for computation in computations {
            let reference = try problem.compute(computation, kernels: .reference)
            for kernels in ExecutionOptions.Kernels.simdPaths {
                let fast = try problem.compute(computation, kernels: kernels)
                #expect(fast.shape == reference.shape)
                for (index, (a, b)) in zip(fast.scalars, reference.scalars).enumerated() {
                    let (x, y) = (a.doubleValue, b.doubleValue)
                    guard abs(x - y) <= absolute + relative * abs(y) else {
                        Issue.record(
                            "\(kernels) \(computation) \(S.scalarType) \(format) \(geometry): element \(index) is \(x), reference \(y)")
                        return
                    }
                }
            }
        }
    }
}

extension Tensor {
    func replacing(_ index: Int, with value: Scalar) throws -> Tensor {
        var values = scalars
        values[index] = value
        return try Tensor(shape: shape, scalars: values)
    }
}
