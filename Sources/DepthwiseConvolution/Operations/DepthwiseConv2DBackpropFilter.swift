/// Computes the gradient of a depthwise 2-D convolution with respect to its filter, as
/// TensorFlow's `DepthwiseConv2dNativeBackpropFilter` does.
///
/// In NHWC order, for the convolution `output = depthwiseConv2D(input, filter)`:
///
///     filterGradient[di, dj, c, q] = sum over (b, i, j) of
///         outputGradient[b, i, j, c*M + q] * input[b, sh*i + dh*di - padTop, sw*j + dw*dj - padLeft, c]
///
/// with zeros outside the input. An empty output gradient gives a zero-filled filter gradient.
///
/// - Parameters:
///   - input: The convolution's input, in `dataFormat`'s order.
///   - filterShape: `[filterHeight, filterWidth, channels, multiplier]`.
///   - outputGradient: The gradient of the loss with respect to the convolution's output;
///     its shape must be the output shape the other arguments give.
///   - strides, padding, dilations, dataFormat: As given to the convolution.
///   - execution: Threads and kernels.
/// - Returns: The gradient with respect to the filter, of shape `filterShape`.
/// - Throws: ``DepthwiseError`` for the convolution's invalid arguments, and when
///   `outputGradient`'s shape is not the output's.
public func depthwiseConv2DBackpropFilter<Scalar: DepthwiseScalar>(
    _ input: Tensor<Scalar>,
    filterShape: [Int],
    outputGradient: Tensor<Scalar>,
    strides: HeightWidth = 1,
    padding: Padding,
    dilations: HeightWidth = 1,
    dataFormat: DataFormat = .nhwc,
    execution: ExecutionOptions = .default
) throws -> Tensor<Scalar> {
    let g = try ConvolutionGeometry.validated(
        inputShape: input.shape, filterShape: filterShape, strides: strides, padding: padding, dilations: dilations,
        dataFormat: dataFormat, execution: execution, outputGradientShape: outputGradient.shape)
    _ = try Tensor<Scalar>.elementCount(of: filterShape)
    return input.withUnsafeBufferPointer { input in
        outputGradient.withUnsafeBufferPointer { outputGradient in
            Tensor(shape: filterShape, count: g.filterCount) { filterGradient in
                Computation.backpropFilter.run(g, input, outputGradient, into: filterGradient, execution: execution)
            }
        }
    }
}

/// Computes the gradient of a depthwise 2-D convolution with respect to its filter, from
/// caller-owned buffers into a caller-owned buffer, without copying.
///
/// The same computation as
/// ``depthwiseConv2DBackpropFilter(_:filterShape:outputGradient:strides:padding:dilations:dataFormat:execution:)``.
/// Every element of `filterGradient` is written; nothing outside the buffers is read or written.
///
/// - Parameters:
///   - filterGradient: Room for exactly `filterShape`'s elements; must not overlap the other buffers.
/// - Throws: ``DepthwiseError`` as the tensor form does, and when a buffer's size differs from its shape's
///   or `filterGradient` overlaps an input buffer.
public func depthwiseConv2DBackpropFilter<Scalar: DepthwiseScalar>(
    input: UnsafeBufferPointer<Scalar>,
    inputShape: [Int],
    filterShape: [Int],
    outputGradient: UnsafeBufferPointer<Scalar>,
    outputGradientShape: [Int],
    filterGradient: UnsafeMutableBufferPointer<Scalar>,
    strides: HeightWidth = 1,
    padding: Padding,
    dilations: HeightWidth = 1,
    dataFormat: DataFormat = .nhwc,
    execution: ExecutionOptions = .default
) throws {
    let g = try ConvolutionGeometry.validated(
        inputShape: inputShape, filterShape: filterShape, strides: strides, padding: padding, dilations: dilations,
        dataFormat: dataFormat, execution: execution, outputGradientShape: outputGradientShape)
    try BufferChecks.require(input, count: g.inputCount, "input", shape: inputShape)
    try BufferChecks.require(outputGradient, count: g.outputCount, "output gradient", shape: outputGradientShape)
    try BufferChecks.require(filterGradient, count: g.filterCount, "filter gradient", shape: filterShape)
    try BufferChecks.requireDisjoint(
        filterGradient, "filter gradient", from: input, "input", and: outputGradient, "output gradient")
    Computation.backpropFilter.run(g, input, outputGradient, into: filterGradient, execution: execution)
}
