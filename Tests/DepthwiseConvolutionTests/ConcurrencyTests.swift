import DepthwiseConvolution
import Dispatch
import Testing

/// Many threads calling the operations at once, with a shared filter and their own outputs,
/// get exactly the results of serial calls.
@Suite struct ConcurrencyTests {
    @Test(arguments: [DataFormat.nhwc, .nchw])
    func concurrentCallsMatchSerialCalls(_ format: DataFormat) throws {
        let filter = try Tensor<Float>(shape: [3, 3, 5, 2], scalars: (0..<90).map { Float($0 % 13) - 6 })
        let inputs = try (0..<16).map { seed in
            try Tensor<Float>(
                shape: format.shape(batch: 2, height: 11, width: 9, channels: 5),
                scalars: (0..<990).map { Float(($0 * 7 + seed * 3) % 17) - 8 })
        }
        @Sendable func compute(_ input: Tensor<Float>) throws -> [Tensor<Float>] {
            let output = try depthwiseConv2D(input, filter: filter, strides: 2, padding: .same, dataFormat: format)
            return [
                output,
                try depthwiseConv2DBackpropInput(
                    inputShape: input.shape, filter: filter, outputGradient: output, strides: 2, padding: .same, dataFormat: format),
                try depthwiseConv2DBackpropFilter(
                    input, filterShape: filter.shape, outputGradient: output, strides: 2, padding: .same, dataFormat: format),
            ]
        }
        let serial = try inputs.map(compute)
        let concurrent = inputs.indices.map { _ in Results() }
        DispatchQueue.concurrentPerform(iterations: inputs.count * 4) { index in
            concurrent[index % inputs.count].record(Result { try compute(inputs[index % inputs.count]) })
        }
        for (expected, results) in zip(serial, concurrent) {
            let all = results.all
            #expect(all.count == 4)
            for result in all { #expect(try result.get() == expected) }
        }
    }
}

/// Results recorded from several threads.
private final class Results: @unchecked Sendable {
    private let lock = DispatchQueue(label: "results")
    private var results: [Result<[Tensor<Float>], any Error>] = []

    func record(_ result: Result<[Tensor<Float>], any Error>) {
        lock.sync { results.append(result) }
    }

    var all: [Result<[Tensor<Float>], any Error>] {
        lock.sync { results }
    }
}
