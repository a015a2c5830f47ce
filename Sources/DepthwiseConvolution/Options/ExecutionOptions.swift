import Foundation

/// How an operation runs: on how many threads, and with which kernels.
///
/// Results do not depend on the thread count: every kernel splits its work the
/// same way whatever the number of threads, and sums in a fixed order.
public struct ExecutionOptions: Hashable, Sendable {
    /// The kernels an operation may use.
    ///
    /// Every path gives results within TensorFlow's tolerances, and the same bits for any
    /// thread count; different paths may differ in the last bits (fused or separate rounding).
    public enum Kernels: String, Hashable, Sendable, CaseIterable {
        /// The fastest kernels the running CPU can run: ``avx512``, else ``avx2``, else ``simd``.
        case automatic
        /// The portable SIMD kernels (SSE2 on x86-64, NEON on ARM64), vectorized over channels
        /// in NHWC and over width in NCHW. Products and sums are rounded separately, so every
        /// CPU of an architecture gives the same bits.
        case simd
        /// The SIMD kernels compiled for AVX2 with FMA (x86-64 CPUs since 2013), 256-bit vectors.
        case avx2
        /// The SIMD kernels compiled for AVX-512 (F, CD, BW, DQ, VL), 512-bit vectors.
        case avx512
        /// The plain loop over the defining formula, accumulating in `Double`: slow, for checking.
        case reference

        /// Whether the running CPU can run these kernels.
        public var isAvailable: Bool {
            switch self {
            case .automatic, .simd, .reference: true
            case .avx2: CPUFeatures.hasAVX2
            case .avx512: CPUFeatures.hasAVX512
            }
        }

        /// The kernels ``automatic`` runs on this CPU.
        public static var fastestAvailable: Kernels {
            CPUFeatures.hasAVX512 ? .avx512 : CPUFeatures.hasAVX2 ? .avx2 : .simd
        }

        /// The kernels this choice runs on this CPU: ``fastestAvailable`` for ``automatic``, else itself.
        public var resolved: Kernels { self == .automatic ? .fastestAvailable : self }
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
        guard kernels.isAvailable else {
            throw DepthwiseError(.invalidArgument, "the \(kernels) kernels need instructions this CPU does not have")
        }
    }
}
