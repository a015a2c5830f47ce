import DepthwiseConvolution
import Testing

/// Every bad call throws a ``DepthwiseError`` with the right code and names the offending values.
@Suite struct ValidationTests {
    let input = try! Tensor<Float>(zeros: [1, 5, 5, 2])
    let filter = try! Tensor<Float>(zeros: [3, 3, 2, 1])

    private func expectError(_ code: DepthwiseError.Code, mentioning text: String, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("expected a \(code) error")
        } catch let error as DepthwiseError {
            #expect(error.code == code, "\(error)")
            #expect(error.message.contains(text), "'\(error.message)' should mention '\(text)'")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func rank() {
        expectError(.invalidRank, mentioning: "[5, 5, 2]") {
            _ = try depthwiseConv2D(try Tensor<Float>(zeros: [5, 5, 2]), filter: filter, padding: .same)
        }
        expectError(.invalidRank, mentioning: "[3, 3, 2]") {
            _ = try depthwiseConv2D(input, filter: try Tensor<Float>(zeros: [3, 3, 2]), padding: .same)
        }
    }

    @Test func channelMismatch() {
        expectError(.channelMismatch, mentioning: "3 input channels") {
            _ = try depthwiseConv2D(input, filter: try Tensor<Float>(zeros: [3, 3, 3, 1]), padding: .same)
        }
    }

    @Test func zeroFilterDimensionsAndNegativeSizes() {
        expectError(.invalidShape, mentioning: "[3, 3, 2, 0]") {
            _ = try depthwiseConv2D(input, filter: try Tensor<Float>(zeros: [3, 3, 2, 0]), padding: .same)
        }
        expectError(.invalidShape, mentioning: "-1") {
            _ = try depthwiseConv2DBackpropInput(inputShape: [1, -1, 5, 2], filter: filter, outputGradient: input, padding: .same)
        }
    }

    @Test func stridesAndDilations() {
        expectError(.invalidStride, mentioning: "0") {
            _ = try depthwiseConv2D(input, filter: filter, strides: HeightWidth(height: 1, width: 0), padding: .same)
        }
        expectError(.invalidDilation, mentioning: "-2") {
            _ = try depthwiseConv2D(input, filter: filter, padding: .same, dilations: HeightWidth(height: -2, width: 1))
        }
        expectError(.invalidStride, mentioning: "batch") {
            _ = try HeightWidth(tensorFlowStrides: [2, 1, 1, 1], dataFormat: .nhwc)
        }
        expectError(.invalidStride, mentioning: "got 3") {
            _ = try HeightWidth(tensorFlowStrides: [1, 1, 1], dataFormat: .nhwc)
        }
    }

    @Test func padding() {
        expectError(.invalidPadding, mentioning: "-1") {
            _ = try depthwiseConv2D(input, filter: filter, padding: .explicit(top: -1, bottom: 0, left: 0, right: 0))
        }
        expectError(.invalidPadding, mentioning: "batch") {
            _ = try Padding(tensorFlowPairs: [[1, 0], [0, 0], [0, 0], [0, 0]], dataFormat: .nhwc)
        }
        expectError(.invalidPadding, mentioning: "4 [before, after] pairs") {
            _ = try Padding(tensorFlowPairs: [[0, 0], [1, 1], [1, 1]], dataFormat: .nhwc)
        }
        expectError(.invalidPadding, mentioning: "FULL") { _ = try Padding(tensorFlowName: "FULL") }
    }

    @Test func negativeOutputSize() {
        expectError(.negativeOutputSize, mentioning: "-1") {
            _ = try depthwiseConv2D(try Tensor<Float>(zeros: [1, 1, 1, 2]), filter: filter, padding: .valid)
        }
    }

    @Test func gradientOperandsMustAgree() throws {
        let wrongGradient = try Tensor<Float>(zeros: [1, 4, 4, 2])
        expectError(.shapeMismatch, mentioning: "[1, 4, 4, 2]") {
            _ = try depthwiseConv2DBackpropInput(inputShape: [1, 5, 5, 2], filter: filter, outputGradient: wrongGradient, padding: .same)
        }
        expectError(.shapeMismatch, mentioning: "[1, 5, 5, 2]") {
            _ = try depthwiseConv2DBackpropFilter(input, filterShape: [3, 3, 2, 1], outputGradient: wrongGradient, padding: .same)
        }
        expectError(.channelMismatch, mentioning: "3 input channels") {
            _ = try depthwiseConv2DBackpropFilter(input, filterShape: [3, 3, 3, 1], outputGradient: input, padding: .same)
        }
    }

    /// A dilation along a filter of size 1, or a stride along a dimension with one output, has no
    /// effect however large it is (found by the convolution fuzzer as an overflow trap in a kernel).
    @Test(arguments: ExecutionOptions.Kernels.simdPaths + [.reference])
    func hugeStridesAndDilationsWithoutEffectAreComputed(_ kernels: ExecutionOptions.Kernels) throws {
        let x = try Tensor<Float>(shape: [1, 3, 3, 2], scalars: (1...18).map(Float.init))
        let y = try depthwiseConv2D(
            x, filter: Tensor(shape: [1, 1, 2, 1], scalars: [2, 3]), strides: HeightWidth(Int.max / 3), padding: .valid,
            dilations: HeightWidth(Int.max / 3), execution: ExecutionOptions(kernels: kernels))
        #expect(y.shape == [1, 1, 1, 2])
        #expect(y.scalars == [2, 6])
    }

