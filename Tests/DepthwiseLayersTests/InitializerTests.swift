import DepthwiseConvolution
import DepthwiseLayers
import Testing

/// Initializers by their statistics: random streams differ from Keras's, the distributions must not.
@Suite struct InitializerTests {
    /// A depthwise kernel `[3, 3, 64, 2]`: fanIn = 3 * 3 * 64 = 576, fanOut = 3 * 3 * 2 = 18.
    static let shape = [3, 3, 64, 2]
    static let (fanIn, fanOut) = (576.0, 18.0)

    static func statistics(_ initializer: Initializer, shape: [Int] = shape) throws -> (mean: Double, variance: Double, largest: Double) {
        let values = try initializer.tensor(shape: shape, of: Double.self).scalars
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
        return (mean, variance, values.map(abs).max() ?? 0)
    }

    /// (initializer, expected variance, bound on |w|: the uniform limit or two truncated standard deviations)
    @Test(arguments: [
        (Initializer.glorotUniform(seed: 1), 2 / (fanIn + fanOut), (6 / (fanIn + fanOut)).squareRoot()),
        (.glorotNormal(seed: 2), 2 / (fanIn + fanOut), 2 * (2 / (fanIn + fanOut)).squareRoot() / 0.8796256610342398),
        (.heUniform(seed: 3), 2 / fanIn, (6 / fanIn).squareRoot()),
        (.heNormal(seed: 4), 2 / fanIn, 2 * (2 / fanIn).squareRoot() / 0.8796256610342398),
        (.lecunUniform(seed: 5), 1 / fanIn, (3 / fanIn).squareRoot()),
        (.lecunNormal(seed: 6), 1 / fanIn, 2 * (1 / fanIn).squareRoot() / 0.8796256610342398),
        (.varianceScaling(scale: 3, mode: .fanOut, distribution: .uniform, seed: 7), 3 / fanOut, (9 / fanOut).squareRoot()),
        (.randomUniform(minimum: -0.5, maximum: 0.5, seed: 8), 1.0 / 12, 0.5),
        (.truncatedNormal(standardDeviation: 0.1, seed: 9), 0.1 * 0.1 * 0.7737413, 0.2),
    ])
    func varianceAndBoundsMatchKeras(_ initializer: Initializer, variance: Double, bound: Double) throws {
        let (mean, measured, largest) = try Self.statistics(initializer)
        #expect(abs(mean) < 4 * (variance / 1152).squareRoot(), "\(initializer): mean \(mean)")
        #expect(abs(measured / variance - 1) < 0.12, "\(initializer): variance \(measured), expected \(variance)")
        #expect(largest <= bound, "\(initializer): |w| up to \(largest), bound \(bound)")
    }

    @Test func normalHasItsMeanAndDeviation() throws {
        let (mean, variance, _) = try Self.statistics(.randomNormal(mean: 1.5, standardDeviation: 0.2, seed: 3), shape: [100, 100])
        #expect(abs(mean - 1.5) < 0.01)
        #expect(abs(variance.squareRoot() - 0.2) < 0.005)
    }

    @Test func untruncatedNormalReachesBeyondTwoDeviations() throws {
        let (_, variance, largest) = try Self.statistics(
            .varianceScaling(scale: 1, mode: .fanIn, distribution: .untruncatedNormal, seed: 11), shape: [100, 100])
        #expect(abs(variance * 100 - 1) < 0.05)
        #expect(largest > 2 * (1.0 / 100).squareRoot())
    }

    @Test func seedsReproduce() throws {
        let a: Tensor<Float> = try Initializer.heNormal(seed: 42).tensor(shape: Self.shape)
        let b: Tensor<Float> = try Initializer.heNormal(seed: 42).tensor(shape: Self.shape)
        let c: Tensor<Float> = try Initializer.heNormal(seed: 43).tensor(shape: Self.shape)
        let d: Tensor<Float> = try Initializer.heNormal().tensor(shape: Self.shape)
        let e: Tensor<Float> = try Initializer.heNormal().tensor(shape: Self.shape)
        #expect(a == b)
        #expect(a != c)
        #expect(d != e)
    }

    @Test func constantsFill() throws {
        #expect(try Initializer.zeros.tensor(shape: [2, 3], of: Float.self).scalars == Array(repeating: 0, count: 6))
        #expect(try Initializer.ones.tensor(shape: [4], of: BFloat16.self).scalars == Array(repeating: BFloat16(1), count: 4))
        #expect(try Initializer.constant(0.25).tensor(shape: [2], of: Float16.self).scalars == [0.25, 0.25])
    }

    @Test func fansFollowKerasForBiasesAndMatrices() throws {
        // A bias [n]: fanIn = fanOut = n, so He uniform's limit is √(6 / n).
        let bias = try Initializer.heUniform(seed: 1).tensor(shape: [6], of: Double.self)
        #expect(bias.scalars.allSatisfy { abs($0) <= 1 })
        // Explicit axes: fans from the named dimensions only.
        let (_, variance, _) = try Self.statistics(
            .varianceScaling(scale: 1, mode: .fanIn, distribution: .uniform, seed: 2, inputAxes: [3], outputAxes: [2]))
        #expect(abs(variance / 0.5 - 1) < 0.12)
    }

    @Test(arguments: [
        Initializer.varianceScaling(scale: 0), .randomUniform(minimum: 1, maximum: 0), .randomNormal(standardDeviation: -1),
        .constant(.nan), .varianceScaling(inputAxes: [0]), .glorotUniform(inputAxes: [7], outputAxes: [0]),
    ])
    func invalidArgumentsThrow(_ initializer: Initializer) {
        #expect(throws: DepthwiseError.self) { try initializer.tensor(shape: [3, 3, 2, 1], of: Float.self) }
    }
}
