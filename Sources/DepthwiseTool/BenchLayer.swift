import DepthwiseConvolution

/// One benchmarked layer: the sizes of a depthwise convolution in logical (N, H, W, C) order.
struct BenchLayer {
    var name: String
    var batch: Int, height: Int, width: Int, channels: Int
    var filter: HeightWidth
    var multiplier: Int
    var strides: HeightWidth
    var padding: Padding
    var dilations: HeightWidth = 1

    /// The depthwise layers of MobileNetV2 and EfficientNet-B0 that the peers are timed on.
    static let suite: [BenchLayer] = [
        ("mbv2-112x112x32-s1", 112, 32, 3, 1), ("mbv2-112x112x96-s2", 112, 96, 3, 2),
        ("mbv2-56x56x144-s1", 56, 144, 3, 1), ("mbv2-56x56x144-s2", 56, 144, 3, 2),
        ("mbv2-28x28x192-s1", 28, 192, 3, 1), ("mbv2-14x14x576-s1", 14, 576, 3, 1),
        ("mbv2-7x7x960-s1", 7, 960, 3, 1), ("effb0-28x28x240-k5", 28, 240, 5, 1),
        ("effb0-14x14x672-k5s2", 14, 672, 5, 2),
    ].map { name, size, channels, kernel, stride in
        BenchLayer(
            name: name, batch: 1, height: size, width: size, channels: channels, filter: HeightWidth(kernel),
            multiplier: 1, strides: HeightWidth(stride), padding: .same)
    }

    func inputShape(_ format: DataFormat) -> [Int] {
        format.shape(batch: batch, height: height, width: width, channels: channels)
    }

    var filterShape: [Int] { [filter.height, filter.width, channels, multiplier] }

    func outputShape(_ format: DataFormat) throws -> [Int] {
        try depthwiseConv2DOutputShape(
            inputShape: inputShape(format), filterShape: filterShape, strides: strides, padding: padding,
            dilations: dilations, dataFormat: format)
    }

    var outputCount: Int {
        ((try? outputShape(.nhwc)) ?? []).reduce(1, *)
    }

    /// Multiply-adds of one pass, counting the taps that fall in the padding (as the peers count them).
    var multiplyAdds: Int { outputCount * filter.height * filter.width }

    /// The bytes an operation must move at least: its two operands read once, its result written once.
    /// Each operation reads two of input, filter and output (or their gradients) and writes the third.
    func compulsoryBytes(_ type: ScalarType) -> Int {
        let counts = (input: batch * height * width * channels, filter: filterShape.reduce(1, *), output: outputCount)
        return (counts.input + counts.filter + counts.output) * type.byteCount
    }
}

/// Times one operation on one layer for one scalar type, with buffers allocated once.
struct BenchRun: ScalarTypeComputation {
    let layer: BenchLayer
    let op: BenchOperation
    let dtype: ScalarType
    let format: DataFormat
    let execution: ExecutionOptions
    let repeats: Int

    /// The median time of one call, in milliseconds.
    func compute<Scalar: DepthwiseScalar>(_: Scalar.Type) throws -> Double {
        let inputShape = layer.inputShape(format)
        let outputShape = try layer.outputShape(format)
        let input = AlignedBuffer<Scalar>(count: inputShape.reduce(1, *)) { Double($0 % 17) / 8 - 1 }
        let filter = AlignedBuffer<Scalar>(count: layer.filterShape.reduce(1, *)) { Double($0 % 5) / 4 - 0.5 }
        let gradient = AlignedBuffer<Scalar>(count: outputShape.reduce(1, *)) { Double($0 % 13) / 6 - 1 }
        let resultCount: Int
        switch op {
        case .forward: resultCount = gradient.count
        case .backpropInput: resultCount = input.count
        case .backpropFilter: resultCount = filter.count
        }
        let result = AlignedBuffer<Scalar>(count: resultCount) { _ in 0 }
        let l = layer
        let call = {
            let (input, filter, gradient, result) = (input.buffer, filter.buffer, gradient.buffer, result.buffer)
            switch op {
            case .forward:
                try depthwiseConv2D(
                    input: UnsafeBufferPointer(input), inputShape: inputShape, filter: UnsafeBufferPointer(filter),
                    filterShape: l.filterShape, output: result, strides: l.strides, padding: l.padding, dilations: l.dilations,
                    dataFormat: format, execution: execution)
            case .backpropInput:
                try depthwiseConv2DBackpropInput(
                    inputShape: inputShape, filter: UnsafeBufferPointer(filter), filterShape: l.filterShape,
                    outputGradient: UnsafeBufferPointer(gradient), outputGradientShape: outputShape, inputGradient: result,
                    strides: l.strides, padding: l.padding, dilations: l.dilations, dataFormat: format, execution: execution)
            case .backpropFilter:
                try depthwiseConv2DBackpropFilter(
                    input: UnsafeBufferPointer(input), inputShape: inputShape, filterShape: l.filterShape,
                    outputGradient: UnsafeBufferPointer(gradient), outputGradientShape: outputShape, filterGradient: result,
                    strides: l.strides, padding: l.padding, dilations: l.dilations, dataFormat: format, execution: execution)
            }
        }
        for _ in 0..<3 { try call() }
        var times: [Double] = []
        for _ in 0..<repeats {
            let start = ContinuousClock.now
            try call()
            let elapsed = ContinuousClock.now - start
            times.append(Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) * 1e-15)
        }
        return times.sorted()[times.count / 2]
    }
}

/// A buffer aligned to 64 bytes (a cache line), as TensorFlow's and XNNPACK's allocators align tensors.
final class AlignedBuffer<Scalar: DepthwiseScalar> {
    let buffer: UnsafeMutableBufferPointer<Scalar>
    var count: Int { buffer.count }

    init(count: Int, value: (Int) -> Double) {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Scalar>.stride, alignment: 64)
        buffer = UnsafeMutableBufferPointer(start: raw.bindMemory(to: Scalar.self, capacity: count), count: count)
        for i in 0..<count { buffer.initializeElement(at: i, to: Scalar(value(i))) }
    }

    deinit { buffer.deallocate() }
}
