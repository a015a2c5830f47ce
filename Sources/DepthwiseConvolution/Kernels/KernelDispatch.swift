import DepthwiseKernels

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
        let precision: KernelPrecision =
            switch S.scalarType {
            case .float32: .float32
            case .float64: .float64
            case .float16: .float16
            case .bfloat16: .bfloat16
            }
        let call = KernelRun(
            operation: kernelOperation, layout: g.dataFormat == .nhwc ? .nhwc : .nchw, geometry: g.kernelGeometry,
            precision: precision, a: UnsafeRawPointer(a.baseAddress!), b: UnsafeRawPointer(b.baseAddress!),
            result: UnsafeMutableRawPointer(result.baseAddress!), threadCount: execution.threadCount)
        execution.kernels.compiled.run(call)
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

    private var kernelOperation: KernelOperation {
        switch self {
        case .forward: .forward
        case .backpropInput: .backpropInput
        case .backpropFilter: .backpropFilter
        }
    }
}
