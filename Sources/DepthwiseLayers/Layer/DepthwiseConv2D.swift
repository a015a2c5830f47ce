import DepthwiseConvolution

/// A depthwise 2-D convolution layer, as Keras's `DepthwiseConv2D`: convolution,
/// then bias, then activation.
///
/// Each of the `C` input channels is convolved with its own `M` filters (`M` the depth
/// multiplier), giving `C * M` output channels. The kernel has shape `[kh, kw, C, M]`,
/// as in Keras, and the bias `[C * M]`. Both are created on the first call, from the
/// input's channel count (or set with ``setWeights(kernel:bias:)``).
///
/// ```swift
/// var layer = try DepthwiseConv2D<Float>(kernelSize: 3, padding: .same, activation: .relu6)
/// let y = try layer(x)   // x: [N, H, W, C]; builds the layer, y: [N, H, W, C]
/// ```
///
/// Output size per spatial dimension: as ``Padding`` describes (`valid`: `(in - effective) / stride + 1`,
/// `same`: `ceil(in / stride)`), also for stride > 1 with dilation > 1.
public struct DepthwiseConv2D<Scalar: DepthwiseScalar>: Sendable {
    /// The filter's height and width.
    public let kernelSize: HeightWidth
    /// The step between filter positions.
    public let strides: HeightWidth
    /// `.valid` or `.same` (Keras has no explicit padding).
    public let padding: Padding
    /// The number of filters per input channel, `M`.
    public let depthMultiplier: Int
    /// `.nhwc` (Keras's `channels_last`) or `.nchw` (`channels_first`).
    public let dataFormat: DataFormat
    /// The spacing between filter taps (atrous convolution).
    public let dilationRate: HeightWidth
    /// The function applied last.
    public var activation: Activation
    /// Whether a bias is added.
    public let useBias: Bool
    /// How the kernel is filled when the layer is built.
    public var depthwiseInitializer: Initializer
    /// How the bias is filled when the layer is built.
    public var biasInitializer: Initializer
    /// The penalty on the kernel.
    public var depthwiseRegularizer: Regularizer?
    /// The penalty on the bias.
    public var biasRegularizer: Regularizer?
    /// The penalty on the output, divided by the batch size as Keras does.
    public var activityRegularizer: Regularizer?
    /// The projection applied to the kernel after each optimizer step.
    public var depthwiseConstraint: Constraint?
    /// The projection applied to the bias after each optimizer step.
    public var biasConstraint: Constraint?
    /// The layer's name in a Keras config.
    public var name: String
    /// Whether ``applyGradients(_:optimizer:)`` updates the weights.
    public var trainable: Bool
    /// Threads and kernels used by the convolutions.
    public var execution: ExecutionOptions = .default

    /// The kernel, `[kh, kw, C, M]`; `nil` until the layer is built.
    public internal(set) var kernel: Tensor<Scalar>?
    /// The bias, `[C * M]`; `nil` until built, and always without ``useBias``.
    public internal(set) var bias: Tensor<Scalar>?
    /// The losses of the last call, as Keras's `layer.losses`: the activity penalty
    /// (if any), then the kernel and bias penalties.
    public internal(set) var losses: [Double] = []

    /// Creates a layer with Keras's arguments and defaults.
    ///
    /// - Throws: ``DepthwiseError`` with code `invalidConfiguration`, as Keras raises
    ///   `ValueError`: a kernel size, stride, dilation or multiplier that is not positive,
    ///   explicit padding, or an invalid initializer, regularizer or constraint.
    public init(
        kernelSize: HeightWidth,
        strides: HeightWidth = 1,
        padding: Padding = .valid,
        depthMultiplier: Int = 1,
        dataFormat: DataFormat = .nhwc,
        dilationRate: HeightWidth = 1,
        activation: Activation = .linear,
        useBias: Bool = true,
        depthwiseInitializer: Initializer = .glorotUniform(),
        biasInitializer: Initializer = .zeros,
        depthwiseRegularizer: Regularizer? = nil,
        biasRegularizer: Regularizer? = nil,
        activityRegularizer: Regularizer? = nil,
        depthwiseConstraint: Constraint? = nil,
        biasConstraint: Constraint? = nil,
        name: String = "depthwise_conv2d",
        trainable: Bool = true
    ) throws {
        for (argument, value) in [("kernel_size", kernelSize), ("strides", strides), ("dilation_rate", dilationRate)]
        where value.height <= 0 || value.width <= 0 {
            throw DepthwiseError(.invalidConfiguration, "\(argument) must be positive, got \(value)")
        }
        guard depthMultiplier > 0 else {
            throw DepthwiseError(.invalidConfiguration, "depth_multiplier must be positive, got \(depthMultiplier)")
        }
        guard padding == .valid || padding == .same else {
            throw DepthwiseError(.invalidConfiguration, "padding must be valid or same, got \(padding)")
        }
        try depthwiseInitializer.validate()
        try biasInitializer.validate()
        for regularizer in [depthwiseRegularizer, biasRegularizer, activityRegularizer] { try regularizer?.validate() }
        self.kernelSize = kernelSize
        self.strides = strides
        self.padding = padding
        self.depthMultiplier = depthMultiplier
        self.dataFormat = dataFormat
        self.dilationRate = dilationRate
        self.activation = activation
        self.useBias = useBias
        self.depthwiseInitializer = depthwiseInitializer
        self.biasInitializer = biasInitializer
        self.depthwiseRegularizer = depthwiseRegularizer
        self.biasRegularizer = biasRegularizer
        self.activityRegularizer = activityRegularizer
        self.depthwiseConstraint = depthwiseConstraint
        self.biasConstraint = biasConstraint
        self.name = name
        self.trainable = trainable
    }

