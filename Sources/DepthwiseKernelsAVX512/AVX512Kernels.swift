import DepthwiseKernels

/// The kernels compiled for AVX-512: this module is built for the Skylake-SP instruction
/// set (AVX-512 F, CD, BW, DQ and VL on top of Haswell's), and runs only where the CPU has it.
package enum AVX512Kernels: CompiledKernels {
    package static func run(_ call: KernelRun) {
        call.run(on: AVX512Instructions.self)
    }

    package static func peakMultiplyAddsPerSecond(isDouble: Bool, threads: Int) -> Double {
        AVX512Instructions.peakMultiplyAddsPerSecond(isDouble: isDouble, threads: threads)
    }

    package static func streamBytesPerSecond(byteCount: Int, threads: Int) -> Double {
        AVX512Instructions.streamBytesPerSecond(byteCount: byteCount, threads: threads)
    }
}
