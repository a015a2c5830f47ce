import DepthwiseConvolution
import DepthwiseKernels
import Testing

/// Bit-compatibility with TensorFlow's bfloat16: the upper 16 bits of a Float, rounded to nearest even.
@Suite struct BFloat16Tests {
    @Test func exactValuesKeepTheirBits() {
        #expect(BFloat16(Float(1)).bitPattern == 0x3F80)
        #expect(BFloat16(Float(-2)).bitPattern == 0xC000)
        #expect(Float(BFloat16(bitPattern: 0x4049)) == 3.140625)
        #expect(BFloat16(Float.infinity).bitPattern == 0x7F80)
    }

    @Test func roundsToNearestEven() {
        // 1 + 2^-8 lies halfway between 1 (even) and 1 + 2^-7: rounds down to 1.
        #expect(BFloat16(Float(1 + 0x1p-8)).bitPattern == 0x3F80)
        // 1 + 3 * 2^-8 lies halfway between 1 + 2^-7 (odd) and 1 + 2^-6: rounds up.
        #expect(BFloat16(Float(1 + 3 * 0x1p-8)).bitPattern == 0x3F82)
        // Just above halfway rounds up.
        #expect(BFloat16(Float(1 + 0x1p-8 + 0x1p-20)).bitPattern == 0x3F81)
        // The largest finite Float rounds to infinity, as in TensorFlow.
        #expect(BFloat16(Float.greatestFiniteMagnitude).bitPattern == 0x7F80)
    }

    @Test func doubleRoundsOnce() {
        // Slightly above the halfway point 1 + 2^-8: a Double -> Float -> BFloat16 chain would
        // round to the halfway Float, then to even (down); rounding once goes up.
        #expect(BFloat16(1 + 0x1p-8 + 0x1p-40 as Double).bitPattern == 0x3F81)
        #expect(BFloat16(1 + 0x1p-8 as Double).bitPattern == 0x3F80)
        #expect(BFloat16(1e300 as Double).bitPattern == 0x7F80)
    }

    @Test func nanStaysNaN() {
        let nan = BFloat16(Float(bitPattern: 0x7F80_0001))  // a signalling NaN whose payload is in the low bits
        #expect(nan.isNaN)
        #expect(Float(nan).isNaN)
    }

    /// The kernels round whole vectors as they store them; every lane gets the bits of the
    /// scalar rounding, for ties either way, NaNs whose low bits would carry into the exponent,
    /// infinities, the largest Float and subnormals.
    @Test func vectorRoundingMatchesScalarRounding() {
        let patterns: [UInt32] = [
            0x3F80_8000, 0x3F81_8000, 0x3F80_8001, 0x3F80_7FFF, 0xBF81_8000, 0x7F7F_FFFF, 0xFF7F_8000,
            0x7F80_0000, 0xFF80_0000, 0x7F80_0001, 0x7FFF_FFFF, 0xFFFF_FFFF, 0x7FC0_0000, 0x0000_8000,
            0x0001_8000, 0x8000_0000, 0x0000_0000, 0x0080_0000, 0x007F_FFFF, 0x4049_0FDB,
        ]
        let values = patterns.map(Float.init(bitPattern:))
        for start in values.indices {
            let lanes = (0..<16).map { values[(start + $0) % values.count] }
            let expected = lanes.map(BFloat16Format.narrow)
            #expect(stored(SIMD16(lanes)) == expected)
            #expect(stored(SIMD8(lanes[..<8])) == Array(expected[..<8]))
            #expect(stored(SIMD4(lanes[..<4])) == Array(expected[..<4]))
        }
        #expect(BFloat16Format.narrow(Float(bitPattern: 0x7FFF_FFFF)) == 0x7FFF)
        #expect(BFloat16Format.narrow(Float(bitPattern: 0x3F81_8000)) == 0x3F82)
    }

    private func stored<V: SIMD>(_ values: V) -> [UInt16] where V.Scalar == Float {
        var bits = [UInt16](repeating: 0, count: values.scalarCount)
        bits.withUnsafeMutableBufferPointer { BFloat16Format.store(narrowing: values, to: $0.baseAddress!) }
        return bits
    }
}
