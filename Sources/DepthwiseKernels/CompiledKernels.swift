/// The entry points of the kernels compiled for one instruction set.
///
/// Each conforming type lives in the module built for its instruction set and instantiates
/// the generic kernels there, so that its functions run only where the CPU has that set.
public protocol CompiledKernels {
    static func run(_ call: KernelRun)
    /// target[i] = Float(source[i]).
    static func widen(_ source: UnsafePointer<Float16>, into target: UnsafeMutablePointer<Float>, count: Int)
    /// target[i] = the Float16 nearest to source[i], rounding to nearest even.
    static func narrow(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float16>, count: Int)
    /// See ``InstructionSet/peakMultiplyAddsPerSecond(isDouble:threads:)``.
    static func peakMultiplyAddsPerSecond(isDouble: Bool, threads: Int) -> Double
    /// See ``InstructionSet/streamBytesPerSecond(byteCount:threads:)``.
    static func streamBytesPerSecond(byteCount: Int, threads: Int) -> Double
}