    /// Whether the weights exist.
    public var isBuilt: Bool { kernel != nil }

    /// The input channel count `C` the layer was built for.
    public var inputChannels: Int? { kernel?.shape[2] }

    /// The kernel's shape for `channels` input channels, `[kh, kw, C, M]`.
    public func kernelShape(inputChannels channels: Int) -> [Int] {
        [kernelSize.height, kernelSize.width, channels, depthMultiplier]
    }

    /// Creates the weights for inputs of the given shape, with the initializers.
    ///
    /// Does nothing if the layer is built for the same channel count.
    /// - Throws: ``DepthwiseError`` for an input shape the layer cannot take.
    public mutating func build(inputShape: [Int]) throws {
        _ = try outputShape(for: inputShape)  // checks the rank, the channels and the output size
        if isBuilt { return }
        let channels = inputShape[dataFormat.channelAxis]
        let kernel: Tensor<Scalar> = try depthwiseInitializer.tensor(shape: kernelShape(inputChannels: channels))
        let bias: Tensor<Scalar>? = useBias ? try biasInitializer.tensor(shape: [channels * depthMultiplier]) : nil
        try setWeights(kernel: kernel, bias: bias)
    }

    /// The output shape for an input of shape `inputShape`, as Keras's `compute_output_shape`.
    ///
    /// - Throws: ``DepthwiseError`` if the shape is not 4-D, its channels differ from the
    ///   built layer's, or (as Keras raises) `valid` padding leaves no output row or column.
    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        let channels = try checkedChannels(of: inputShape)
        let shape = try depthwiseConv2DOutputShape(
            inputShape: inputShape, filterShape: kernelShape(inputChannels: channels), strides: strides, padding: padding,
            dilations: dilationRate, dataFormat: dataFormat)
        if padding == .valid, shape[dataFormat.heightAxis] == 0 || shape[dataFormat.widthAxis] == 0 {
            throw DepthwiseError(
                .negativeOutputSize,
                "computed output size would be zero: input \(inputShape), kernel \(kernelSize), strides \(strides), "
                    + "dilation \(dilationRate), valid padding")
        }
        return shape
    }

    /// Replaces the weights, as Keras's `set_weights`, building the layer if needed.
    ///
    /// - Throws: ``DepthwiseError`` if the kernel is not `[kh, kw, C, M]` for this layer,
    ///   the bias is not `[C * M]`, or a bias is given (or missing) against ``useBias``.
    public mutating func setWeights(kernel: Tensor<Scalar>, bias: Tensor<Scalar>?) throws {
        let channels = kernel.rank == 4 ? kernel.shape[2] : -1
        guard channels >= 0, kernel.shape == kernelShape(inputChannels: channels) else {
            throw DepthwiseError(
                .shapeMismatch,
                "the kernel must have shape [\(kernelSize.height), \(kernelSize.width), C, \(depthMultiplier)], got \(kernel.shape)")
        }
        if let built = inputChannels, built != channels {
            throw DepthwiseError(.channelMismatch, "the layer was built for \(built) input channels, the kernel has \(channels)")
        }
        switch (useBias, bias) {
        case (true, nil):
            throw DepthwiseError(.shapeMismatch, "the layer uses a bias: a bias of shape [\(channels * depthMultiplier)] is needed")
        case (false, .some):
            throw DepthwiseError(.shapeMismatch, "the layer has use_bias false: it takes no bias")
        case (true, .some(let bias)) where bias.shape != [channels * depthMultiplier]:
            throw DepthwiseError(.shapeMismatch, "the bias must have shape [\(channels * depthMultiplier)], got \(bias.shape)")
        default:
            break
        }
        self.kernel = kernel
        self.bias = bias
    }

    /// The channel count of a 4-D input, checked against the built layer's.
    func checkedChannels(of inputShape: [Int]) throws -> Int {
        guard inputShape.count == 4 else {
            throw DepthwiseError(.invalidRank, "the layer takes 4-D inputs, got shape \(inputShape)")
        }
        let channels = inputShape[dataFormat.channelAxis]
        if let built = inputChannels, built != channels {
            throw DepthwiseError(
                .channelMismatch, "the layer was built for \(built) input channels, got an input of shape \(inputShape)")
        }
        guard channels > 0 else {
            throw DepthwiseError(.invalidShape, "the input must have at least one channel, got shape \(inputShape)")
        }
        return channels
    }
}
