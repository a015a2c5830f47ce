import DepthwiseConvolution
import Testing

/// Output sizes and padding splits exactly as TensorFlow computes them.
@Suite struct OutputShapeTests {
    struct Case: Sendable, CustomStringConvertible {
        var input: [Int], filter: [Int], strides: HeightWidth, padding: Padding, dilations: HeightWidth, format: DataFormat
        var expected: [Int]
        var description: String { "\(input) \(filter) s\(strides) \(padding) d\(dilations) \(format)" }
    }

    static let cases: [Case] = [
        Case(input: [1, 5, 5, 2], filter: [3, 3, 2, 1], strides: 1, padding: .same, dilations: 1, format: .nhwc, expected: [1, 5, 5, 2]),
        Case(input: [1, 5, 6, 2], filter: [3, 3, 2, 3], strides: 2, padding: .same, dilations: 1, format: .nhwc, expected: [1, 3, 3, 6]),
        Case(
            input: [2, 4, 5, 6], filter: [3, 3, 4, 1], strides: 2, padding: .valid, dilations: 1, format: .nchw, expected: [2, 4, 2, 2]),
        // (in + pads - effective + stride) / stride, effective = (k - 1) * d + 1
        Case(
            input: [1, 9, 9, 1], filter: [3, 3, 1, 1], strides: 2, padding: .valid, dilations: 2, format: .nhwc, expected: [1, 3, 3, 1]),
        Case(input: [1, 9, 9, 1], filter: [3, 3, 1, 1], strides: 2, padding: .same, dilations: 2, format: .nhwc, expected: [1, 5, 5, 1]),
        Case(
            input: [1, 7, 7, 1], filter: [3, 2, 1, 1], strides: HeightWidth(height: 3, width: 1),
            padding: .explicit(top: 1, bottom: 0, left: 2, right: 3), dilations: 1, format: .nhwc, expected: [1, 2, 11, 1]),
        Case(
            input: [1, 2, 2, 2], filter: [3, 3, 2, 1], strides: 1, padding: .valid, dilations: 1, format: .nhwc, expected: [1, 0, 0, 2]),
        // (1 - 3 + 2) / 2 = 0, and (1 - 3 + 1) / 1 = -1 would be an error.
        Case(
            input: [1, 1, 1, 2], filter: [3, 3, 2, 1], strides: 2, padding: .valid, dilations: 1, format: .nhwc, expected: [1, 0, 0, 2]),
        Case(input: [0, 5, 5, 2], filter: [3, 3, 2, 1], strides: 1, padding: .same, dilations: 1, format: .nhwc, expected: [0, 5, 5, 2]),
        Case(input: [1, 0, 5, 2], filter: [3, 3, 2, 1], strides: 1, padding: .same, dilations: 1, format: .nhwc, expected: [1, 0, 5, 2]),
    ]

    @Test(arguments: cases)
    func outputShape(_ c: Case) throws {
        let shape = try depthwiseConv2DOutputShape(
            inputShape: c.input, filterShape: c.filter, strides: c.strides, padding: c.padding, dilations: c.dilations, dataFormat: c.format
        )
        #expect(shape == c.expected)
    }

    /// SAME puts the odd padding pixel at the bottom and right: a 2x2 filter on 3x3 pads 0 above, 1 below.
    @Test func samePaddingSplitsTheOddPixelToTheEnd() throws {
        let input = try Tensor<Float>(shape: [1, 3, 3, 1], scalars: (1...9).map(Float.init))
        let ones = try Tensor<Float>(shape: [2, 2, 1, 1], repeating: 1)
        let output = try depthwiseConv2D(input, filter: ones, padding: .same)
        // Window at (0, 0) covers 1, 2, 4, 5; at (2, 2) only 9 and padding.
        #expect(output.scalars == [12, 16, 9, 24, 28, 15, 15, 17, 9])
    }

    /// An empty batch or an empty output gives an empty result; the gradients of an empty
    /// output gradient are zeros.
    @Test func emptyTensors() throws {
        let filter = try Tensor<Float>(shape: [3, 3, 2, 1], repeating: 1)
        let empty = try depthwiseConv2D(try Tensor<Float>(zeros: [0, 5, 5, 2]), filter: filter, padding: .same)
        #expect(empty.shape == [0, 5, 5, 2])
        let input = try Tensor<Float>(shape: [1, 2, 2, 2], repeating: 1)
        let noOutput = try Tensor<Float>(zeros: [1, 0, 0, 2])
        let filterGradient = try depthwiseConv2DBackpropFilter(input, filterShape: [3, 3, 2, 1], outputGradient: noOutput, padding: .valid)
        #expect(filterGradient.scalars == Array(repeating: 0, count: 18))
        let inputGradient = try depthwiseConv2DBackpropInput(
            inputShape: [1, 2, 2, 2], filter: filter, outputGradient: noOutput, padding: .valid)
        #expect(inputGradient.scalars == Array(repeating: 0, count: 8))
    }
}
