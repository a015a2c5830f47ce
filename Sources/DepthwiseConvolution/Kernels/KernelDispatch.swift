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
        let (rawA, rawB, rawResult) = (
            UnsafeRawPointer(a.baseAddress!), UnsafeRawPointer(b.baseAddress!), UnsafeMutableRawPointer(result.baseAddress!)
        )
        switch S.scalarType {
        case .float32, .float64:
            runSIMD(g, isDouble: S.scalarType == .float64, rawA, rawB, into: rawResult, execution: execution)
        case .float16:
            runWidened(Float16.self, g, rawA, rawB, into: rawResult, counts: (a.count, b.count, result.count), execution: execution)
        case .bfloat16:
            runWidened(BFloat16.self, g, rawA, rawB, into: rawResult, counts: (a.count, b.count, result.count), execution: execution)
        }
    }

    /// Runs a half-precision computation in `Float`: widens the operands, accumulates in `Float`
    /// and rounds each result once. Called with a concrete `H`, so that the conversions are specialized.
    private func runWidened<H: HalfPrecision>(
        _: H.Type, _ g: ConvolutionGeometry, _ a: UnsafeRawPointer, _ b: UnsafeRawPointer,
        into result: UnsafeMutableRawPointer, counts: (a: Int, b: Int, result: Int), execution: ExecutionOptions
    ) {
        let (a, b) = (
            UnsafeBufferPointer(start: a.assumingMemoryBound(to: H.self), count: counts.a),
            UnsafeBufferPointer(start: b.assumingMemoryBound(to: H.self), count: counts.b)
        )
        let result = UnsafeMutableBufferPointer(start: result.assumingMemoryBound(to: H.self), count: counts.result)
        let wide = UnsafeMutableBufferPointer<Float>.allocate(capacity: counts.a + counts.b + counts.result)
        defer { wide.deallocate() }
        let (wideA, rest) = (UnsafeMutableBufferPointer(rebasing: wide[..<counts.a]), wide[counts.a...])
        let wideB = UnsafeMutableBufferPointer(rebasing: rest.prefix(counts.b))
        let wideResult = UnsafeMutableBufferPointer(rebasing: rest.dropFirst(counts.b))
        let kernels = execution.kernels.compiled
        H.widen(a, into: wideA, kernels: kernels)
        H.widen(b, into: wideB, kernels: kernels)
        runSIMD(
            g, isDouble: false, UnsafeRawPointer(wideA.baseAddress!), UnsafeRawPointer(wideB.baseAddress!),
            into: UnsafeMutableRawPointer(wideResult.baseAddress!), execution: execution)
        H.narrow(UnsafeBufferPointer(wideResult), into: result, kernels: kernels)
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
        execution.kernels.compiled.run(call)
    }

    private var kernelOperation: KernelOperation {
        switch self {
        case .forward: .forward
        case .backpropInput: .backpropInput
        case .backpropFilter: .backpropFilter
        }
    }
}

/// `Float16` and `BFloat16`, which the kernels compute in `Float`.
protocol HalfPrecision {
    /// target[i] = source[i] as a `Float`, exactly.
    static func widen(
        _ source: UnsafeBufferPointer<Self>, into target: UnsafeMutableBufferPointer<Float>, kernels: any CompiledKernels.Type)
    /// target[i] = the value nearest to source[i], rounding to nearest even.
    static func narrow(
        _ source: UnsafeBufferPointer<Float>, into target: UnsafeMutableBufferPointer<Self>, kernels: any CompiledKernels.Type)
}

extension Float16: HalfPrecision {
    // Converted by the kernel path's module: F16C instructions on AVX2 and AVX-512 CPUs.
    static func widen(
        _ source: UnsafeBufferPointer<Self>, into target: UnsafeMutableBufferPointer<Float>, kernels: any CompiledKernels.Type
    ) {
        kernels.widen(source.baseAddress!, into: target.baseAddress!, count: source.count)
    }

    static func narrow(
        _ source: UnsafeBufferPointer<Float>, into target: UnsafeMutableBufferPointer<Self>, kernels: any CompiledKernels.Type
    ) {
        kernels.narrow(source.baseAddress!, into: target.baseAddress!, count: source.count)
    }
}

extension BFloat16: HalfPrecision {
    static func widen(
        _ source: UnsafeBufferPointer<Self>, into target: UnsafeMutableBufferPointer<Float>, kernels: any CompiledKernels.Type
    ) {
        for i in source.indices { target[i] = Float(source[i]) }
    }

    static func narrow(
        _ source: UnsafeBufferPointer<Float>, into target: UnsafeMutableBufferPointer<Self>, kernels: any CompiledKernels.Type
    ) {
        for i in source.indices { target[i] = BFloat16(source[i]) }
    }
}
