/// The kernels on buffers of 16-bit values (`H`'s bits), computed in `Float` with `F`'s vectors.
///
/// The NHWC forward pass, and the NHWC input gradient with unit strides and multiplier 1,
/// widen the input a band of rows at a time into working memory that stays in cache, and
/// round each row of results as soon as it is computed, as does the strided NHWC input
/// gradient; the NHWC filter gradient widens both operands a band of rows at a time. The
/// NCHW computations widen their operands whole, run the `Float` kernels and round the result.
///
/// Either way each result is the same `Float` sum as the `Float` kernels compute, rounded once.
public enum HalfPrecisionKernels<F: VectorFamily, H: HalfFormat> where F.Scalar == Float {
    @inlinable
    static func run(_ call: KernelRun) {
        let g = call.geometry
        let a = call.a.assumingMemoryBound(to: UInt16.self)
        let b = call.b.assumingMemoryBound(to: UInt16.self)
        let result = call.result.assumingMemoryBound(to: UInt16.self)
        switch (call.layout, call.operation) {
        case (.nhwc, .forward):
            withWidenedFilter(g, b) { filter in
                forward(g, input: a, filter: filter, output: result, threadCount: call.threadCount)
            }
        case (.nhwc, .backpropInput) where g.strides == (1, 1) && g.multiplier == 1:
            // The forward convolution of the output gradient with the turned filter.
            withWidenedFilter(g, b) { filter in
                NHWCKernels<F>.withTurnedFilter(g, filter) { turned in
                    forward(g.inputGradientAsForward, input: a, filter: turned, output: result, threadCount: call.threadCount)
                }
            }
        case (.nhwc, .backpropInput):
            withWidenedFilter(g, b) { filter in
                backpropInput(g, outputGradient: a, filter: filter, inputGradient: result, threadCount: call.threadCount)
            }
        case (.nhwc, .backpropFilter):
            backpropFilter(g, input: a, outputGradient: b, filterGradient: result, threadCount: call.threadCount)
        default:
            runWidened(call, a, b, result)
        }
    }

    /// Calls `body` with the filter widened to `Float`.
    @inlinable
    static func withWidenedFilter(_ g: KernelGeometry, _ filter: UnsafePointer<UInt16>, _ body: (UnsafePointer<Float>) -> Void) {
        let wide = UnsafeMutablePointer<Float>.allocate(capacity: g.filterCount)
        defer { wide.deallocate() }
        widen(filter, into: wide, count: g.filterCount)
        body(wide)
    }

    /// Widens both operands whole, runs the `Float` kernels and rounds the result.
    @inlinable
    static func runWidened(
        _ call: KernelRun, _ a: UnsafePointer<UInt16>, _ b: UnsafePointer<UInt16>, _ result: UnsafeMutablePointer<UInt16>
    ) {
        let g = call.geometry
        let counts =
            switch call.operation {
            case .forward: (a: g.inputCount, b: g.filterCount, result: g.outputCount)
            case .backpropInput: (a: g.outputCount, b: g.filterCount, result: g.inputCount)
            case .backpropFilter: (a: g.inputCount, b: g.outputCount, result: g.filterCount)
            }
        let total = counts.a + counts.b + counts.result
        Workspace.withMemory(byteCount: total * MemoryLayout<Float>.stride) { memory in
            let wideA = memory.bindMemory(to: Float.self, capacity: total)
            let (wideB, wideResult) = (wideA + counts.a, wideA + counts.a + counts.b)
            widen(a, into: wideA, count: counts.a, threadCount: call.threadCount)
            widen(b, into: wideB, count: counts.b, threadCount: call.threadCount)
            var widened = call
            (widened.precision, widened.a, widened.b, widened.result) = (.float32, .init(wideA), .init(wideB), .init(wideResult))
            widened.run(F.self)
            narrow(wideResult, into: result, count: counts.result, threadCount: call.threadCount)
        }
    }

    /// target[i] = H.widen(source[i]) for i in 0..<count, in parallel.
    @inlinable
    static func widen(_ source: UnsafePointer<UInt16>, into target: UnsafeMutablePointer<Float>, count: Int, threadCount: Int) {
        Parallel.forEach(chunkCount(count), threadCount: threadCount, work: count) { chunks in
            let elements = chunkElements(chunks, count)
            widen(source + elements.lowerBound, into: target + elements.lowerBound, count: elements.count)
        }
    }

    /// target[i] = H.narrow(source[i]) for i in 0..<count, in parallel.
    @inlinable
    static func narrow(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<UInt16>, count: Int, threadCount: Int) {
        Parallel.forEach(chunkCount(count), threadCount: threadCount, work: count) { chunks in
            let elements = chunkElements(chunks, count)
            narrow(source + elements.lowerBound, into: target + elements.lowerBound, count: elements.count)
        }
    }

    /// Conversions go to threads in chunks of this many elements.
    @inlinable static var chunkSize: Int { 1 << 14 }

    @inlinable
    static func chunkCount(_ count: Int) -> Int { (count + chunkSize - 1) / chunkSize }

    @inlinable
    static func chunkElements(_ chunks: Range<Int>, _ count: Int) -> Range<Int> {
        (chunks.lowerBound * chunkSize)..<min(count, chunks.upperBound * chunkSize)
    }

    /// target[i] = H.widen(source[i]) for i in 0..<count.
    @inlinable
    static func widen(_ source: UnsafePointer<UInt16>, into target: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { target[i] = H.widen(source[i]) }
    }

    /// target[i] = H.narrow(source[i]) for i in 0..<count.
    @inlinable
    static func narrow(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<UInt16>, count: Int) {
        for i in 0..<count { target[i] = H.narrow(source[i]) }
    }
}
