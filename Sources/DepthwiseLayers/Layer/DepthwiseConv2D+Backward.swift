import DepthwiseConvolution

/// The gradients of a loss with respect to a layer's input and weights.
public struct LayerGradients<Scalar: DepthwiseScalar>: Sendable {
    /// With respect to the input; the input's shape.
    public var input: Tensor<Scalar>
    /// With respect to the kernel, `[kh, kw, C, M]`.
    public var kernel: Tensor<Scalar>
    /// With respect to the bias, `[C * M]`; `nil` for a layer without bias.
    public var bias: Tensor<Scalar>?
}

extension DepthwiseConv2D {
    /// The gradients of a loss given its gradient with respect to the layer's output
    /// (the gradients of `sum(output * outputGradient)` when nothing else depends on the weights).
    ///
    /// With `z = conv(input, kernel) + bias` and `y = activation(z)`:
    /// `dz = outputGradient * activation'(z)`, `dbias = Σ dz` over batch and positions,
    /// `dinput = depthwiseConv2DBackpropInput(dz)`, `dkernel = depthwiseConv2DBackpropFilter(dz)`.
    ///
    /// - Parameters:
    ///   - input: The input of the forward call.
    ///   - outputGradient: The gradient with respect to the output; the output's shape.
    ///   - includingRegularization: Whether to add the gradients of the layer's penalties:
    ///     the activity penalty (divided by the batch size) to the output gradient, and the
    ///     kernel and bias penalties to their gradients. Keras's tape on a training loss
    ///     includes them; a tape on `sum(output * outputGradient)` alone does not.
    /// - Throws: ``DepthwiseError`` if the layer is not built, or the shapes do not agree.
    public func gradients(
        input: Tensor<Scalar>, outputGradient: Tensor<Scalar>, includingRegularization: Bool = false
    ) throws -> LayerGradients<Scalar> {
        let kernel = try builtKernel()
        let preActivation = try preActivation(input)
        guard outputGradient.shape == preActivation.shape else {
            throw DepthwiseError(
                .shapeMismatch, "the output gradient must have the output's shape \(preActivation.shape), got \(outputGradient.shape)")
        }
        var upstream = outputGradient.scalars.map(\.doubleValue)
        if includingRegularization, let activityRegularizer {
            let batch = Double(max(input.shape[0], 1))
            let output = activated(preActivation)
            for index in upstream.indices {
                upstream[index] += activityRegularizer.derivative(at: output.scalars[index].doubleValue) / batch
            }
        }
        // dz = dy * f'(z)
        if !activation.isLinear {
            for index in upstream.indices { upstream[index] *= activation.derivative(preActivation.scalars[index].doubleValue) }
        }
        let preActivationGradient = try Tensor(shape: preActivation.shape, scalars: upstream.map(Scalar.init))

        var biasGradient: Tensor<Scalar>?
        if let bias {
            // dbias[c] = Σ dz over every element of channel c
            let channelOf = ChannelIndexing(shape: preActivation.shape, dataFormat: dataFormat)
            var sums = [Double](repeating: 0, count: bias.scalars.count)
            for index in upstream.indices { sums[channelOf(index)] += upstream[index] }
            if includingRegularization, let biasRegularizer { sums = Self.adding(biasRegularizer, of: bias, to: sums) }
            biasGradient = try Tensor(shape: bias.shape, scalars: sums.map(Scalar.init))
        }
        let inputGradient = try depthwiseConv2DBackpropInput(
            inputShape: input.shape, filter: kernel, outputGradient: preActivationGradient, strides: strides, padding: padding,
            dilations: dilationRate, dataFormat: dataFormat, execution: execution)
        var kernelGradient = try depthwiseConv2DBackpropFilter(
            input, filterShape: kernel.shape, outputGradient: preActivationGradient, strides: strides, padding: padding,
            dilations: dilationRate, dataFormat: dataFormat, execution: execution)
        if includingRegularization, let depthwiseRegularizer {
            let sums = Self.adding(depthwiseRegularizer, of: kernel, to: kernelGradient.scalars.map(\.doubleValue))
            kernelGradient = try Tensor(shape: kernel.shape, scalars: sums.map(Scalar.init))
        }
        return LayerGradients(input: inputGradient, kernel: kernelGradient, bias: biasGradient)
    }

    /// `gradient + regularizer'(weight)`, element by element.
    private static func adding(_ regularizer: Regularizer, of weight: Tensor<Scalar>, to gradient: [Double]) -> [Double] {
        zip(gradient, weight.scalars).map { $0 + regularizer.derivative(at: $1.doubleValue) }
    }

    /// The penalties of a call that produced `output`, in Keras's order: the activity
    /// penalty divided by the batch size, then the kernel's, then the bias's.
    public func regularizationLosses(output: Tensor<Scalar>) -> [Double] {
        var losses = [Double]()
        if let activityRegularizer {
            losses.append(activityRegularizer.loss(output) / Double(max(output.shape.first ?? 1, 1)))
        }
        if let depthwiseRegularizer, let kernel { losses.append(depthwiseRegularizer.loss(kernel)) }
        if let biasRegularizer, let bias { losses.append(biasRegularizer.loss(bias)) }
        return losses
    }
}
