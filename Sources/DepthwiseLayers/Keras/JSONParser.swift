import DepthwiseConvolution

extension JSONValue {
    /// Parses a JSON document, keeping object key order; also accepts Python's `NaN`,
    /// `Infinity` and `-Infinity`, which `json.dumps` writes.
    ///
    /// - Throws: ``DepthwiseError`` with code `invalidConfiguration`, naming the offset of the problem.
    public init(parsing text: String) throws {
        var parser = JSONParser(bytes: Array(text.utf8))
        self = try parser.parseDocument()
    }
}

/// A recursive-descent JSON parser over UTF-8 bytes, with a nesting limit.
private struct JSONParser {
    let bytes: [UInt8]
    var position = 0
    var depth = 0
    static let maximumDepth = 512

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func parseDocument() throws -> JSONValue {
        let value = try parseValue()
        skipWhitespace()
        guard position == bytes.count else { throw failure("unexpected text after the JSON value") }
        return value
    }

    func failure(_ message: String) -> DepthwiseError {
        DepthwiseError(.invalidConfiguration, "invalid JSON at byte \(position): \(message)")
    }

    mutating func skipWhitespace() {
        while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
    }

    mutating func consume(_ literal: String) -> Bool {
        let expected = Array(literal.utf8)
        guard bytes[position...].starts(with: expected) else { return false }
        position += expected.count
        return true
    }

    mutating func parseValue() throws -> JSONValue {
        skipWhitespace()
        guard position < bytes.count else { throw failure("unexpected end of text") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try nested { try $0.parseObject() }
        case UInt8(ascii: "["): return try nested { try $0.parseArray() }
        case UInt8(ascii: "\""): return .string(try parseString())
        case _ where consume("null"): return .null
        case _ where consume("true"): return .bool(true)
        case _ where consume("false"): return .bool(false)
        case _ where consume("NaN"): return .number(.nan)
        case _ where consume("Infinity"): return .number(.infinity)
        case _ where consume("-Infinity"): return .number(-.infinity)
        default: return try parseNumber()
        }
    }

    mutating func nested(_ body: (inout JSONParser) throws -> JSONValue) throws -> JSONValue {
        depth += 1
        guard depth <= Self.maximumDepth else { throw failure("nesting deeper than \(Self.maximumDepth)") }
        defer { depth -= 1 }
        return try body(&self)
    }

    mutating func parseObject() throws -> JSONValue {
        position += 1
        var members: [(key: String, value: JSONValue)] = []
        skipWhitespace()
        if consume("}") { return .object(members) }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw failure("expected a member name") }
            let key = try parseString()
            skipWhitespace()
            guard consume(":") else { throw failure("expected ':'") }
            members.append((key, try parseValue()))
            skipWhitespace()
            if consume(",") { continue }
            if consume("}") { return .object(members) }
            throw failure("expected ',' or '}'")
        }
    }

    mutating func parseArray() throws -> JSONValue {
        position += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if consume("]") { return .array(elements) }
        while true {
            elements.append(try parseValue())
            skipWhitespace()
            if consume(",") { continue }
            if consume("]") { return .array(elements) }
            throw failure("expected ',' or ']'")
        }
    }

    mutating func parseString() throws -> String {
        position += 1
        var units: [UInt16] = []
        var utf8: [UInt8] = []
        // Raw UTF-8 runs are decoded as such; \u escapes are collected as UTF-16 units.
        func flush() {
            units += String(decoding: utf8, as: UTF8.self).utf16
            utf8.removeAll()
        }
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                flush()
                return String(decoding: units, as: UTF16.self)
            case UInt8(ascii: "\\"):
                guard position < bytes.count else { break }
                let escape = bytes[position]
                position += 1
                flush()
                switch escape {
                case UInt8(ascii: "\""): units.append(0x22)
                case UInt8(ascii: "\\"): units.append(0x5C)
                case UInt8(ascii: "/"): units.append(0x2F)
                case UInt8(ascii: "b"): units.append(0x08)
                case UInt8(ascii: "f"): units.append(0x0C)
                case UInt8(ascii: "n"): units.append(0x0A)
                case UInt8(ascii: "r"): units.append(0x0D)
                case UInt8(ascii: "t"): units.append(0x09)
                case UInt8(ascii: "u"):
                    guard position + 4 <= bytes.count,
                        let unit = UInt16(String(decoding: bytes[position..<position + 4], as: UTF8.self), radix: 16)
                    else { throw failure("invalid \\u escape") }
                    units.append(unit)
                    position += 4
                default: throw failure("invalid escape")
                }
            case 0..<0x20:
                throw failure("control character in a string")
            default:
                utf8.append(byte)
            }
        }
        throw failure("unterminated string")
    }

    mutating func parseNumber() throws -> JSONValue {
        let start = position
        let allowed = Set("+-0123456789.eE".utf8)
        while position < bytes.count, allowed.contains(bytes[position]) { position += 1 }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        guard !text.isEmpty else { throw failure("unexpected character") }
        let isInteger = !text.contains { $0 == "." || $0 == "e" || $0 == "E" }
        if isInteger, let integer = Int(text) { return .integer(integer) }
        guard let number = Double(text), text.first != "+", text.last?.isNumber == true else {
            throw failure("invalid number '\(text)'")
        }
        return .number(number)
    }
}
