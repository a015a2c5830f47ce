import DepthwiseConvolution
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
}
