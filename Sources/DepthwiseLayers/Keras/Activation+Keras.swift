import DepthwiseConvolution

extension Activation {
    /// The activation a Keras config names: `null` (linear), a name such as `"relu"`,
    /// or a serialized function object.
    ///
    /// - Throws: ``DepthwiseError`` with code `invalidConfiguration` for an unknown activation.
    public init(kerasJSON value: JSONValue) throws {
        let name: String
        switch value {
        case .null: name = "linear"
        case .string(let text): name = text
        case .object:
            // {"module": "keras.activations", "class_name": "function", "config": "relu", ...}
            guard case .string(let text)? = value["config"] ?? value["class_name"] else {
                throw DepthwiseError(.invalidConfiguration, "activation must name a function, got \(value.serialized())")
            }
            name = text
        default:
            throw DepthwiseError(.invalidConfiguration, "activation must be a name, got \(value.serialized())")
        }
        guard let activation = Activation.named[name] else {
            let known = Activation.named.keys.sorted().joined(separator: ", ")
            throw DepthwiseError(.invalidConfiguration, "unknown activation '\(name)'; known: \(known)")
        }
        self = activation
    }

    /// The activation as Keras writes it in a layer config: its name.
    public var kerasJSON: JSONValue { .string(name) }
}

extension Regularizer {
    /// The regularizer a Keras config describes (`L1`, `L2`, `L1L2`, or `"l1"`, `"l2"`, `"l1_l2"`).
    ///
    /// - Throws: ``DepthwiseError`` with code `invalidConfiguration` for anything else.
    public init(kerasJSON value: JSONValue) throws {
        let object = try KerasObject(value, field: "regularizer")
        let config = object.config
        switch object.normalizedName {
        case "l1":
            try config.rejectUnknownKeys(["l1"])
            self = .l1(try config.double("l1", default: 0.01))
        case "l2":
            try config.rejectUnknownKeys(["l2"])
            self = .l2(try config.double("l2", default: 0.01))
        case "l1l2":
            try config.rejectUnknownKeys(["l1", "l2"])
            self = .l1l2(l1: try config.double("l1", default: 0), l2: try config.double("l2", default: 0))
        default:
            throw DepthwiseError(.invalidConfiguration, "unknown regularizer '\(object.className)'; known: L1, L2, L1L2")
        }
        try validate()
    }

    /// The regularizer as Keras serializes it.
    public var kerasJSON: JSONValue {
        let config: [(key: String, value: JSONValue)] =
            switch kerasClassName {
            case "L1": [("l1", .number(l1))]
            case "L2": [("l2", .number(l2))]
            default: [("l1", .number(l1)), ("l2", .number(l2))]
            }
        return KerasObject.json(module: "keras.regularizers", className: kerasClassName, config: config)
    }
}

extension Constraint {
    /// The constraint a Keras config describes (`MaxNorm`, `MinMaxNorm`, `UnitNorm`, `NonNeg`, or their snake-case names).
    ///
    /// - Throws: ``DepthwiseError`` with code `invalidConfiguration` for anything else.
    public init(kerasJSON value: JSONValue) throws {
        let object = try KerasObject(value, field: "constraint")
        let config = object.config
        let axes = try config.integers("axis") ?? [0]
        switch object.normalizedName {
        case "maxnorm":
            try config.rejectUnknownKeys(["max_value", "axis"])
            self = .maxNorm(try config.double("max_value", default: 2), axes: axes)
        case "minmaxnorm":
            try config.rejectUnknownKeys(["min_value", "max_value", "rate", "axis"])
            self = .minMaxNorm(
                minimum: try config.double("min_value", default: 0), maximum: try config.double("max_value", default: 1),
                rate: try config.double("rate", default: 1), axes: axes)
        case "unitnorm":
            try config.rejectUnknownKeys(["axis"])
            self = .unitNorm(axes: axes)
        case "nonneg":
            try config.rejectUnknownKeys([])
            self = .nonNegative
        default:
            throw DepthwiseError(
                .invalidConfiguration, "unknown constraint '\(object.className)'; known: MaxNorm, MinMaxNorm, UnitNorm, NonNeg")
        }
    }

    /// The constraint as Keras serializes it.
    public var kerasJSON: JSONValue {
        let config: [(key: String, value: JSONValue)] =
            switch kind {
            case .maxNorm(let maximum): [("max_value", .number(maximum)), ("axis", axes.kerasAxisJSON)]
            case .minMaxNorm(let minimum, let maximum, let rate):
                [("min_value", .number(minimum)), ("max_value", .number(maximum)), ("rate", .number(rate)), ("axis", axes.kerasAxisJSON)]
            case .unitNorm: [("axis", axes.kerasAxisJSON)]
            case .nonNegative: []
            }
        return KerasObject.json(module: "keras.constraints", className: kerasClassName, config: config)
    }
}
