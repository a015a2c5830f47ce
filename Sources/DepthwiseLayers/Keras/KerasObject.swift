import DepthwiseConvolution

/// Keras's serialized form of an object: `{"module", "class_name", "config", "registered_name"}`.
struct KerasObject {
    let className: String
    let config: KerasConfigReader

    /// The JSON Keras writes for an object of `className` from `module`.
    static func json(module: String, className: String, config: [(key: String, value: JSONValue)]) -> JSONValue {
        .object([
            ("module", .string(module)), ("class_name", .string(className)), ("config", .object(config)),
            ("registered_name", .null),
        ])
    }

    /// Reads a serialized object; a bare string is taken as a class name or alias with an empty config.
    init(_ value: JSONValue, field: String) throws {
        switch value {
        case .string(let name):
            className = name
            config = KerasConfigReader(members: [], context: field)
        case .object:
            guard case .string(let name)? = value["class_name"] else {
                throw DepthwiseError(.invalidConfiguration, "\(field) must have a string class_name")
            }
            className = name
            switch value["config"] {
            case .object(let members)?: config = KerasConfigReader(members: members, context: "\(field) \(name)")
            case .null?, nil: config = KerasConfigReader(members: [], context: "\(field) \(name)")
            default: throw DepthwiseError(.invalidConfiguration, "\(field) \(name) must have an object config")
            }
        default:
            throw DepthwiseError(.invalidConfiguration, "\(field) must be a name or an object, got \(value.serialized())")
        }
    }

    /// The class name as a lookup key: `"max_norm"`, `"MaxNorm"` and `"maxnorm"` all give `"maxnorm"`.
    var normalizedName: String {
        className.lowercased().filter { $0 != "_" }
    }
}

/// Typed access to a Keras config object's members, with errors naming the member.
struct KerasConfigReader {
    let members: [(key: String, value: JSONValue)]
    /// What the config describes, for error messages.
    let context: String

    func value(_ key: String) -> JSONValue? {
        members.first { $0.key == key }?.value
    }

    func error(_ key: String, _ expected: String) -> DepthwiseError {
        DepthwiseError(
            .invalidConfiguration, "\(context): \(key) must be \(expected), got \(value(key)?.serialized() ?? "nothing")")
    }

    /// Throws for members other than `known`, as Keras rejects unknown keyword arguments.
    func rejectUnknownKeys(_ known: Set<String>) throws {
        if let unknown = members.first(where: { !known.contains($0.key) }) {
            throw DepthwiseError(.invalidConfiguration, "\(context): unknown argument \(unknown.key)")
        }
    }

    func double(_ key: String, default defaultValue: Double) throws -> Double {
        switch value(key) {
        case nil: defaultValue
        case .integer(let value)?: Double(value)
        case .number(let value)?: value
        default: throw error(key, "a number")
        }
    }

    func integer(_ key: String, default defaultValue: Int) throws -> Int {
        switch value(key) {
        case nil: defaultValue
        case .integer(let value)?: value
        default: throw error(key, "an integer")
        }
    }

    func optionalInteger(_ key: String) throws -> Int? {
        switch value(key) {
        case nil, .null?: nil
        case .integer(let value)?: value
        default: throw error(key, "an integer or null")
        }
    }

    func bool(_ key: String, default defaultValue: Bool) throws -> Bool {
        switch value(key) {
        case nil: defaultValue
        case .bool(let value)?: value
        default: throw error(key, "true or false")
        }
    }

    func string(_ key: String, default defaultValue: String?) throws -> String? {
        switch value(key) {
        case nil: defaultValue
        case .null?: nil
        case .string(let value)?: value
        default: throw error(key, "a string")
        }
    }

    /// The object made from the member `key`, or `nil` when it is absent or null.
    func object<Object>(_ key: String, _ make: (JSONValue) throws -> Object) throws -> Object? {
        guard let value = value(key), value != .null else { return nil }
        return try make(value)
    }

    /// An integer or a list of integers, as Keras's `axis` arguments.
    func integers(_ key: String) throws -> [Int]? {
        switch value(key) {
        case nil, .null?: return nil
        case .integer(let value)?: return [value]
        case .array(let elements)?:
            return try elements.map {
                guard case .integer(let value) = $0 else { throw error(key, "an integer or a list of integers") }
                return value
            }
        default: throw error(key, "an integer or a list of integers")
        }
    }

    /// An integer for both dimensions or a list of two, as Keras's `standardize_tuple`.
    func heightWidth(_ key: String, default defaultValue: HeightWidth?) throws -> HeightWidth {
        switch value(key) {
        case .integer(let both)?:
            return HeightWidth(both)
        case .array(let elements)? where elements.count == 2:
            if case .integer(let height) = elements[0], case .integer(let width) = elements[1] {
                return HeightWidth(height: height, width: width)
            }
        case nil:
            if let defaultValue { return defaultValue }
        default:
            break
        }
        throw error(key, "an integer or a list of 2 integers")
    }
}

extension Array where Element == Int {
    /// Keras's form of an axis argument: an integer for one axis, else a list.
    var kerasAxisJSON: JSONValue {
        count == 1 ? .integer(self[0]) : .array(map { .integer($0) })
    }
}
