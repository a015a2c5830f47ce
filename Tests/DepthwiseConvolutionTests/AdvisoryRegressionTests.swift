import DepthwiseConvolution
import Testing

/// One test per TensorFlow advisory or crash report on its depthwise kernels: each input
/// that hurt TensorFlow is rejected with an error here, or computed correctly.
@Suite struct AdvisoryRegressionTests {
    /// TFSA-2022-071: `filter_sizes` 13 x 1879048192 overflowed the filter gradient's size.
    @Test func tfsa2022_071_filterSizesOverflow() {
        for filterShape in [[13, 1_879_048_192, 1, 1], [13, 1_879_048_192, 1, 1_879_048_192], [Int.max, 2, 1, 1]] {
            #expect {
                try depthwiseConv2DBackpropFilter(
                    Tensor<Float>(zeros: [1, 1, 1, 1]), filterShape: filterShape, outputGradient: Tensor(zeros: [1, 1, 1, 1]),
                    padding: .valid)
            } throws: { error in
                [.sizeOverflow, .negativeOutputSize, .shapeMismatch].contains((error as? DepthwiseError)?.code)
            }
        }
    }

    /// CVE-2021-29602: a division by zero on an empty channel dimension. A filter without
    /// channels is rejected, in every operation, before any arithmetic on its sizes.
    @Test func cve2021_29602_emptyChannels() throws {
        let input = try Tensor<Float>(zeros: [1, 4, 4, 0])
        let filter = try Tensor<Float>(zeros: [3, 3, 0, 2])
        let calls: [() throws -> Tensor<Float>] = [
            { try depthwiseConv2D(input, filter: filter, padding: .same) },
            { try depthwiseConv2DBackpropInput(inputShape: input.shape, filter: filter, outputGradient: input, padding: .same) },
            { try depthwiseConv2DBackpropFilter(input, filterShape: filter.shape, outputGradient: input, padding: .same) },
        ]
        for call in calls {
            #expect {
                try call()
            } throws: { error in
                let error = error as? DepthwiseError
                return error?.code == .invalidShape && error?.message.contains("[3, 3, 0, 2]") == true
            }
        }
    }

    /// tensorflow#104881: a rank-3 input aborted the process through a CHECK failure.
    @Test func tensorflow104881_rank3Input() {
        #expect {
            try depthwiseConv2D(Tensor<Float>(zeros: [4, 4, 3]), filter: Tensor(zeros: [3, 3, 3, 1]), padding: .same)
        } throws: { ($0 as? DepthwiseError)?.code == .invalidRank }
    }

    /// tensorflow#118352: strides of the wrong length aborted the process.
    @Test func tensorflow118352_stridesOfTheWrongLength() {
        for strides in [[1, 1, 1], [1, 2, 2, 1, 1], []] {
            #expect {
                try HeightWidth(tensorFlowStrides: strides, dataFormat: .nhwc)
            } throws: { ($0 as? DepthwiseError)?.code == .invalidStride }
        }
    }

    /// PR tensorflow#126484: the filter gradient of an empty output gradient returned uninitialized
    /// memory. Here it is zero, also in a caller's buffer that held other values.
    @Test func pr126484_emptyOutputGradientGivesZeros() throws {
        let input = try Tensor<Float>(zeros: [0, 5, 5, 2])
        var filterGradient = [Float](repeating: .nan, count: 3 * 3 * 2)
        try input.withUnsafeBufferPointer { inputBuffer in
            try filterGradient.withUnsafeMutableBufferPointer { gradient in
                try depthwiseConv2DBackpropFilter(
                    input: inputBuffer, inputShape: input.shape, filterShape: [3, 3, 2, 1],
                    outputGradient: UnsafeBufferPointer(start: nil, count: 0), outputGradientShape: [0, 5, 5, 2],
                    filterGradient: gradient, padding: .same)
            }
        }
        #expect(filterGradient == Array(repeating: 0, count: 18))
    }
}
