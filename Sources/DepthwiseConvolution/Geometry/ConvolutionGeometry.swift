import DepthwiseKernels

/// The validated sizes of one depthwise convolution: every dimension non-negative,
/// the filter non-empty, and every element count and index the kernels compute
/// representable in `Int`.
///
/// Kernels receive a geometry and never check again.
struct ConvolutionGeometry: Hashable, Sendable {
    let batch: Int
    let inputHeight: Int
    let inputWidth: Int
    let channels: Int
    let multiplier: Int
    let filterHeight: Int
    let filterWidth: Int
    let outputHeight: Int
    let outputWidth: Int
    let strides: HeightWidth
    let dilations: HeightWidth
    /// Zero rows above the input and zero columns left of it; the bottom and right
    /// padding follow from the output size.
    let padTop: Int
    let padLeft: Int
    let dataFormat: DataFormat

    /// Validates a convolution of an input of `inputShape` (in `dataFormat`'s order)
    /// with a filter of `filterShape` (`[filterHeight, filterWidth, channels, multiplier]`).
    init(
        inputShape: [Int], filterShape: [Int],
        strides: HeightWidth, padding: Padding, dilations: HeightWidth, dataFormat: DataFormat
    ) throws {
        guard inputShape.count == 4 else {
            throw DepthwiseError(.invalidRank, "input must be 4-dimensional, got shape \(inputShape)")
        }
        guard filterShape.count == 4 else {
            throw DepthwiseError(
                .invalidRank,
                "filter must be 4-dimensional [filter_height, filter_width, in_channels, multiplier], got shape \(filterShape)")
        }
        guard inputShape.allSatisfy({ $0 >= 0 }) else {
            throw DepthwiseError(.invalidShape, "input dimensions must be non-negative, got shape \(inputShape)")
        }
        guard filterShape.allSatisfy({ $0 > 0 }) else {
            throw DepthwiseError(.invalidShape, "filter dimensions must all be positive, got shape \(filterShape)")
        }
        try Self.requirePositive(strides, .invalidStride, "stride")
        try Self.requirePositive(dilations, .invalidDilation, "dilation")

        batch = inputShape[0]
        inputHeight = inputShape[dataFormat.heightAxis]
        inputWidth = inputShape[dataFormat.widthAxis]
        channels = inputShape[dataFormat.channelAxis]
        (filterHeight, filterWidth, multiplier) = (filterShape[0], filterShape[1], filterShape[3])
        guard filterShape[2] == channels else {
            throw DepthwiseError(
                .channelMismatch,
                "filter has \(filterShape[2]) input channels but the input has \(channels) (input \(inputShape), filter \(filterShape))")
        }
        self.dataFormat = dataFormat

        let rows = try Self.outputSize(
            input: inputHeight, filter: filterHeight, stride: strides.height, dilation: dilations.height,
            padding: padding.rows, dimension: "height")
        let columns = try Self.outputSize(
            input: inputWidth, filter: filterWidth, stride: strides.width, dilation: dilations.width,
            padding: padding.columns, dimension: "width")
        (outputHeight, padTop) = (rows.size, rows.padBefore)
        (outputWidth, padLeft) = (columns.size, columns.padBefore)
        // A stride along a dimension with one output, or a dilation along a filter of size 1,
        // has no effect; taking it as 1 keeps the kernels' offsets small.
        self.strides = HeightWidth(height: outputHeight > 1 ? strides.height : 1, width: outputWidth > 1 ? strides.width : 1)
        self.dilations = HeightWidth(
            height: filterHeight > 1 ? dilations.height : 1, width: filterWidth > 1 ? dilations.width : 1)

        // Every element count, and the channel count with its multiplier, must fit in Int;
        // indices inside the tensors are then representable too.
        _ = try Checked.product(inputShape, "input element count of shape")
        _ = try Checked.product(filterShape, "filter element count of shape")
        let outputChannels = try Checked.multiply(channels, multiplier, "output channel count \(channels) * \(multiplier)")
        let outputShape = dataFormat.shape(batch: batch, height: outputHeight, width: outputWidth, channels: outputChannels)
        _ = try Checked.product(outputShape, "output element count of shape")
        // The kernels index the input, expanded to channels * multiplier, from positions in the
        // padded input (up to a batch beyond the last): those offsets, in bytes of the widest
        // scalar, must fit too. This refuses paddings and dilations too large to address.
        let extent = try Checked.add(batch, 1, "batch \(batch) + 1")
        _ = try Checked.product(
            [extent, rows.paddedSize, columns.paddedSize, outputChannels, MemoryLayout<Double>.size],
            "byte offsets in the padded input of \(rows.paddedSize) x \(columns.paddedSize) positions,")
    }

