/// A 16-bit floating-point format that the kernels compute in `Float`: they widen each
/// value exactly, accumulate in `Float` and round each result once.
///
/// Values travel as their bits (`UInt16`), so that the kernels need no 16-bit scalar type.
/// Conforming types convert one value; the loops that call them vectorize (F16C instructions
/// for `Float16` where the instruction-set module has them, integer shifts for bfloat16).
public protocol HalfFormat: MemoryFormat where Stored == UInt16 {
    /// The value of `bits`, exactly.
    static func widen(_ bits: UInt16) -> Float
    /// The bits of the value nearest to `value`, rounding to nearest even.
    static func narrow(_ value: Float) -> UInt16
    /// Whether a register of `Float` values narrows in one instruction (F16C's VCVTPS2PH for
    /// `Float16`), so that the kernels round their results as they store them. Otherwise they
    /// compute a row in `Float` and round it in a loop, which the compiler vectorizes where it
    /// does not vectorize the rounding of one register (bfloat16's).
    static var narrowsRegisters: Bool { get }
}

extension HalfFormat {
    @inlinable @inline(__always)
    public static func load<V: KernelVector>(_: V.Type, _ pointer: UnsafePointer<UInt16>) -> V {
        V(widening: pointer, Self.self)
    }

    @inlinable @inline(__always)
    public static func store<V: KernelVector>(_ vector: V, to pointer: UnsafeMutablePointer<UInt16>) {
        vector.store(narrowingTo: pointer, Self.self)
    }
}

/// IEEE 754 binary16 (`Float16`).
public enum Float16Format: HalfFormat {
    @inlinable @inline(__always)
    public static func widen(_ bits: UInt16) -> Float { Float(Float16(bitPattern: bits)) }

    @inlinable @inline(__always)
    public static func narrow(_ value: Float) -> UInt16 { Float16(value).bitPattern }

    @inlinable public static var narrowsRegisters: Bool { true }
}

/// bfloat16: the upper 16 bits of a `Float`.
public enum BFloat16Format: HalfFormat {
    @inlinable @inline(__always)
    public static func widen(_ bits: UInt16) -> Float { Float(bitPattern: UInt32(bits) << 16) }

    @inlinable @inline(__always)
    public static func narrow(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        // NaN keeps its sign and becomes quiet, so that dropping the low bits cannot make it
        // infinite. Otherwise round to nearest even: add half an ulp of the result, plus one
        // if the kept part is odd.
        let rounded = value.isNaN ? (bits >> 16) | 0x0040 : (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) >> 16
        return UInt16(truncatingIfNeeded: rounded)
    }

    @inlinable public static var narrowsRegisters: Bool { false }
}

/// The element type of a kernel call's buffers.
public enum KernelPrecision: Sendable {
    case float32, float64
    /// `Float16` values, computed in `Float`.
    case float16
    /// bfloat16 values, computed in `Float`.
    case bfloat16
}
