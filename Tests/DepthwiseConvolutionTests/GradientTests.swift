import DepthwiseConvolution
import Testing

/// The gradients against central finite differences of loss = sum(output * outputGradient), in Double.
///
/// The loss is linear in the input and in the filter, so the central difference is exact up to
/// rounding, and the tolerance can be tight.
@Suite struct GradientTests {
    static let geometries = Array(ReferenceAgreementTests.geometries.prefix(6))

    @Test(arguments: geometries, DataFormat.allCases)
    func inputGradientMatchesFiniteDifferences(_ geometry: Geometry, format: DataFormat) throws {
        var random = SeededGenerator(seed: 7)
        let problem = try geometry.problem(Double.self, format: format, using: &random)
        let gradient = try problem.compute(.backpropInput)
        for index in sampledIndices(problem.input.scalars.count, using: &random) {
            let numeric = try centralDifference(problem, at: index) { problem, offset in
                var input = problem.input.scalars
                input[index] += offset
                problem.input = try Tensor(shape: problem.input.shape, scalars: input)
            }
            #expect(abs(gradient.scalars[index] - numeric) <= 1e-9, "\(geometry) \(format) input element \(index)")
        }
    }

    @Test(arguments: geometries, DataFormat.allCases)
    func filterGradientMatchesFiniteDifferences(_ geometry: Geometry, format: DataFormat) throws {
        var random = SeededGenerator(seed: 8)
        let problem = try geometry.problem(Double.self, format: format, using: &random)
        let gradient = try problem.compute(.backpropFilter)
        for index in sampledIndices(problem.filter.scalars.count, using: &random) {
            let numeric = try centralDifference(problem, at: index) { problem, offset in
                var filter = problem.filter.scalars
                filter[index] += offset
                problem.filter = try Tensor(shape: problem.filter.shape, scalars: filter)
            }
            #expect(abs(gradient.scalars[index] - numeric) <= 1e-9, "\(geometry) \(format) filter element \(index)")
        }
    }

    /// (loss(x + h) - loss(x - h)) / 2h for the perturbation `perturb` applies.
    private func centralDifference(
        _ problem: Problem<Double>, at index: Int, _ perturb: (inout Problem<Double>, Double) throws -> Void
    ) throws -> Double {
        let h = 0.5
        var (plus, minus) = (problem, problem)
        try perturb(&plus, h)
        try perturb(&minus, -h)
        return (try loss(plus) - loss(minus)) / (2 * h)
    }

    private func loss(_ problem: Problem<Double>) throws -> Double {
        let output = try problem.compute(.forward, kernels: .reference)
        return zip(output.scalars, problem.outputGradient.scalars).reduce(0) { $0 + $1.0 * $1.1 }
    }

    /// Up to 24 indices, the first and last among them.
    private func sampledIndices(_ count: Int, using random: inout SeededGenerator) -> [Int] {
        count <= 24 ? Array(0..<count) : [0, count - 1] + (0..<22).map { _ in Int.random(in: 0..<count, using: &random) }
    }
}
