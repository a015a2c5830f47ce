import DepthwiseConvolution
import Testing

/// The same bits for every thread count, and for every repeated run.
@Suite struct DeterminismTests {
    static let geometries = [
        Geometry(batch: 2, height: 33, width: 29, channels: 19, multiplier: 2, filter: HeightWidth(3), strides: 1, padding: .same),
        Geometry(batch: 1, height: 40, width: 40, channels: 48, multiplier: 1, filter: HeightWidth(5), strides: 2, padding: .same),
        Geometry(
            batch: 3, height: 20, width: 64, channels: 3, multiplier: 1, filter: HeightWidth(3), strides: 1, padding: .valid, dilations: 2),
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
}
