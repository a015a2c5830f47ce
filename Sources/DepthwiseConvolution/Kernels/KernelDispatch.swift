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
        case .float32:
            runSIMD(Float.self, g, rawA, rawB, into: rawResult, threadCount: execution.threadCount)
        case .float64:
            runSIMD(Double.self, g, rawA, rawB, into: rawResult, threadCount: execution.threadCount)
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

    /// Runs the SIMD kernels on buffers holding `T`s.
    ///
    /// Generic over `T` alone and called with a concrete `T`, so that the kernels are
    /// specialized even when the caller's scalar type is not (callers in other modules).
    private func runSIMD<T: KernelScalar>(
        _: T.Type, _ g: ConvolutionGeometry, _ a: UnsafeRawPointer, _ b: UnsafeRawPointer,
        into result: UnsafeMutableRawPointer, threadCount: Int
    ) {
        let (a, b, result) = (a.assumingMemoryBound(to: T.self), b.assumingMemoryBound(to: T.self), result.assumingMemoryBound(to: T.self))
        switch g.dataFormat {
        case .nhwc: runNHWC(g, a, b, into: result, threadCount: threadCount)
        case .nchw: runNCHW(g, a, b, into: result, threadCount: threadCount)
        }
    }

    private func runNCHW<T: KernelScalar>(
        _ g: ConvolutionGeometry, _ a: UnsafePointer<T>, _ b: UnsafePointer<T>,
        into result: UnsafeMutablePointer<T>, threadCount: Int
    ) {
        typealias Kernels = NCHWKernels<T>
        switch self {
        case .forward: Kernels.forward(g, input: a, filter: b, output: result, threadCount: threadCount)
        case .backpropInput: Kernels.backpropInput(g, outputGradient: a, filter: b, inputGradient: result, threadCount: threadCount)
        case .backpropFilter: Kernels.backpropFilter(g, input: a, outputGradient: b, filterGradient: result, threadCount: threadCount)
        }
    }

    private func runNHWC<T: KernelScalar>(
        _ g: ConvolutionGeometry, _ a: UnsafePointer<T>, _ b: UnsafePointer<T>,
        into result: UnsafeMutablePointer<T>, threadCount: Int
    ) {
        typealias Kernels = NHWCKernels<T>
        switch self {
        case .backpropInput:
            Kernels.backpropInput(g, outputGradient: a, filter: b, inputGradient: result, threadCount: threadCount)
        case .forward, .backpropFilter:
            // The kernels see channels * multiplier channels; with M > 1 the input is expanded first.
            withExpandedInput(g, a, threadCount: threadCount) { input in
                if self == .forward {
                    Kernels.forward(g, input: input, filter: b, output: result, threadCount: threadCount)
                } else {
                    Kernels.backpropFilter(g, input: input, outputGradient: b, filterGradient: result, threadCount: threadCount)
                }
            }
        }
    }

    private func withExpandedInput<T: KernelScalar>(
        _ g: ConvolutionGeometry, _ input: UnsafePointer<T>, threadCount: Int, _ body: (UnsafePointer<T>) -> Void
    ) {
        guard g.multiplier > 1 else { return body(input) }
        let count = g.batch * g.inputHeight * g.inputWidth * g.outputChannels
        let expanded = UnsafeMutablePointer<T>.allocate(capacity: count)
        defer { expanded.deallocate() }
        NHWCKernels<T>.expand(g, input: input, into: expanded, threadCount: threadCount)
        body(expanded)
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
