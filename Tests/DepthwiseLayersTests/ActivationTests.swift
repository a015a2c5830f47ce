import DepthwiseConvolution
import DepthwiseLayers
import Testing

@Suite struct ActivationTests {
    /// Points away from every activation's kinks (0, ±3, 6).
    static let points: [Double] = [-7, -4, -2.5, -1, -0.3, 0.2, 0.7, 1.5, 2.9, 3.5, 5.5, 7]

    @Test(arguments: Activation.named.keys.sorted())
    func derivativeMatchesFiniteDifferences(_ name: String) throws {
        let activation = try #require(Activation.named[name])
        for x in Self.points {
            let h = 1e-6
            let numeric = (activation.function(x + h) - activation.function(x - h)) / (2 * h)
            #expect(abs(activation.derivative(x) - numeric) <= 1e-6 * max(1, abs(numeric)), "\(name)'(\(x))")
        }
    }

    /// Exact values. `keras.activations` (Keras 3.15, float64) agrees to within 1e-8: its gelu
    /// gives 0.8413447419273903 and its leaky_relu slope is the float32 0.2.
    @Test(arguments: [
        ("gelu", 1.0, 0.8413447460685429), ("selu", -1.0, -1.1113307378125625), ("mish", 1.0, 0.8650983882673103),
        ("hard_silu", 1.0, 0.6666666666666666), ("hard_sigmoid", -1.0, 0.3333333333333333), ("softplus", 0.0, 0.6931471805599453),
        ("elu", -1.0, -0.6321205588285577), ("leaky_relu", -1.0, -0.2), ("softsign", 1.0, 0.5), ("relu6", 7.5, 6.0),
        ("swish", 1.0, 0.7310585786300049), ("exponential", 1.0, 2.718281828459045), ("sigmoid", -800.0, 0.0),
        ("softplus", 800.0, 800.0),
    ])
    func valuesMatchKeras(_ name: String, _ x: Double, _ expected: Double) throws {
        let activation = try #require(Activation.named[name])
        #expect(abs(activation.function(x) - expected) <= 1e-15 * max(1, abs(expected)))
    }

    @Test func derivativesAtKinksTakeTensorFlowsValues() {
        #expect(Activation.relu.derivative(0) == 0)
        #expect(Activation.relu6.derivative(6) == 0)
        #expect(Activation.leakyReLU.derivative(0) == 0.2)
        #expect(Activation.hardSigmoid.derivative(3) == 0)
    }

    @Test func customActivationRunsThroughTheLayer() throws {
        let cube = Activation(name: "cube", function: { $0 * $0 * $0 }, derivative: { 3 * $0 * $0 })
        var layer = try DepthwiseConv2D<Double>(kernelSize: 1, activation: cube, depthwiseInitializer: .ones)
        let input = try Tensor<Double>(shape: [1, 1, 2, 1], scalars: [2, -1])
        #expect(try layer(input).scalars == [8, -1])
        let gradients = try layer.gradients(input: input, outputGradient: Tensor(shape: [1, 1, 2, 1], repeating: 1))
        #expect(gradients.input.scalars == [12, 3])
    }
}
