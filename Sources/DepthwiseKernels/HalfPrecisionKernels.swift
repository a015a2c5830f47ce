import CacheHints

/// The kernels on buffers of 16-bit values (`H`'s bits), computed in `Float` with `F`'s vectors.
///
/// The NHWC kernels read 16-bit operands themselves, widening each vector as they load it
/// (`H` as a ``MemoryFormat``), and round each register of results as they store it. Only with
/// a multiplier above 1 do the forward pass and the filter gradient first widen a band of rows
/// at a time into working memory, expanding the input's channels; the filter gradient of small
/// images widens each image's input into a padded copy, one register of channels at a time.
/// On NCHW planes too large for ``ChannelBlocks``, every computation widens each plane as it
/// copies it (into its stride phases, or the flat output gradient) and rounds each result row,
/// or the filter's sums, from the `Float` sums (the input gradient of a multiplier above 1 sums
/// each plane over the multiplier in working memory first); ``ChannelBlocks`` widen their
/// operands as they transpose them in and round their results as they transpose them out.
/// Forward passes and input gradients with an infinite or NaN weight widen groups of channels,
/// run the `Float` kernels on each and round its result.
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
            withWidenedFilter(g, b, turned: true) { turned in
                forward(g.inputGradientAsForward, input: a, filter: turned, output: result, threadCount: call.threadCount)
            }
        case (.nhwc, .backpropInput):
            withWidenedFilter(g, b) { filter in
                NHWCKernels<F>.backpropInput(
                    H.self, H.self, g, outputGradient: a, filter: filter, inputGradient: result, threadCount: call.threadCount)
            }
        case (.nhwc, .backpropFilter):
            backpropFilter(g, input: a, outputGradient: b, filterGradient: result, threadCount: call.threadCount)
        case (.nchw, _) where ChannelBlocks<F>.serve(call):
            ChannelBlocks<F>.run(call, H.self)
        case (.nchw, .backpropFilter):
            backpropFilterNCHW(g, input: a, outputGradient: b, filterGradient: result, threadCount: call.threadCount)
        case (.nchw, _):
            // Large planes are read and written in place where the flat layouts serve; others go by groups.
            if !runNCHWByPlanes(call, a, b, result) { runNCHW(call, a, b, result) }
        }
    }

    /// The NCHW forward pass or input gradient plane by plane, in the 16-bit tensors themselves
    /// (``NCHWKernels/forwardInFormats(_:storing:_:input:filter:output:threadCount:)`` and
    /// ``NCHWKernels/backpropInputInFormats(_:storing:_:outputGradient:filter:inputGradient:threadCount:)``);
    /// returns false, computing nothing, where they do not serve.
    @inlinable
    static func runNCHWByPlanes(
        _ call: KernelRun, _ a: UnsafePointer<UInt16>, _ b: UnsafePointer<UInt16>, _ result: UnsafeMutablePointer<UInt16>
    ) -> Bool {
        let (g, threads) = (call.geometry, call.threadCount)
        var done = false
        withWidenedFilter(g, b) { filter in
            done =
                call.operation == .forward
                ? NCHWKernels<F>.forwardInFormats(
                    H.self, storing: H.self, g, input: a, filter: filter, output: result, threadCount: threads)
                : NCHWKernels<F>.backpropInputInFormats(
                    H.self, storing: H.self, g, outputGradient: a, filter: filter, inputGradient: result, threadCount: threads)
        }
        return done
    }

    /// Calls `body` with the filter widened to `Float` in the thread's working memory; where
    /// `turned`, with its taps in reverse order (wide[tap] = filter[KH*KW - 1 - tap]), the filter
    /// of the unit-stride input gradient.
    @inlinable
    static func withWidenedFilter(
        _ g: KernelGeometry, _ filter: UnsafePointer<UInt16>, turned: Bool = false, _ body: (UnsafePointer<Float>) -> Void
    ) {
        let (taps, k) = (g.filterHeight * g.filterWidth, g.outputChannels)
        Workspace.withMemory(byteCount: taps * k * MemoryLayout<Float>.stride) { memory in
            let wide = memory.bindMemory(to: Float.self, capacity: taps * k)
            if turned {
                for tap in 0..<taps { widen(filter + (taps - 1 - tap) * k, into: wide + tap * k, count: k) }
            } else {
                widen(filter, into: wide, count: taps * k)
            }
            body(wide)
        }
    }

    /// target[i] = H.widen(source[i]) for i in 0..<count.
    ///
    /// In chunks of eight cache lines of the source, first asking for the lines
    /// `prefetchDistance` elements ahead: the widening streams its source, and on large tensors
    /// it would otherwise wait on memory for most lines.
    @inlinable
    static func widen(_ source: UnsafePointer<UInt16>, into target: UnsafeMutablePointer<Float>, count: Int) {
        let (line, chunk) = (32, 256)  // UInt16 values in 64 bytes, in eight lines
        var i = 0
        while i + chunk <= count {
            for ahead in stride(from: i + prefetchDistance, to: i + prefetchDistance + chunk, by: line) {
                depthwise_prefetch(source + min(ahead, count - 1))
            }
            for j in i..<(i + chunk) { target[j] = H.widen(source[j]) }
            i += chunk
        }
        for j in i..<count { target[j] = H.widen(source[j]) }
    }

    /// How far ahead ``widen(_:into:count:)`` asks for its source: 8 KiB.
    @inlinable static var prefetchDistance: Int { 4096 }

    /// target[i] = H.narrow(source[i]) for i in 0..<count, a register at a time.
    @inlinable
    static func narrow(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<UInt16>, count: Int) {
        let step = F.Register.laneCount
        var i = 0
        while i + step <= count {
            H.store(F.Register(loading: source + i), to: target + i)
            i += step
        }
        for j in i..<count { target[j] = H.narrow(source[j]) }
    }
}
