import DepthwiseConvolution
import DepthwiseLayers
import Testing

@Suite struct LayerTests {
    @Test func invalidArgumentsThrowAsKerasRaises() {
        let attempts: [(String, () throws -> DepthwiseConv2D<Float>)] = [
            ("kernel_size", { try DepthwiseConv2D(kernelSize: HeightWidth(height: 3, width: 0)) }),
            ("strides", { try DepthwiseConv2D(kernelSize: 3, strides: HeightWidth(height: 0, width: 1)) }),
            ("dilation_rate", { try DepthwiseConv2D(kernelSize: 3, dilationRate: -1) }),
            ("depth_multiplier", { try DepthwiseConv2D(kernelSize: 3, depthMultiplier: 0) }),
            ("padding", { try DepthwiseConv2D(kernelSize: 3, padding: .explicit(top: 1, bottom: 1, left: 1, right: 1)) }),
            ("l2", { try DepthwiseConv2D(kernelSize: 3, depthwiseRegularizer: .l2(-1)) }),
            ("scale", { try DepthwiseConv2D(kernelSize: 3, depthwiseInitializer: .varianceScaling(scale: -2)) }),
        ]
        for (argument, make) in attempts {
            #expect("\(argument)") {
                _ = try make()
            } throws: { error in
                let error = error as? DepthwiseError
                return error?.code == .invalidConfiguration && error?.message.contains(argument) == true
            }
        }
    }

    @Test func inputsMustBeFourDimensionalWithTheBuiltChannelCount() throws {
        var layer = try DepthwiseConv2D<Float>(kernelSize: 3)
        #expect(throws: DepthwiseError.self) { try layer(Tensor(zeros: [5, 5, 3])) }
        #expect(!layer.isBuilt)
        _ = try layer(Tensor(zeros: [1, 5, 5, 3]))
        #expect(layer.kernel?.shape == [3, 3, 3, 1])
        #expect(layer.bias?.shape == [3])
        #expect {
            try layer(Tensor(zeros: [1, 5, 5, 4]))
        } throws: { ($0 as? DepthwiseError)?.code == .channelMismatch }
        #expect(throws: DepthwiseError.self) { try layer.outputShape(for: [1, 5, 5, 4]) }
    }

    @Test func outputShapesFollowTheFormula() throws {
        let same = try DepthwiseConv2D<Float>(kernelSize: 3, strides: 2, padding: .same, depthMultiplier: 2)
        #expect(try same.outputShape(for: [2, 7, 8, 3]) == [2, 4, 4, 6])
        let valid = try DepthwiseConv2D<Float>(kernelSize: HeightWidth(height: 3, width: 2), dataFormat: .nchw)
        #expect(try valid.outputShape(for: [2, 3, 7, 8]) == [2, 3, 5, 7])
        // Stride and dilation together: effective size (3 - 1) * 2 + 1 = 5, (9 - 5) / 2 + 1 = 3.
        let atrous = try DepthwiseConv2D<Float>(kernelSize: 3, strides: 2, dilationRate: 2)
        #expect(try atrous.outputShape(for: [1, 9, 9, 1]) == [1, 3, 3, 1])
        #expect(throws: DepthwiseError.self) { try atrous.outputShape(for: [1, 4, 9, 1]) }
    }

    @Test func weightsAreCheckedAgainstTheLayer() throws {
        var layer = try DepthwiseConv2D<Float>(kernelSize: 3, depthMultiplier: 2)
        let kernel = try Tensor<Float>(zeros: [3, 3, 4, 2])
        #expect(throws: DepthwiseError.self) { try layer.setWeights(kernel: kernel, bias: nil) }
        #expect(throws: DepthwiseError.self) { try layer.setWeights(kernel: kernel, bias: Tensor(zeros: [4])) }
        #expect(throws: DepthwiseError.self) { try layer.setWeights(kernel: Tensor(zeros: [3, 3, 4, 1]), bias: Tensor(zeros: [8])) }
        try layer.setWeights(kernel: kernel, bias: Tensor(zeros: [8]))
        #expect(layer.inputChannels == 4)
        var noBias = try DepthwiseConv2D<Float>(kernelSize: 3, useBias: false)
        #expect(throws: DepthwiseError.self) { try noBias.setWeights(kernel: Tensor(zeros: [3, 3, 1, 1]), bias: Tensor(zeros: [1])) }
    }

    @Test func gradientsNeedABuiltLayerAndTheOutputsShape() throws {
        let layer = try DepthwiseConv2D<Float>(kernelSize: 1)
        let x = try Tensor<Float>(zeros: [1, 2, 2, 1])
        #expect(throws: DepthwiseError.self) { try layer.gradients(input: x, outputGradient: x) }
        var built = layer
        _ = try built(x)
        #expect(throws: DepthwiseError.self) { try built.gradients(input: x, outputGradient: Tensor(zeros: [1, 2, 1, 1])) }
    }

    /// The bias goes to the channel axis of each layout: NCHW gives NHWC's result, transposed.
    @Test(arguments: [1, 3])
    func layoutsAgree(multiplier: Int) throws {
        var nhwc = try DepthwiseConv2D<Double>(
            kernelSize: 2, depthMultiplier: multiplier, activation: .tanh, depthwiseInitializer: .glorotUniform(seed: 1),
            biasInitializer: .randomNormal(seed: 2))
        var nchw = try DepthwiseConv2D<Double>(kernelSize: 2, depthMultiplier: multiplier, dataFormat: .nchw, activation: .tanh)
        let x: Tensor<Double> = try Initializer.randomUniform(seed: 3).tensor(shape: [2, 4, 5, 3])
        let y = try nhwc(x)
        try nchw.setWeights(kernel: #require(nhwc.kernel), bias: nhwc.bias)
        let yTransposed = try nchw(x.transposed([0, 3, 1, 2]))
        #expect(try yTransposed == y.transposed([0, 3, 1, 2]))
    }
}

extension Tensor {
    /// The tensor with its dimensions reordered: result dimension `i` is dimension `order[i]`.
    func transposed(_ order: [Int]) throws -> Tensor {
        let newShape = order.map { shape[$0] }
        var strides = [Int](repeating: 1, count: rank)
        for axis in stride(from: rank - 2, through: 0, by: -1) { strides[axis] = strides[axis + 1] * shape[axis + 1] }
        var result = [Scalar]()
        result.reserveCapacity(scalars.count)
        var index = [Int](repeating: 0, count: rank)
        for _ in 0..<scalars.count {
            result.append(scalars[zip(order, index).map { strides[$0] * $1 }.reduce(0, +)])
            for axis in stride(from: rank - 1, through: 0, by: -1) {
                index[axis] += 1
                if index[axis] < newShape[axis] { break }
                index[axis] = 0
            }
        }
        return try Tensor(shape: newShape, scalars: result)
    }
}
