import DepthwiseConvolution

extension DepthwiseConv2D {
    /// Applies the layer, `activation(depthwiseConv2D(input, kernel) + bias)`, building it on the first call.
    ///
    /// Records the call's regularization penalties in ``losses``.
    /// - Parameter input: `[N, H, W, C]` (`.nhwc`) or `[N, C, H, W]` (`.nchw`).
    /// - Returns: `[N, outH, outW, C * M]` or `[N, C * M, outH, outW]`.
    /// - Throws: ``DepthwiseError`` if the input is not 4-D, its channels differ from the
    ///   built layer's, or the convolution rejects its geometry.
    public mutating func callAsFunction(_ input: Tensor<Scalar>) throws -> Tensor<Scalar> {
        try build(inputShape: input.shape)
        let output = try activated(preActivation(input))
        losses = regularizationLosses(output: output)
        return output
    }

    /// The convolution plus bias, before the activation.
    func preActivation(_ input: Tensor<Scalar>) throws -> Tensor<Scalar> {
        _ = try outputShape(for: input.shape)
        let kernel = try builtKernel()
        var sum = try depthwiseConv2D(
            input, filter: kernel, strides: strides, padding: padding, dilations: dilationRate, dataFormat: dataFormat,
            execution: execution)
        if let bias {
            let channelOf = ChannelIndexing(shape: sum.shape, dataFormat: dataFormat)
            sum.withUnsafeMutableBufferPointer { values in
                for index in values.indices {
                    values[index] = Scalar(values[index].doubleValue + bias.scalars[channelOf(index)].doubleValue)
                }
            }
        }
        return sum
    }

    /// The activation applied element-wise, in `Double`, rounded once.
    func activated(_ preActivation: Tensor<Scalar>) -> Tensor<Scalar> {
        if activation.isLinear { return preActivation }
        var output = preActivation
        output.withUnsafeMutableBufferPointer { values in
            for index in values.indices { values[index] = Scalar(activation.function(values[index].doubleValue)) }
        }
        return output
    }

    func builtKernel() throws -> Tensor<Scalar> {
        guard let kernel else {
            throw DepthwiseError(.invalidConfiguration, "the layer \(name) is not built: call it on an input or set its weights")
        }
        return kernel
    }
}

/// The output channel of each element of a 4-D tensor, by its row-major index.
struct ChannelIndexing {
    let channels: Int
    /// The number of consecutive elements that share a channel: 1 for NHWC, `H * W` for NCHW.
    let run: Int

    init(shape: [Int], dataFormat: DataFormat) {
        channels = shape[dataFormat.channelAxis]
        run = dataFormat == .nhwc ? 1 : shape[2] * shape[3]
    }

    func callAsFunction(_ index: Int) -> Int {
        (index / run) % channels
    }
}