    private static func requirePositive(_ values: HeightWidth, _ code: DepthwiseError.Code, _ name: String) throws {
        func fail(_ value: Int, _ dimension: String) -> DepthwiseError {
            DepthwiseError(code, "\(name) must be positive, got \(value) for the \(dimension)")
        }
        guard values.height > 0 else { throw fail(values.height, "height") }
        guard values.width > 0 else { throw fail(values.width, "width") }
    }

    /// The output size along one dimension and the padding before it, as TensorFlow computes them.
    private static func outputSize(
        input: Int, filter: Int, stride: Int, dilation: Int, padding: Padding.Side, dimension: String
    ) throws -> (size: Int, padBefore: Int, paddedSize: Int) {
        // Described only when an error is thrown: building the text would cost more than the
        // rest of the validation of a small layer.
        func what() -> String {
            "the \(dimension) arithmetic (input \(input), filter \(filter), stride \(stride), dilation \(dilation))"
        }
        // effective = (filter - 1) * dilation + 1
        let effective = try Checked.add(Checked.multiply(filter - 1, dilation, what()), 1, what())
        let size: Int
        let padBefore: Int
        // The extent of the input with its padding: every position a tap can address lies inside.
        var paddedSize = input
        switch padding {
        case .valid:
            size = try Checked.add(input - effective, stride, what()) / stride
            padBefore = 0
        case .same:
            size = try Checked.add(input, stride - 1, what()) / stride
            let needed = try Checked.add(Checked.multiply(max(size - 1, 0), stride, what()), effective, what()) - input
            padBefore = max(needed, 0) / 2
            paddedSize = input + max(needed, 0)
        case .explicit(let before, let after):
            guard before >= 0, after >= 0 else {
                throw DepthwiseError(
                    .invalidPadding,
                    "padding must be non-negative, got \(before) before and \(after) after the \(dimension)")
            }
            paddedSize = try Checked.add(Checked.add(input, before, what()), after, what())
            size = try Checked.add(paddedSize - effective, stride, what()) / stride
            padBefore = before
        }
        guard size >= 0 else {
            throw DepthwiseError(
                .negativeOutputSize,
                "computed output \(dimension) would be negative: \(size) [input size: \(input), effective filter size: \(effective), stride: \(stride), padding: \(padding)]"
            )
        }
        return (size, padBefore, max(paddedSize, effective))
    }

    var outputChannels: Int { channels * multiplier }
    var inputShape: [Int] { dataFormat.shape(batch: batch, height: inputHeight, width: inputWidth, channels: channels) }
    var outputShape: [Int] { dataFormat.shape(batch: batch, height: outputHeight, width: outputWidth, channels: outputChannels) }
    var filterShape: [Int] { [filterHeight, filterWidth, channels, multiplier] }
    var inputCount: Int { batch * inputHeight * inputWidth * channels }
    var outputCount: Int { batch * outputHeight * outputWidth * outputChannels }
    var filterCount: Int { filterHeight * filterWidth * channels * multiplier }
}

extension Padding {
    /// The padding of one spatial dimension.
    enum Side: CustomStringConvertible {
        case valid, same
        case explicit(before: Int, after: Int)

        var description: String {
            switch self {
            case .valid: "VALID"
            case .same: "SAME"
            case .explicit(let before, let after): "[\(before), \(after)]"
            }
        }
    }

    var rows: Side {
        switch self {
        case .valid: .valid
        case .same: .same
        case .explicit(let top, let bottom, _, _): .explicit(before: top, after: bottom)
        }
    }

    var columns: Side {
        switch self {
        case .valid: .valid
        case .same: .same
        case .explicit(_, _, let left, let right): .explicit(before: left, after: right)
        }
    }
}

extension ConvolutionGeometry {
    /// The sizes as the SIMD kernels take them.
    var kernelGeometry: KernelGeometry {
        KernelGeometry(
            batch: batch, inputHeight: inputHeight, inputWidth: inputWidth, channels: channels, multiplier: multiplier,
            filterHeight: filterHeight, filterWidth: filterWidth, outputHeight: outputHeight, outputWidth: outputWidth,
            strides: (strides.height, strides.width), dilations: (dilations.height, dilations.width),
            padTop: padTop, padLeft: padLeft)
    }
}
