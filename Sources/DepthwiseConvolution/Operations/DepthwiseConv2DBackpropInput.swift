/// Computes the gradient of a depthwise 2-D convolution with respect to its input, as
/// TensorFlow's `DepthwiseConv2dNativeBackpropInput` does.
///
/// In NHWC order, for the convolution `output = depthwiseConv2D(input, filter)`:
///
///     inputGradient[b, h, w, c] = sum over the (i, j, di, dj, q) with
///         sh*i + dh*di - padTop == h and sw*j + dw*dj - padLeft == w of
///         filter[di, dj, c, q] * outputGradient[b, i, j, c*M + q]
///
/// An empty output gradient gives a zero-filled input gradient.
///
/// - Parameters:
///   - inputShape: The shape of the convolution's input, in `dataFormat`'s order.
///   - filter: `[filterHeight, filterWidth, channels, multiplier]`.
///   - outputGradient: The gradient of the loss with respect to the convolution's output;
///     its shape must be the output shape the other arguments give.
///   - strides, padding, dilations, dataFormat: As given to the convolution.
///   - execution: Threads and kernels.
/// - Returns: The gradient with respect to the input, of shape `inputShape`.
/// - Throws: ``DepthwiseError`` for the convolution's invalid arguments, and when
///   `outputGradient`'s shape is not the output's.
public func depthwiseConv2DBackpropInput<Scalar: DepthwiseScalar>(
    inputShape: [Int],
    filter: Tensor<Scalar>,
    outputGradient: Tensor<Scalar>,
    strides: HeightWidth = 1,
    padding: Padding,
    dilations: HeightWidth = 1,
    dataFormat: DataFormat = .nhwc,
    execution: ExecutionOptions = .default
) throws -> Tensor<Scalar> {
    let g = try ConvolutionGeometry.validated(
        inputShape: inputShape, filterShape: filter.shape, strides: strides, padding: padding, dilations: dilations,
        dataFormat: dataFormat, execution: execution, outputGradientShape: outputGradient.shape)
    _ = try Tensor<Scalar>.elementCount(of: inputShape)
    return outputGradient.withUnsafeBufferPointer { outputGradient in
        filter.withUnsafeBufferPointer { filter in
            Tensor(shape: inputShape, count: g.inputCount) { inputGradient in
                Computation.backpropInput.run(g, outputGradient, filter, into: inputGradient, execution: execution)
            }
        }
    }
}

/// Computes the gradient of a depthwise 2-D convolution with respect to its input, from
/// caller-owned buffers into a caller-owned buffer, without copying.
///
/// The same computation as
/// ``depthwiseConv2DBackpropInput(inputShape:filter:outputGradient:strides:padding:dilations:dataFormat:execution:)``.
/// Every element of `inputGradient` is written; nothing outside the buffers is read or written.
///
/// - Parameters:
///   - inputGradient: Room for exactly `inputShape`'s elements; must not overlap the other buffers.
/// - Throws: ``DepthwiseError`` as the tensor form does, and when a buffer's size differs from its shape's
///   or `inputGradient` overlaps an input buffer.
public func depthwiseConv2DBackpropInput<Scalar: DepthwiseScalar>(
    inputShape: [Int],
    filter: UnsafeBufferPointer<Scalar>,
    filterShape: [Int],
    outputGradient: UnsafeBufferPointer<Scalar>,
    outputGradientShape: [Int],
    inputGradient: UnsafeMutableBufferPointer<Scalar>,
    strides: HeightWidth = 1,
    padding: Padding,
    dilations: HeightWidth = 1,
    dataFormat: DataFormat = .nhwc,
    execution: ExecutionOptions = .default
) throws {
    let g = try ConvolutionGeometry.validated(
        inputShape: inputShape, filterShape: filterShape, strides: strides, padding: padding, dilations: dilations,
        dataFormat: dataFormat, execution: execution, outputGradientShape: outputGradientShape)
    try BufferChecks.require(filter, count: g.filterCount, "filter", shape: filterShape)
    try BufferChecks.require(outputGradient, count: g.outputCount, "output gradient", shape: outputGradientShape)
    try BufferChecks.require(inputGradient, count: g.inputCount, "input gradient", shape: inputShape)
    try BufferChecks.requireDisjoint(
        inputGradient, "input gradient", from: filter, "filter", and: outputGradient, "output gradient")
    Computation.backpropInput.run(g, outputGradient, filter, into: inputGradient, execution: execution)
}
