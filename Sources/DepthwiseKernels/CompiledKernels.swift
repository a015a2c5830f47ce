/// The entry points of the kernels compiled for one instruction set.
///
/// Each conforming type lives in the module built for its instruction set and instantiates
/// the generic kernels there, so that its functions run only where the CPU has that set.
public protocol CompiledKernels {
    static func run(_ call: KernelRun)
    /// See ``InstructionSet/peakMultiplyAddsPerSecond(isDouble:threads:)``.
    static func peakMultiplyAddsPerSecond(isDouble: Bool, threads: Int) -> Double
    /// See ``InstructionSet/streamBytesPerSecond(byteCount:threads:)``.
    static func streamBytesPerSecond(byteCount: Int, threads: Int) -> Double
}