    @Test func overflowingSizes() {
        // TFSA-2022-071: a filter-gradient shape whose element count overflows.
        expectError(.sizeOverflow, mentioning: "overflows") {
            _ = try depthwiseConv2DBackpropFilter(
                try Tensor<Float>(zeros: [1, 1, 1, 1]), filterShape: [13, 1879048192, 1, 1879048192],
                outputGradient: try Tensor<Float>(zeros: [1, 1, 1, 1]), padding: .same)
        }
        expectError(.sizeOverflow, mentioning: "overflows") {
            _ = try depthwiseConv2DOutputShape(
                inputShape: [1, 5, 5, 1], filterShape: [Int.max / 2, 1, 1, 1], padding: .same, dilations: 4)
        }
        expectError(.sizeOverflow, mentioning: "overflows") {
            _ = try depthwiseConv2DOutputShape(
                inputShape: [1, 5, 5, 1], filterShape: [1, 1, 1, 1], padding: .explicit(top: .max, bottom: 1, left: 0, right: 0))
        }
        // A 1x1 output whose taps reach rows 3e18 positions into the padding: their offsets
        // cannot be addressed (found by the convolution fuzzer as an overflow trap in a kernel).
        expectError(.sizeOverflow, mentioning: "padded input") {
            _ = try depthwiseConv2DOutputShape(
                inputShape: [1, 4, 4, 2], filterShape: [2, 2, 2, 1], strides: HeightWidth(Int.max / 3),
                padding: .explicit(top: Int.max / 3, bottom: 0, left: 0, right: 0), dilations: HeightWidth(height: Int.max / 3, width: 1))
        }
        expectError(.sizeOverflow, mentioning: "overflows") { _ = try Tensor<Float>(zeros: [1 << 40, 1 << 40]) }
        // Representable, but more than any machine's memory: refused before allocating.
        expectError(.sizeOverflow, mentioning: "memory") {
            // A huge stride leaves a 1x1 output gradient for an 8 TiB input gradient.
            _ = try depthwiseConv2DBackpropInput(
                inputShape: [1, 1 << 20, 1 << 20, 2], filter: filter, outputGradient: try Tensor<Float>(zeros: [1, 1, 1, 2]),
                strides: HeightWidth(1 << 20), padding: .same)
        }
    }

    @Test func threadCount() {
        for threads in [0, -1, 1_000_000] {
            expectError(.invalidArgument, mentioning: "\(threads)") {
                _ = try depthwiseConv2D(input, filter: filter, padding: .same, execution: ExecutionOptions(threadCount: threads))
            }
        }
    }

    /// Kernels the CPU lacks are refused, not run; the automatic choice is always available.
    @Test(arguments: ExecutionOptions.Kernels.allCases)
    func kernelsTheCPULacks(_ kernels: ExecutionOptions.Kernels) {
        #expect(ExecutionOptions.Kernels.fastestAvailable.isAvailable)
        let run = { try depthwiseConv2D(self.input, filter: self.filter, padding: .same, execution: ExecutionOptions(kernels: kernels)) }
        if kernels.isAvailable {
            #expect(throws: Never.self) { _ = try run() }
        } else {
            expectError(.invalidArgument, mentioning: kernels.rawValue) { _ = try run() }
        }
    }

    @Test func buffers() throws {
        var output = [Float](repeating: 0, count: 49)
        try input.withUnsafeBufferPointer { input in
            try filter.withUnsafeBufferPointer { filter in
                try output.withUnsafeMutableBufferPointer { output in
                    expectError(.shapeMismatch, mentioning: "49") {
                        try depthwiseConv2D(
                            input: input, inputShape: [1, 5, 5, 2], filter: filter, filterShape: [3, 3, 2, 1], output: output,
                            padding: .same)
                    }
                    expectError(.shapeMismatch, mentioning: "[1, 5, 5, 3]") {
                        try depthwiseConv2D(
                            input: input, inputShape: [1, 5, 5, 3], filter: filter, filterShape: [3, 3, 3, 1], output: output,
                            padding: .same)
                    }
                }
            }
        }
        var shared = [Float](repeating: 1, count: 50)
        try shared.withUnsafeMutableBufferPointer { buffer in
            try filter.withUnsafeBufferPointer { filter in
                expectError(.overlappingBuffers, mentioning: "overlaps the input") {
                    try depthwiseConv2D(
                        input: UnsafeBufferPointer(buffer), inputShape: [1, 5, 5, 2], filter: filter, filterShape: [3, 3, 2, 1],
                        output: buffer, padding: .same)
                }
            }
        }
    }
}
