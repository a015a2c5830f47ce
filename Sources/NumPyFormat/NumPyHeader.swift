import DepthwiseConvolution

/// The dictionary at the start of a `.npy` file, for example
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3, 2, 1), }`.
struct NumPyHeader {
    var scalarType: ScalarType
    var bigEndian: Bool
    var fortranOrder: Bool
    var shape: [Int]

    /// The `descr` strings this reader understands; `<V2` is bfloat16 as ml_dtypes writes it.
    static func scalarType(descr: String) throws -> (ScalarType, bigEndian: Bool) {
        guard let order = descr.first, descr.count >= 2 else {
            throw NumPyFormatError("unsupported dtype '\(descr)'")
        }
        let code = String(descr.dropFirst())
        let bigEndian: Bool
        switch order {
        case "<", "|", "=": bigEndian = false  // '=' is native order; Swift's Linux targets are little-endian
        case ">": bigEndian = true
        default: throw NumPyFormatError("unsupported dtype '\(descr)'")
        }
        switch code {
        case "f2": return (.float16, bigEndian)
        case "f4": return (.float32, bigEndian)
        case "f8": return (.float64, bigEndian)
        case "V2": return (.bfloat16, bigEndian)
        default:
            throw NumPyFormatError(
                "unsupported dtype '\(descr)': expected float16 (<f2), bfloat16 (<V2), float32 (<f4) or float64 (<f8)")
        }
    }

    static func descr(for scalarType: ScalarType) -> String {
        switch scalarType {
        case .float16: "<f2"
        case .bfloat16: "<V2"
        case .float32: "<f4"
        case .float64: "<f8"
        }
    }

    init(parsing bytes: ArraySlice<UInt8>) throws {
        var parser = LiteralParser(bytes)
        let entries = try parser.parseHeaderDictionary()
        guard Set(entries.keys) == ["descr", "fortran_order", "shape"] else {
            throw NumPyFormatError(
                "header must have exactly the keys descr, fortran_order and shape, got \(entries.keys.sorted())")
        }
        guard case .string(let descr) = entries["descr"] else { throw NumPyFormatError("descr must be a string") }
        guard case .bool(let fortranOrder) = entries["fortran_order"] else {
            throw NumPyFormatError("fortran_order must be True or False")
        }
        guard case .tuple(let shape) = entries["shape"] else { throw NumPyFormatError("shape must be a tuple of integers") }
        guard shape.allSatisfy({ $0 >= 0 }) else { throw NumPyFormatError("shape \(shape) has a negative dimension") }
        (scalarType, bigEndian) = try Self.scalarType(descr: descr)
        self.fortranOrder = fortranOrder
        self.shape = shape
    }
}

/// Parses the small subset of Python literals that `.npy` headers use: a dictionary whose
/// keys are strings and whose values are strings, `True`/`False`, or tuples of integers.
struct LiteralParser {
    enum Value: Equatable {
        case string(String)
        case bool(Bool)
        case tuple([Int])
    }

    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = Array(bytes)
    }

    mutating func parseHeaderDictionary() throws -> [String: Value] {
        try expect("{")
        var entries: [String: Value] = [:]
        while try peek() != "}" {
            let key = try parseString()
            try expect(":")
            guard entries.updateValue(try parseValue(), forKey: key) == nil else {
                throw NumPyFormatError("header repeats the key '\(key)'")
            }
            if try peek() == "," { position += 1 } else { break }
        }
        try expect("}")
        skipWhitespace()
        guard position == bytes.count else { throw NumPyFormatError("unexpected text after the header dictionary") }
        return entries
    }

    private mutating func parseValue() throws -> Value {
        switch try peek() {
        case "'", "\"": return .string(try parseString())
        case "(": return .tuple(try parseTuple())
        default:
            if consume("True") { return .bool(true) }
            if consume("False") { return .bool(false) }
            throw NumPyFormatError("unexpected value in header at byte \(position)")
        }
    }

    private mutating func parseString() throws -> String {
        let quote = try peek()
        guard quote == "'" || quote == "\"" else { throw NumPyFormatError("expected a quoted string at byte \(position)") }
        position += 1
        let start = position
        while position < bytes.count, bytes[position] != quote.asciiValue! {
            guard bytes[position] != UInt8(ascii: "\\"), bytes[position] >= 0x20, bytes[position] < 0x7F else {
                throw NumPyFormatError("unsupported character in a header string at byte \(position)")
            }
            position += 1
        }
        guard position < bytes.count else { throw NumPyFormatError("unterminated string in header") }
        position += 1
        return String(decoding: bytes[start..<(position - 1)], as: UTF8.self)
    }

    private mutating func parseTuple() throws -> [Int] {
        try expect("(")
        var values: [Int] = []
        while try peek() != ")" {
            values.append(try parseInteger())
            if try peek() == "," { position += 1 } else { break }
        }
        try expect(")")
        return values
    }

    private mutating func parseInteger() throws -> Int {
        skipWhitespace()
        var value = 0
        var digits = 0
        while position < bytes.count, let digit = Character(UnicodeScalar(bytes[position])).wholeNumberValue,
            bytes[position] < 0x80
        {
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = times10.addingReportingOverflow(digit)
            guard !overflow1, !overflow2 else { throw NumPyFormatError("dimension too large in header shape") }
            value = next
            digits += 1
            position += 1
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "L") { position += 1 }  // Python 2 long suffix
        guard digits > 0 else { throw NumPyFormatError("expected a non-negative integer in the shape at byte \(position)") }
        return value
    }

    private mutating func skipWhitespace() {
        while position < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[position]) { position += 1 }
    }

    private mutating func peek() throws -> Character {
        skipWhitespace()
        guard position < bytes.count else { throw NumPyFormatError("header ends unexpectedly") }
        return Character(UnicodeScalar(bytes[position]))
    }

    private mutating func expect(_ character: Character) throws {
        guard try peek() == character else {
            throw NumPyFormatError("expected '\(character)' in header at byte \(position)")
        }
        position += 1
    }

    private mutating func consume(_ word: String) -> Bool {
        let utf8 = Array(word.utf8)
        guard bytes.count - position >= utf8.count, Array(bytes[position..<(position + utf8.count)]) == utf8 else { return false }
        position += utf8.count
        return true
    }
}
