import Foundation

/// How an operation runs: on how many threads, and with which kernels.
///
/// Results do not depend on the thread count: every kernel splits its work the
/// same way whatever the number of threads, and sums in a fixed order.
public struct ExecutionOptions: Hashable, Sendable {
    /// The kernels an operation may use.
    public enum Kernels: String, Hashable, Sendable, CaseIterable {
        /// The fastest kernels for the running machine.
        case automatic
        /// The portable SIMD kernels (vectorized over channels in NHWC, over width in NCHW).
        case simd
        /// The plain loop over the defining formula, accumulating in `Double`: slow, for checking.
        case reference
    }

    /// The most threads an operation uses; at least 1.
    public var threadCount: Int
    /// The kernels to use.
    public var kernels: Kernels

    /// Options for the given thread count (all active processors by default) and kernels.
    public init(threadCount: Int = ProcessInfo.processInfo.activeProcessorCount, kernels: Kernels = .automatic) {
        self.threadCount = threadCount
        self.kernels = kernels
    }

    /// All active processors, automatic kernels.
    public static var `default`: ExecutionOptions { ExecutionOptions() }

    /// The largest thread count an operation accepts.
    public static let maximumThreadCount = 1024

    func validate() throws {
        guard (1...Self.maximumThreadCount).contains(threadCount) else {
            throw DepthwiseError(
                .invalidArgument,
                "thread count must be between 1 and \(Self.maximumThreadCount), got \(threadCount)")
        }
    }
}
