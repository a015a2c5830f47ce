import DepthwiseConvolution
import Testing

/// The documented examples, the zero-copy entry points, and the argument forms.
@Suite struct APITests {
    /// The example of tf.nn.depthwise_conv2d's documentation:
    ///
    ///     x = np.array([[1., 2.], [3., 4.], [5., 6.]], dtype=np.float32).reshape((1, 3, 2, 1))
    ///     kernel = np.array([[1., 2.], [3., 4]], dtype=np.float32).reshape((2, 1, 1, 2))
    ///     tf.nn.depthwise_conv2d(x, kernel, strides=[1, 1, 1, 1], padding='VALID')
    ///     tf.nn.depthwise_conv2d(x, kernel, strides=[1, 1, 1, 1], padding=[[0, 0], [1, 0], [1, 0], [0, 0]])
    @Test func tensorFlowDocumentationExample() throws {
        let x = try Tensor<Float>(shape: [1, 3, 2, 1], scalars: [1, 2, 3, 4, 5, 6])
        let kernel = try Tensor<Float>(shape: [2, 1, 1, 2], scalars: [1, 2, 3, 4])
        let valid = try depthwiseConv2D(x, filter: kernel, padding: .valid)
        #expect(valid.shape == [1, 2, 2, 2])
        #expect(valid.scalars == [10, 14, 14, 20, 18, 26, 22, 32])
        let padded = try depthwiseConv2D(x, filter: kernel, padding: .explicit(top: 1, bottom: 0, left: 1, right: 0))
        #expect(padded.shape == [1, 3, 3, 2])
        #expect(padded.scalars == [0, 0, 3, 4, 6, 8, 0, 0, 10, 14, 14, 20, 0, 0, 18, 26, 22, 32])
    }

    @Test func bufferEntryPointsMatchTensorEntryPoints() throws {
        var random = SeededGenerator(seed: 11)
        let geometry = Geometry(
            batch: 2, height: 7, width: 9, channels: 5, multiplier: 2, filter: HeightWidth(3), strides: 2, padding: .same)
        for format in DataFormat.allCases {
            let p = try geometry.problem(Float.self, format: format, using: &random)
            let output = try p.compute(.forward)
            var buffer = [Float](repeating: .nan, count: output.scalars.count)
            let shape = try p.input.withUnsafeBufferPointer { input in
                try p.filter.withUnsafeBufferPointer { filter in
                    try buffer.withUnsafeMutableBufferPointer { out in
                        try depthwiseConv2D(
                            input: input, inputShape: p.input.shape, filter: filter, filterShape: p.filter.shape, output: out,
                            strides: 2, padding: .same, dataFormat: format)
                    }
                }
            }
            #expect(shape == output.shape)
            #expect(buffer == output.scalars)

            let inputGradient = try p.compute(.backpropInput)
            var inputBuffer = [Float](repeating: .nan, count: p.input.scalars.count)
            try p.filter.withUnsafeBufferPointer { filter in
                try p.outputGradient.withUnsafeBufferPointer { gradient in
                    try inputBuffer.withUnsafeMutableBufferPointer { out in
                        try depthwiseConv2DBackpropInput(
                            inputShape: p.input.shape, filter: filter, filterShape: p.filter.shape, outputGradient: gradient,
                            outputGradientShape: p.outputGradient.shape, inputGradient: out, strides: 2, padding: .same, dataFormat: format)
                    }
                }
            }
            #expect(inputBuffer == inputGradient.scalars)

            let filterGradient = try p.compute(.backpropFilter)
            var filterBuffer = [Float](repeating: .nan, count: p.filter.scalars.count)
            try p.input.withUnsafeBufferPointer { input in
                try p.outputGradient.withUnsafeBufferPointer { gradient in
                    try filterBuffer.withUnsafeMutableBufferPointer { out in
                        try depthwiseConv2DBackpropFilter(
                            input: input, inputShape: p.input.shape, filterShape: p.filter.shape, outputGradient: gradient,
                            outputGradientShape: p.outputGradient.shape, filterGradient: out, strides: 2, padding: .same, dataFormat: format
                        )
                    }
                }
            }
            #expect(filterBuffer == filterGradient.scalars)
        }
    }

    @Test func tensorFlowArgumentForms() throws {
        #expect(try HeightWidth(tensorFlowStrides: [2], dataFormat: .nhwc) == HeightWidth(2))
        #expect(try HeightWidth(tensorFlowStrides: [2, 3], dataFormat: .nhwc) == HeightWidth(height: 2, width: 3))
        #expect(try HeightWidth(tensorFlowStrides: [1, 2, 3, 1], dataFormat: .nhwc) == HeightWidth(height: 2, width: 3))
        #expect(try HeightWidth(tensorFlowStrides: [1, 1, 2, 3], dataFormat: .nchw) == HeightWidth(height: 2, width: 3))
        #expect(try HeightWidth(tensorFlowDilations: [1, 1, 2, 3], dataFormat: .nchw) == HeightWidth(height: 2, width: 3))
        #expect(try Padding(tensorFlowName: "same") == .same)
        #expect(
            try Padding(tensorFlowPairs: [[0, 0], [0, 0], [1, 2], [3, 4]], dataFormat: .nchw)
                == .explicit(top: 1, bottom: 2, left: 3, right: 4))
    }

    @Test func nanAndInfinityPropagate() throws {
        let input = try Tensor<Float>(shape: [1, 1, 3, 1], scalars: [.nan, 1, .infinity])
        let filter = try Tensor<Float>(shape: [1, 1, 1, 1], scalars: [2])
        let output = try depthwiseConv2D(input, filter: filter, padding: .valid)
        #expect(output.scalars[0].isNaN)
        #expect(output.scalars[1] == 2)
        #expect(output.scalars[2] == .infinity)
    }
}
