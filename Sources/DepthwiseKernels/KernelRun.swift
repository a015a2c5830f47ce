/// One of the three computations, with its two operands and its result named by role.
public enum KernelOperation: Sendable {
    /// operands (input, filter), result output
    case forward
    /// operands (outputGradient, filter), result inputGradient
    case backpropInput
    /// operands (input, outputGradient), result filterGradient
    case backpropFilter
}

/// The order of a tensor's dimensions, as the kernels see it.
public enum KernelLayout: Sendable {
    case nhwc, nchw
}

/// A call to the SIMD kernels: what to compute, on which geometry and buffers.
///
/// Buffers hold exactly the geometry's element counts of `precision`'s elements; every
/// result element is written and nothing outside them is touched.
public struct KernelRun {
    public var operation: KernelOperation
    public var layout: KernelLayout
    public var geometry: KernelGeometry
    public var precision: KernelPrecision
    public var a: UnsafeRawPointer
    public var b: UnsafeRawPointer
    public var result: UnsafeMutableRawPointer
    public var threadCount: Int

    @inlinable
    public init(
        operation: KernelOperation, layout: KernelLayout, geometry: KernelGeometry, precision: KernelPrecision,
        a: UnsafeRawPointer, b: UnsafeRawPointer, result: UnsafeMutableRawPointer, threadCount: Int
    ) {
        (self.operation, self.layout, self.geometry, self.precision) = (operation, layout, geometry, precision)
        (self.a, self.b, self.result, self.threadCount) = (a, b, result, threadCount)
    }

    /// Runs the call on `I`'s kernels. Called with a concrete `I` from the module built for that
    /// instruction set, which compiles the kernels for it.
    @inlinable
    public func run<I: InstructionSet>(on _: I.Type) {
        switch precision {
        case .float32: run(I.Float32.self)
        case .float64: run(I.Float64.self)
        case .float16: HalfPrecisionKernels<I.Float32, Float16Format>.run(self)
        case .bfloat16: HalfPrecisionKernels<I.Float32, BFloat16Format>.run(self)
        }
    }

    /// Runs the call on buffers of `F.Scalar`, in blocks of channels where they serve better.
    @inlinable
    func run<F: VectorFamily>(_: F.Type) {
        if ChannelBlocks<F>.serve(self) { ChannelBlocks<F>.run(self) } else { runWhole(F.self) }
    }

    /// Runs the call on buffers of `F.Scalar`, on the whole tensors.
    @inlinable
    func runWhole<F: VectorFamily>(_: F.Type) {
        let (a, b, result) = (
            a.assumingMemoryBound(to: F.Scalar.self), b.assumingMemoryBound(to: F.Scalar.self),
            result.assumingMemoryBound(to: F.Scalar.self)
        )
        let g = geometry
        switch (layout, operation) {
        case (.nchw, .forward):
            NCHWKernels<F>.forward(g, input: a, filter: b, output: result, threadCount: threadCount)
        case (.nchw, .backpropInput):
            NCHWKernels<F>.backpropInput(g, outputGradient: a, filter: b, inputGradient: result, threadCount: threadCount)
        case (.nchw, .backpropFilter):
            NCHWKernels<F>.backpropFilter(g, input: a, outputGradient: b, filterGradient: result, threadCount: threadCount)
        case (.nhwc, .backpropInput) where g.strides == (1, 1) && NHWCKernels<F>.storesSummedChannels(g):
            NHWCKernels<F>.backpropInputWithUnitStrides(
                g, outputGradient: a, filter: b, inputGradient: result, threadCount: threadCount)
        case (.nhwc, .backpropInput):
            NHWCKernels<F>.backpropInput(g, outputGradient: a, filter: b, inputGradient: result, threadCount: threadCount)
        case (.nhwc, .forward) where g.multiplier > 1:
            NHWCKernels<F>.forwardWithMultiplier(g, input: a, filter: b, output: result, threadCount: threadCount)
        case (.nhwc, .forward):
            NHWCKernels<F>.forward(g, input: a, filter: b, output: result, threadCount: threadCount)
        case (.nhwc, .backpropFilter):
            NHWCKernels<F>.backpropFilter(g, input: a, outputGradient: b, filterGradient: result, threadCount: threadCount)
        }
    }
}
