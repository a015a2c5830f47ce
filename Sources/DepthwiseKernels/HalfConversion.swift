extension InstructionSet {
    /// target[i] = Float(source[i]); compiled per instruction set (one F16C instruction per
    /// eight values where the CPU has it).
    @inlinable @inline(__always)
    public static func widen(_ source: UnsafePointer<Float16>, into target: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { target[i] = Float(source[i]) }
    }

    /// target[i] = the Float16 nearest to source[i], rounding to nearest even.
    @inlinable @inline(__always)
    public static func narrow(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float16>, count: Int) {
        for i in 0..<count { target[i] = Float16(source[i]) }
    }
}
