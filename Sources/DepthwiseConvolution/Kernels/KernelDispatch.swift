import DepthwiseKernels
import DepthwiseKernelsAVX2
import DepthwiseKernelsAVX512

/// One of the three computations, with its two operands and its result named by role.
enum Computation {
    /// operands (input, filter), result output
    case forward
    /// operands (outputGradient, filter), result inputGradient
    case backpropInput
    /// operands (input, outputGradient), result filterGradient
    case backpropFilter
}

extension Computation {
    /// Computes the result from validated geometry and buffers of exactly the geometry's sizes.
    ///
    /// Never throws and never reads or writes outside the buffers; every result element is written.
    func run<S: DepthwiseScalar>(
        _ g: ConvolutionGeometry, _ a: UnsafeBufferPointer<S>, _ b: UnsafeBufferPointer<S>,
        into result: UnsafeMutableBufferPointer<S>, execution: ExecutionOptions
    ) {
        // With no multiply-adds to do (an empty output, or nothing to read), the result is zeros.
        guard g.outputCount > 0, g.inputCount > 0 else {
            result.initialize(repeating: .zero)
            return
        }
        if execution.kernels == .reference {
            runReference(g, a, b, into: result)
            return
        }
        let (rawA, rawB, rawResult) = (
            UnsafeRawPointer(a.baseAddress!), UnsafeRawPointer(b.baseAddress!), UnsafeMutableRawPointer(result.baseAddress!)
        )
        switch S.scalarType {
        case .float32, .float64:
            runSIMD(g, isDouble: S.scalarType == .float64, rawA, rawB, into: rawResult, execution: execution)
        case .float16, .bfloat16:
            // Accumulate in Float, round once.
            let (wideA, wideB) = (a.map(\.floatValue), b.map(\.floatValue))
            var wideResult = [Float](repeating: 0, count: result.count)
            wideA.withUnsafeBufferPointer { wideA in
                wideB.withUnsafeBufferPointer { wideB in
                    wideResult.withUnsafeMutableBufferPointer { wideResult in
                        run(g, wideA, wideB, into: wideResult, execution: execution)
                    }
                }
            }
            for i in result.indices { result[i] = S(narrowing: wideResult[i]) }
        }
    }

    private func runReference<S: DepthwiseScalar>(
        _ g: ConvolutionGeometry, _ a: UnsafeBufferPointer<S>, _ b: UnsafeBufferPointer<S>,
        into result: UnsafeMutableBufferPointer<S>
    ) {
        switch self {
        case .forward: ReferenceKernels.forward(g, input: a, filter: b, output: result)
        case .backpropInput: ReferenceKernels.backpropInput(g, outputGradient: a, filter: b, inputGradient: result)
        case .backpropFilter: ReferenceKernels.backpropFilter(g, input: a, outputGradient: b, filterGradient: result)
        }
    }

    /// Runs the SIMD kernels of `kernels` (not `.reference`) on buffers of `Float`s or `Double`s.
    private func runSIMD(
        _ g: ConvolutionGeometry, isDouble: Bool, _ a: UnsafeRawPointer, _ b: UnsafeRawPointer,
        into result: UnsafeMutableRawPointer, execution: ExecutionOptions
    ) {
        let call = KernelRun(
            operation: kernelOperation, layout: g.dataFormat == .nhwc ? .nhwc : .nchw, geometry: g.kernelGeometry,
            isDouble: isDouble, a: a, b: b, result: result, threadCount: execution.threadCount)
        let kernels = execution.kernels == .automatic ? ExecutionOptions.Kernels.fastestAvailable : execution.kernels
        switch kernels {
        case .avx512: AVX512Kernels.run(call)
        case .avx2: AVX2Kernels.run(call)
        case .simd, .automatic, .reference: call.run(on: PortableInstructions.self)
        }
    }

    private var kernelOperation: KernelOperation {
        switch self {
        case .forward: .forward
        case .backpropInput: .backpropInput
        case .backpropFilter: .backpropFilter
        }
    }
}

extension DepthwiseScalar {
    /// The value as a `Float`: exact for the half types, rounded for `Double`.
    var floatValue: Float {
        switch Self.scalarType {
        case .float16: Float(unsafeBitCast(self, to: Float16.self))
        case .bfloat16: Float(unsafeBitCast(self, to: BFloat16.self))
        case .float32: unsafeBitCast(self, to: Float.self)
        case .float64: Float(doubleValue)
        }
    }

    /// The nearest value to a `Float`, rounding to nearest even.
    init(narrowing value: Float) {
        switch Self.scalarType {
        case .float16: self = unsafeBitCast(Float16(value), to: Self.self)
        case .bfloat16: self = unsafeBitCast(BFloat16(value), to: Self.self)
        case .float32: self = unsafeBitCast(value, to: Self.self)
        case .float64: self.init(Double(value))
        }
    }
}
