import DepthwiseConvolution

/// A convolution's sizes, independent of layout and scalar type.
struct Geometry: Sendable, CustomStringConvertible {
    var batch: Int, height: Int, width: Int, channels: Int, multiplier: Int
    var filter: HeightWidth
    var strides: HeightWidth
    var padding: Padding
    var dilations: HeightWidth = 1

    var description: String {
        "N\(batch) \(height)x\(width)x\(channels) M\(multiplier) k\(filter) s\(strides) \(padding) d\(dilations)"
    }

    func inputShape(_ format: DataFormat) -> [Int] {
        format == .nhwc ? [batch, height, width, channels] : [batch, channels, height, width]
    }

    var filterShape: [Int] { [filter.height, filter.width, channels, multiplier] }

    /// Random operands for all three computations.
    func problem<S: DepthwiseScalar>(_: S.Type, format: DataFormat, using random: inout SeededGenerator) throws -> Problem<S> {
        let outputShape = try depthwiseConv2DOutputShape(
            inputShape: inputShape(format), filterShape: filterShape,
            strides: strides, padding: padding, dilations: dilations, dataFormat: format)
        return Problem(
            geometry: self, format: format,
            input: try .random(shape: inputShape(format), using: &random),
            filter: try .random(shape: filterShape, using: &random),
            outputGradient: try .random(shape: outputShape, using: &random))
    }
}

enum Computation: CaseIterable, Sendable {
    case forward, backpropInput, backpropFilter
}

/// Operands of one geometry in one layout.
struct Problem<S: DepthwiseScalar> {
    let geometry: Geometry
    let format: DataFormat
    var input: Tensor<S>
    var filter: Tensor<S>
    var outputGradient: Tensor<S>

    func compute(_ computation: Computation, kernels: ExecutionOptions.Kernels = .automatic, threads: Int = 2) throws -> Tensor<S> {
        let g = geometry
        let execution = ExecutionOptions(threadCount: threads, kernels: kernels)
        switch computation {
        case .forward:
            return try depthwiseConv2D(
                input, filter: filter, strides: g.strides, padding: g.padding, dilations: g.dilations,
                dataFormat: format, execution: execution)
        case .backpropInput:
            return try depthwiseConv2DBackpropInput(
                inputShape: input.shape, filter: filter, outputGradient: outputGradient, strides: g.strides,
                padding: g.padding, dilations: g.dilations, dataFormat: format, execution: execution)
        case .backpropFilter:
            return try depthwiseConv2DBackpropFilter(
                input, filterShape: filter.shape, outputGradient: outputGradient, strides: g.strides,
                padding: g.padding, dilations: g.dilations, dataFormat: format, execution: execution)
        }
    }
}

extension Tensor {
    /// Values uniform in [-1, 1), exactly representable in every scalar type (multiples of 1/64).
    static func random(shape: [Int], using random: inout SeededGenerator) throws -> Tensor {
        let count = shape.reduce(1, *)
        return try Tensor(shape: shape, scalars: (0..<count).map { _ in Scalar(Double(Int.random(in: -64..<64, using: &random)) / 64) })
    }
}

/// A small, fast, reproducible random number generator (SplitMix64).
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension ExecutionOptions.Kernels {
    /// The vectorized kernel paths this CPU runs, each forced in turn by the tests.
    static let simdPaths = [Self.simd, .avx2, .avx512].filter(\.isAvailable)
}
