import DepthwiseConvolution
import Testing

/// The same bits for every thread count, and for every repeated run; the same sums in every precision.
@Suite struct DeterminismTests {
    static let geometries = [
        Geometry(batch: 2, height: 33, width: 29, channels: 19, multiplier: 2, filter: HeightWidth(3), strides: 1, padding: .same),
        Geometry(batch: 1, height: 40, width: 40, channels: 48, multiplier: 1, filter: HeightWidth(5), strides: 2, padding: .same),
        Geometry(
            batch: 3, height: 20, width: 64, channels: 3, multiplier: 1, filter: HeightWidth(3), strides: 1, padding: .valid, dilations: 2),
        // Float16 and bfloat16 NCHW in several groups of channels per image (forward pass and input
        // gradient at stride 2, where the bands do not serve) and per batch (filter gradient), the
        // last group ending in a partial register; at unit stride, plane by plane.
        Geometry(batch: 2, height: 40, width: 40, channels: 100, multiplier: 1, filter: HeightWidth(3), strides: 1, padding: .same),
        Geometry(batch: 2, height: 48, width: 48, channels: 100, multiplier: 1, filter: HeightWidth(3), strides: 2, padding: .same),
        // The NHWC filter gradient of small images, one register of channels at a time (and a tail).
        Geometry(batch: 3, height: 14, width: 14, channels: 37, multiplier: 1, filter: HeightWidth(3), strides: 1, padding: .same),
        Geometry(batch: 2, height: 9, width: 11, channels: 19, multiplier: 2, filter: HeightWidth(3), strides: 1, padding: .same),
    ]

    @Test(arguments: geometries, DataFormat.allCases)
    func resultsDoNotDependOnThreadCount(_ geometry: Geometry, format: DataFormat) throws {
        var random = SeededGenerator(seed: 3)
        let problem = try geometry.problem(Float.self, format: format, using: &random)
        for computation in Computation.allCases {
            for kernels in ExecutionOptions.Kernels.simdPaths {
                let single = try problem.compute(computation, kernels: kernels, threads: 1)
                for threads in [2, 3, 7, 16] {
                    let parallel = try problem.compute(computation, kernels: kernels, threads: threads)
                    #expect(
                        parallel.scalars.map(\.bitPattern) == single.scalars.map(\.bitPattern),
                        "\(kernels) \(computation) \(format) with \(threads) threads")
                }
                let again = try problem.compute(computation, kernels: kernels, threads: 2)
                #expect(again.scalars.map(\.bitPattern) == single.scalars.map(\.bitPattern))
            }
        }
    }

    /// Float16 and bfloat16 compute the very sums of the `Float` kernels and round each once,
    /// whether they convert a band of rows at a time, a group of channels or a plane as they copy it.
    @Test(arguments: geometries, DataFormat.allCases)
    func halfPrecisionRoundsTheFloatResult(_ geometry: Geometry, format: DataFormat) throws {
        try expectRoundedFloatResult(Float16.self, geometry, format)
        try expectRoundedFloatResult(BFloat16.self, geometry, format)
    }

    private func expectRoundedFloatResult<H: DepthwiseScalar>(_: H.Type, _ geometry: Geometry, _ format: DataFormat) throws {
        // The random values are exact in every precision: both problems hold the same values.
        var random = SeededGenerator(seed: 5)
        let half = try geometry.problem(H.self, format: format, using: &random)
        random = SeededGenerator(seed: 5)
        let float = try geometry.problem(Float.self, format: format, using: &random)
        for computation in Computation.allCases {
            for kernels in ExecutionOptions.Kernels.simdPaths {
                let rounded = try float.compute(computation, kernels: kernels).scalars.map { H(Double($0)) }
                for threads in [1, 3] {
                    let result = try half.compute(computation, kernels: kernels, threads: threads)
                    #expect(result.scalars == rounded, "\(H.scalarType) \(kernels) \(computation) \(format) with \(threads) threads")
                }
            }
        }
    }
}
