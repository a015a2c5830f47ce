import DepthwiseConvolution
import DepthwiseLayers
import GoldenFixtures
import NumPyFormat
import Testing

/// The Keras 3.15 layer cases of the golden set: output, the three gradients of
/// `sum(output * out_backprop)` and the regularization losses, through the Swift API.
@Suite struct KerasGoldenTests {
    static let layerCases = GoldenFixtures.kerasCases.filter { $0.op == .kerasLayer }
    static let constraintCases = GoldenFixtures.kerasCases.filter { $0.op == .kerasConstraint }

    @Test func everyKerasCaseIsCovered() {
        #expect(Self.layerCases.count == 40)
        #expect(Self.constraintCases.count == 4)
    }

    @Test(arguments: layerCases)
    func layerMatchesKeras(_ golden: GoldenCase) throws {
        var layer = try golden.kerasLayer(Float.self)
        let input: Tensor<Float> = try golden.load(golden.input!)
        let output = try layer(input)
        #expect(try golden.mismatches(in: NumPyArray(output)).isEmpty)

        let gradients = try layer.gradients(input: input, outputGradient: golden.load(golden.outBackprop!))
        #expect(try golden.mismatches(in: NumPyArray(gradients.input), against: golden.dinput!).isEmpty)
        #expect(try golden.mismatches(in: NumPyArray(gradients.kernel), against: golden.dkernel!).isEmpty)
        if let dbias = golden.dbias {
            #expect(try golden.mismatches(in: NumPyArray(#require(gradients.bias)), against: dbias).isEmpty)
        } else {
            #expect(gradients.bias == nil)
        }

        let lossesSum = layer.losses.reduce(0, +)
        #expect(abs(lossesSum - (golden.lossesSum ?? 0)) <= 1e-5 * max(1, abs(golden.lossesSum ?? 0)))
    }

    @Test(arguments: layerCases + constraintCases)
    func configRoundTripsExactly(_ golden: GoldenCase) throws {
        let layer = try DepthwiseConv2D<Float>(kerasConfig: golden.kerasConfig)
        #expect(layer.kerasConfig == golden.kerasConfig, "\(layer.kerasConfig.serialized())")
        let reread = try DepthwiseConv2D<Float>(kerasConfig: layer.kerasConfig.serialized())
        #expect(reread.kerasConfig == golden.kerasConfig)
    }

    @Test(arguments: constraintCases)
    func constraintMatchesKeras(_ golden: GoldenCase) throws {
        let layer = try DepthwiseConv2D<Float>(kerasConfig: golden.kerasConfig)
        let constraint = try #require(layer.depthwiseConstraint)
        let constrained = try constraint.applied(to: golden.load(golden.kernel!, as: Float.self))
        #expect(try golden.mismatches(in: NumPyArray(constrained)).isEmpty)
    }

    /// The same cases computed in `Double`: Keras's float32 results are within their tolerance of the exact values.
    @Test(arguments: layerCases)
    func layerInDoubleMatchesKeras(_ golden: GoldenCase) throws {
        var layer = try golden.kerasLayer(Double.self)
        let output = try layer(golden.load(golden.input!))
        let asFloat = try Tensor(shape: output.shape, scalars: output.scalars.map { Float($0) })
        #expect(try golden.mismatches(in: NumPyArray(asFloat)).isEmpty)
    }
}
