/// A 16-bit floating-point format that the kernels compute in `Float`: they widen each
/// value exactly, accumulate in `Float` and round each result once.
///
/// Values travel as their bits (`UInt16`), so that the kernels need no 16-bit scalar type.
/// Conforming types convert one value, and round a whole vector as the kernels store it: one
/// F16C instruction per register for `Float16` where the instruction-set module has them, a
/// few integer instructions for bfloat16.
public protocol HalfFormat: MemoryFormat where Stored == UInt16 {
    /// The value of `bits`, exactly.
    static func widen(_ bits: UInt16) -> Float
    /// The bits of the value nearest to `value`, rounding to nearest even.
    static func narrow(_ value: Float) -> UInt16
    /// pointer[lane] = narrow(values[lane]) for every lane.
    static func store<V: SIMD>(narrowing values: V, to pointer: UnsafeMutablePointer<UInt16>) where V.Scalar: BinaryFloatingPoint
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

    /// Lane by lane, which the compiler turns into vector instructions where the conversion of
    /// one value is a single instruction (F16C's VCVTPS2PH).
    @inlinable @inline(__always)
    public static func store<V: SIMD>(narrowing values: V, to pointer: UnsafeMutablePointer<UInt16>)
    where V.Scalar: BinaryFloatingPoint {
        for lane in values.indices { pointer[lane] = narrow(Float(values[lane])) }
    }
}

/// IEEE 754 binary16 (`Float16`).
public enum Float16Format: HalfFormat {
    @inlinable @inline(__always)
    public static func widen(_ bits: UInt16) -> Float { Float(Float16(bitPattern: bits)) }

    @inlinable @inline(__always)
    public static func narrow(_ value: Float) -> UInt16 { Float16(value).bitPattern }
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

    /// `narrow` on the whole vector for the register widths of the kernels, whose concrete
    /// SIMD types have vector instructions for these operations (a generic `SIMD`'s integer
    /// operators go lane by lane, and the compiler does not vectorize `narrow`'s select).
    @inlinable @inline(__always)
    public static func store<V: SIMD>(narrowing values: V, to pointer: UnsafeMutablePointer<UInt16>)
    where V.Scalar: BinaryFloatingPoint {
        if V.self == SIMD16<Float>.self {
            let bits = roundedBits(unsafeBitCast(values, to: SIMD16<Float>.self))
            for lane in bits.indices { pointer[lane] = UInt16(truncatingIfNeeded: bits[lane]) }
        } else if V.self == SIMD8<Float>.self {
            let bits = roundedBits(unsafeBitCast(values, to: SIMD8<Float>.self))
            for lane in bits.indices { pointer[lane] = UInt16(truncatingIfNeeded: bits[lane]) }
        } else if V.self == SIMD4<Float>.self {
            // As the low half of an eight-lane vector: lane by lane, the tails of rows took
            // most of the time of NCHW planes rounded as they are stored.
            let bits = roundedBits(SIMD8(lowHalf: unsafeBitCast(values, to: SIMD4<Float>.self), highHalf: .zero))
            for lane in 0..<4 { pointer[lane] = UInt16(truncatingIfNeeded: bits[lane]) }
        } else {
            for lane in values.indices { pointer[lane] = narrow(Float(values[lane])) }
        }
    }

    /// `narrow` of each lane, in the low 16 bits of its lane.
    @inlinable @inline(__always)
    static func roundedBits(_ values: SIMD16<Float>) -> SIMD16<UInt32> {
        let bits = unsafeBitCast(values, to: SIMD16<UInt32>.self)
        let rounded = (bits &+ 0x7FFF &+ ((bits &>> 16) & 1)) &>> 16
        return rounded.replacing(with: (bits &>> 16) | 0x0040, where: values .!= values)
    }

    /// `narrow` of each lane, in the low 16 bits of its lane.
    @inlinable @inline(__always)
    static func roundedBits(_ values: SIMD8<Float>) -> SIMD8<UInt32> {
        let bits = unsafeBitCast(values, to: SIMD8<UInt32>.self)
        let rounded = (bits &+ 0x7FFF &+ ((bits &>> 16) & 1)) &>> 16
        return rounded.replacing(with: (bits &>> 16) | 0x0040, where: values .!= values)
    }
}

/// The element type of a kernel call's buffers.
public enum KernelPrecision: Sendable {
    case float32, float64
    /// `Float16` values, computed in `Float`.
    case float16
    /// bfloat16 values, computed in `Float`.
    case bfloat16
}
