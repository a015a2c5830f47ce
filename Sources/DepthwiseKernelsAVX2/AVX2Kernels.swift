import DepthwiseKernels

/// The kernels compiled for AVX2 with FMA: this module is built for the Haswell
/// instruction set (AVX2, FMA, F16C, BMI1/2), and runs only where the CPU has it.
package enum AVX2Kernels: CompiledKernels {
    package static func run(_ call: KernelRun) {
        call.run(on: AVX2Instructions.self)
    }

    package static func peakMultiplyAddsPerSecond(isDouble: Bool, threads: Int) -> Double {
        AVX2Instructions.peakMultiplyAddsPerSecond(isDouble: isDouble, threads: threads)
    }

    package static func streamBytesPerSecond(byteCount: Int, threads: Int) -> Double {
        AVX2Instructions.streamBytesPerSecond(byteCount: byteCount, threads: threads)
    }
}
