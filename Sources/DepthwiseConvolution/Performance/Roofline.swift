import DepthwiseKernels

/// The limits of the running machine for one kernel path, measured: the arithmetic peak of
/// its vector registers and the bandwidth of the memory a working set lives in.
///
/// An operation can take no less than `max(flops / peak, bytes / bandwidth)`; the fraction
/// of that bound it reaches tells how much faster it could still be.
///
/// ```swift
/// let limits = try Roofline.measure(scalarType: .float32, workingSetBytes: 3 << 20, execution: .default)
/// let best = limits.minimumSeconds(flops: 7.2e6, bytes: 3.2e6)
/// ```
public struct Roofline: Sendable, Hashable {
    /// Floating-point operations per second, in billions (a multiply-add counts as two).
    public var peakGFLOPS: Double
    /// Bytes read and written per second, in billions.
    public var bandwidthGBps: Double

    public init(peakGFLOPS: Double, bandwidthGBps: Double) {
        self.peakGFLOPS = peakGFLOPS
        self.bandwidthGBps = bandwidthGBps
    }

    /// Measures the peak of the kernels `execution` chooses, on its thread count, for
    /// `scalarType` (the half types compute in `Float`), and the bandwidth of streaming
    /// `workingSetBytes` (half read, half written), which then stay in the cache level that an
    /// operation on that many bytes uses. Each is the best of several runs, which other work on
    /// the machine can only slow down. Takes a few milliseconds.
    public static func measure(scalarType: ScalarType, workingSetBytes: Int, execution: ExecutionOptions) throws -> Roofline {
        Roofline(
            peakGFLOPS: try measurePeakGFLOPS(scalarType: scalarType, execution: execution),
            bandwidthGBps: try measureBandwidthGBps(workingSetBytes: workingSetBytes, execution: execution))
    }

    /// The ``peakGFLOPS`` part of ``measure(scalarType:workingSetBytes:execution:)``.
    public static func measurePeakGFLOPS(scalarType: ScalarType, execution: ExecutionOptions) throws -> Double {
        try execution.validate()
        let multiplyAdds = execution.kernels.compiled.peakMultiplyAddsPerSecond(
            isDouble: scalarType == .float64, threads: execution.threadCount)
        return 2 * multiplyAdds / 1e9
    }

    /// The ``bandwidthGBps`` part of ``measure(scalarType:workingSetBytes:execution:)``.
    public static func measureBandwidthGBps(workingSetBytes: Int, execution: ExecutionOptions) throws -> Double {
        try execution.validate()
        guard workingSetBytes >= 0, workingSetBytes <= Tensor<Float>.maximumByteCount else {
            throw DepthwiseError(
                .invalidArgument, "working set must be between 0 and \(Tensor<Float>.maximumByteCount) bytes, got \(workingSetBytes)")
        }
        return execution.kernels.compiled.streamBytesPerSecond(byteCount: workingSetBytes, threads: execution.threadCount) / 1e9
    }

    /// The least time, in seconds, for `flops` operations on `bytes` bytes of traffic.
    public func minimumSeconds(flops: Double, bytes: Double) -> Double {
        max(flops / (peakGFLOPS * 1e9), bytes / (bandwidthGBps * 1e9))
    }
}
