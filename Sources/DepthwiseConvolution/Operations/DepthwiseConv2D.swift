/// Computes a depthwise 2-D convolution, as TensorFlow's `tf.nn.depthwise_conv2d`
/// (`DepthwiseConv2dNative`) does.
///
/// Each input channel `c` is convolved with its own `multiplier` filters, giving
/// `channels * multiplier` output channels. In NHWC order:
///
///     output[b, i, j, c*M + q] = sum over (di, dj) of
///         filter[di, dj, c, q] * input[b, sh*i + dh*di - padTop, sw*j + dw*dj - padLeft, c]
///
/// where positions outside the input read zeros (the padding).
///
/// ```swift
/// let x = try Tensor<Float>(shape: [1, 3, 2, 1], scalars: [1, 2, 3, 4, 5, 6])
/// let f = try Tensor<Float>(shape: [2, 1, 1, 2], scalars: [1, 2, 3, 4])
/// let y = try depthwiseConv2D(x, filter: f, padding: .valid)  // shape [1, 2, 2, 2]
/// ```
///
/// - Parameters:
///   - input: `[batch, height, width, channels]` (NHWC) or `[batch, channels, height, width]` (NCHW).
///   - filter: `[filterHeight, filterWidth, channels, multiplier]`.
///   - strides: The step between filter positions along height and width; any positive values.
///   - padding: `.valid`, `.same` or `.explicit(top:bottom:left:right:)`; see ``Padding`` for the output size.
///   - dilations: The step between filter taps along height and width (atrous convolution).
///     May be combined with strides greater than 1.
///   - dataFormat: The order of `input`'s and the output's dimensions.
///   - execution: Threads and kernels.
/// - Returns: `[batch, outputHeight, outputWidth, channels * multiplier]` (NHWC) or
///   `[batch, channels * multiplier, outputHeight, outputWidth]` (NCHW).
/// - Throws: ``DepthwiseError`` for a bad rank, shape, stride, dilation or padding, a channel
///   mismatch, a negative output size, or sizes that overflow.
public func depthwiseConv2D<Scalar: DepthwiseScalar>(
    _ input: Tensor<Scalar>,
    filter: Tensor<Scalar>,
    strides: HeightWidth = 1,
    padding: Padding,
    dilations: HeightWidth = 1,
    dataFormat: DataFormat = .nhwc,
    execution: ExecutionOptions = .default
) throws -> Tensor<Scalar> {
    let g = try ConvolutionGeometry.validated(
        inputShape: input.shape, filterShape: filter.shape, strides: strides, padding: padding, dilations: dilations,
        dataFormat: dataFormat, execution: execution)
    _ = try Tensor<Scalar>.elementCount(of: g.outputShape)
    return input.withUnsafeBufferPointer { input in
        filter.withUnsafeBufferPointer { filter in
            Tensor(shape: g.outputShape, count: g.outputCount) { output in
                Computation.forward.run(g, input, filter, into: output, execution: execution)
            }
        }
    }
}

/// Computes a depthwise 2-D convolution from caller-owned buffers into a caller-owned buffer,
/// without copying.
///
/// The same computation as ``depthwiseConv2D(_:filter:strides:padding:dilations:dataFormat:execution:)``;
/// use ``depthwiseConv2DOutputShape(inputShape:filterShape:strides:padding:dilations:dataFormat:)``
/// to size `output`. Every element of `output` is written; nothing outside the buffers is read or written.
///
/// - Parameters:
///   - input: The input's elements, row-major in `inputShape`.
///   - inputShape: `[batch, height, width, channels]` (NHWC) or `[batch, channels, height, width]` (NCHW).
///   - filter: The filter's elements, row-major in `filterShape`.
///   - filterShape: `[filterHeight, filterWidth, channels, multiplier]`.
///   - output: Room for exactly the output's elements; must not overlap `input` or `filter`.
/// - Returns: The output's shape.
/// - Throws: ``DepthwiseError`` as the tensor form does, and when a buffer's size differs from its shape's
///   or `output` overlaps an input buffer.
@discardableResult
public func depthwiseConv2D<Scalar: DepthwiseScalar>(
    input: UnsafeBufferPointer<Scalar>,
    inputShape: [Int],
    filter: UnsafeBufferPointer<Scalar>,
    filterShape: [Int],
    output: UnsafeMutableBufferPointer<Scalar>,
    strides: HeightWidth = 1,
    padding: Padding,
    dilations: HeightWidth = 1,
    dataFormat: DataFormat = .nhwc,
    execution: ExecutionOptions = .default
) throws -> [Int] {
    let g = try ConvolutionGeometry.validated(
        inputShape: inputShape, filterShape: filterShape, strides: strides, padding: padding, dilations: dilations,
        dataFormat: dataFormat, execution: execution)
    try BufferChecks.require(input, count: g.inputCount, "input", shape: inputShape)
    try BufferChecks.require(filter, count: g.filterCount, "filter", shape: filterShape)
    try BufferChecks.require(output, count: g.outputCount, "output", shape: g.outputShape)
    try BufferChecks.requireDisjoint(output, "output", from: input, "input", and: filter, "filter")
    Computation.forward.run(g, input, filter, into: output, execution: execution)
    return g.outputShape
}

/// The shape of a depthwise 2-D convolution's output, without computing it.
///
/// - Returns: `[batch, outputHeight, outputWidth, channels * multiplier]` (NHWC) or
///   `[batch, channels * multiplier, outputHeight, outputWidth]` (NCHW).
/// - Throws: ``DepthwiseError`` for the same invalid arguments as the convolution.
public func depthwiseConv2DOutputShape(
    inputShape: [Int],
    filterShape: [Int],
    strides: HeightWidth = 1,
    padding: Padding,
    dilations: HeightWidth = 1,
    dataFormat: DataFormat = .nhwc
) throws -> [Int] {
    try ConvolutionGeometry(
        inputShape: inputShape, filterShape: filterShape,
        strides: strides, padding: padding, dilations: dilations, dataFormat: dataFormat
    ).outputShape
}
