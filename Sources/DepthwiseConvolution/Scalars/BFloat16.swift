/// The bfloat16 floating-point format: the upper 16 bits of a `Float`.
///
/// Bit-compatible with TensorFlow's and ml_dtypes' `bfloat16`: 1 sign bit, 8 exponent bits,
/// 7 fraction bits. Converting from `Float` rounds to nearest even; NaN stays NaN.
/// Arithmetic happens in `Float`: convert with `Float(_:)` and back with `init(_:)`.
@frozen
public struct BFloat16: Sendable, Hashable, Comparable, CustomStringConvertible,
    ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral
{
    /// The 16 bits of the value: the upper half of the equivalent `Float`'s bits.
    public var bitPattern: UInt16

    /// Creates a value from its bits.
    @inlinable
    public init(bitPattern: UInt16) {
        self.bitPattern = bitPattern
    }

    /// The nearest bfloat16 to `value`, rounding to nearest even.
    @inlinable
    public init(_ value: Float) {
        let bits = value.bitPattern
        if value.isNaN {
            // Keep the sign, force a quiet NaN so that truncation cannot produce infinity.
            bitPattern = UInt16(truncatingIfNeeded: bits >> 16) | 0x0040
        } else {
            // Round to nearest even: add half an ulp of the result, plus one if the kept part is odd.
            let roundingBias = 0x7FFF + ((bits >> 16) & 1)
            bitPattern = UInt16(truncatingIfNeeded: (bits &+ roundingBias) >> 16)
        }
    }

    /// The nearest bfloat16 to `value`, rounding once to nearest even.
    public init(_ value: Double) {
        // Double -> Float -> BFloat16 could round twice; round the Double directly instead.
        if !value.isFinite || value == 0 {
            self.init(Float(value))
            return
        }
        let float = Float(value)  // rounds to nearest; ties are settled below
        let candidates = [BFloat16(float), BFloat16(float.nextDown), BFloat16(float.nextUp)]
        self = candidates.min { a, b in
            let (da, db) = (abs(Double(Float(a)) - value), abs(Double(Float(b)) - value))
            return da != db ? da < db : (a.bitPattern & 1) < (b.bitPattern & 1)
        }!
    }

    public init(floatLiteral value: Double) { self.init(value) }
    public init(integerLiteral value: Int) { self.init(Double(value)) }

    public static func == (lhs: BFloat16, rhs: BFloat16) -> Bool { Float(lhs) == Float(rhs) }
    public static func < (lhs: BFloat16, rhs: BFloat16) -> Bool { Float(lhs) < Float(rhs) }
    public func hash(into hasher: inout Hasher) { hasher.combine(Float(self)) }

    public var description: String { Float(self).description }
    public var isNaN: Bool { Float(self).isNaN }
}

extension Float {
    /// The value of a bfloat16, exactly.
    @inlinable
    public init(_ value: BFloat16) {
        self.init(bitPattern: UInt32(value.bitPattern) << 16)
    }
}

extension BFloat16: DepthwiseScalar {
    public static var scalarType: ScalarType { .bfloat16 }
    public static var zero: BFloat16 { BFloat16(bitPattern: 0) }
    public var doubleValue: Double { Double(Float(self)) }
}
