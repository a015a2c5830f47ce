import DepthwiseKernels
import DepthwiseKernelsAVX2
import DepthwiseKernelsAVX512

/// The portable kernels, compiled here for the package's baseline target.
enum PortableKernels: CompiledKernels {
    static func run(_ call: KernelRun) {
        call.run(on: PortableInstructions.self)
    }

    static func peakMultiplyAddsPerSecond(isDouble: Bool, threads: Int) -> Double {
        PortableInstructions.peakMultiplyAddsPerSecond(isDouble: isDouble, threads: threads)
    }

    static func streamBytesPerSecond(byteCount: Int, threads: Int) -> Double {
        PortableInstructions.streamBytesPerSecond(byteCount: byteCount, threads: threads)
    }
}

extension ExecutionOptions.Kernels {
    /// The compiled kernels these options run: `.automatic` resolved for the running CPU, the
    /// portable ones for `.simd` (and `.reference`, which the callers handle before).
    var compiled: any CompiledKernels.Type {
        switch resolved {
        case .avx512: AVX512Kernels.self
        case .avx2: AVX2Kernels.self
        case .simd, .automatic, .reference: PortableKernels.self
        }
    }
}
