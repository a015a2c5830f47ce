import DepthwiseConvolution
import DepthwiseLayers
import Testing

/// The layer's gradients against central finite differences in `Double`, penalties included.
@Suite struct LayerGradientTests {
    /// `L = Σ y * g + Σ losses`, the loss whose gradients `includingRegularization: true` returns.
    static func loss(_ layer: DepthwiseConv2D<Double>, _ input: Tensor<Double>, _ g: Tensor<Double>) throws -> Double {
        var layer = layer
        let y = try layer(input)
        return zip(y.scalars, g.scalars).map(*).reduce(0, +) + layer.losses.reduce(0, +)
    }

    @Test(arguments: [(DataFormat.nhwc, 1, "softplus"), (.nchw, 2, "gelu"), (.nhwc, 3, "elu")])
    func gradientsMatchFiniteDifferences(_ format: DataFormat, _ multiplier: Int, _ activation: String) throws {
        var layer = try DepthwiseConv2D<Double>(
            kernelSize: HeightWidth(height: 3, width: 2), strides: HeightWidth(height: 2, width: 1), padding: .same,
            depthMultiplier: multiplier, dataFormat: format, activation: #require(Activation.named[activation]),
            depthwiseInitializer: .glorotUniform(seed: 1), biasInitializer: .randomNormal(standardDeviation: 0.3, seed: 2),
            depthwiseRegularizer: .l1l2(l1: 0.01, l2: 0.02), biasRegularizer: .l1(0.03), activityRegularizer: .l2(0.04))
        let shape = format.shape(batch: 2, height: 5, width: 4, channels: 3)
        let input: Tensor<Double> = try Initializer.randomUniform(minimum: -1, maximum: 1, seed: 3).tensor(shape: shape)
        let output = try layer(input)
        let g: Tensor<Double> = try Initializer.randomNormal(standardDeviation: 1, seed: 4).tensor(shape: output.shape)
        let gradients = try layer.gradients(input: input, outputGradient: g, includingRegularization: true)
        let kernel = try #require(layer.kernel)
        let bias = try #require(layer.bias)

        func numeric(_ count: Int, _ perturbed: (Int, Double) throws -> Double) rethrows -> [Double] {
            try (0..<count).map { i in
                let h = 1e-6
                return (try perturbed(i, h) - perturbed(i, -h)) / (2 * h)
            }
        }
        func moved(_ t: Tensor<Double>, _ i: Int, _ h: Double) throws -> Tensor<Double> {
            var scalars = t.scalars
            scalars[i] += h
            return try Tensor(shape: t.shape, scalars: scalars)
        }
        let dInput = try numeric(input.scalars.count) { i, h in try Self.loss(layer, moved(input, i, h), g) }
        let dKernel = try numeric(kernel.scalars.count) { i, h in
            var copy = layer
            try copy.setWeights(kernel: moved(kernel, i, h), bias: bias)
            return try Self.loss(copy, input, g)
        }
        let dBias = try numeric(bias.scalars.count) { i, h in
            var copy = layer
            try copy.setWeights(kernel: kernel, bias: moved(bias, i, h))
            return try Self.loss(copy, input, g)
        }
        for (analytic, numeric, name) in [
            (gradients.input.scalars, dInput, "input"), (gradients.kernel.scalars, dKernel, "kernel"),
            (try #require(gradients.bias).scalars, dBias, "bias"),
        ] {
            let worst = zip(analytic, numeric).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
            #expect(worst < 1e-6, "\(name): relative error \(worst)")
        }
    }
}
