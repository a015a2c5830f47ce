/// Fuzzer bytes read as small numbers; reading past the end gives zeros.
struct FuzzInput {
    private var bytes: ArraySlice<UInt8>

    init(_ bytes: [UInt8]) {
        self.bytes = bytes[...]
    }

    mutating func byte() -> UInt8 {
        bytes.popFirst() ?? 0
    }

    /// A value in `range`, from one byte.
    mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(byte()) % range.count
    }

    mutating func bool() -> Bool {
        byte() & 1 == 1
    }

    /// A size that is usually small and sometimes huge, to reach the overflow checks.
    mutating func size(upTo limit: Int) -> Int {
        switch byte() {
        case 0xFF: Int.max
        case 0xFE: Int.max / 3
        case 0xFD: 1 << 31
        case 0xFC: -1
        case let value: Int(value) % (limit + 1)
        }
    }
}
