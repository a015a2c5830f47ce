import Foundation

/// A JSON document that keeps its objects' key order and tells integers from
/// floating-point numbers, as Python's `json` module does for Keras configs.
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case array([JSONValue])
    /// Members in document order.
    case object([(key: String, value: JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.integer(let a), .integer(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(serialized())
    }

    /// The member named `key` of an object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// The text, as Python's `json.dumps` writes it: `", "` and `": "` separators,
    /// floating-point numbers in their shortest round-trip form (`1.0`, `0.001`, `1e-07`).
    public func serialized() -> String {
        switch self {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .integer(let value): String(value)
        case .number(let value): Self.pythonRepresentation(of: value)
        case .string(let value): Self.quoted(value)
        case .array(let elements): "[" + elements.map { $0.serialized() }.joined(separator: ", ") + "]"
        case .object(let members): "{" + members.map { Self.quoted($0.key) + ": " + $0.value.serialized() }.joined(separator: ", ") + "}"
        }
    }

    /// Python's `repr` of a float: Swift's shortest form, with Python's exponent style.
    private static func pythonRepresentation(of value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "Infinity" : "-Infinity" }
        let magnitude = abs(value)
        if magnitude != 0 && (magnitude < 1e-4 || magnitude >= 1e16) {
            // Python: mantissa without a trailing ".0", exponent with a sign and at least two digits.
            let text = value.description
            guard let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) else { return text }
            var mantissa = String(text[..<e])
            if mantissa.hasSuffix(".0") { mantissa.removeLast(2) }
            let exponent = Int(text[text.index(after: e)...]) ?? 0
            let digits = String(abs(exponent))
            return mantissa + "e" + (exponent < 0 ? "-" : "+") + (digits.count < 2 ? "0" + digits : digits)
        }
        let text = value.description
        if text.contains("e") {
            // Swift writes some values below 1e16 with an exponent; Python writes them out.
            return String(format: "%.1f", value)
        }
        return text
    }

    private static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || scalar.value > 0x7E:
                // Python's json.dumps escapes every non-ASCII character, as UTF-16 units.
                for unit in String(scalar).utf16 {
                    let hex = String(unit, radix: 16)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                }
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
