import DepthwiseConvolution

extension Initializer {
    /// The initializer a Keras config describes: a serialized object such as
    /// `{"class_name": "GlorotUniform", "config": {"seed": null, ...}}`, or a name such
    /// as `"glorot_uniform"` or `"zeros"`.
    ///
    /// - Throws: ``DepthwiseError`` with code `invalidConfiguration` for an unknown
    ///   initializer or invalid arguments.
    public init(kerasJSON value: JSONValue) throws {
        let object = try KerasObject(value, field: "initializer")
        let config = object.config
        let seed = try config.optionalInteger("seed")
        let scaledKeys: Set = ["seed", "input_axes", "output_axes"]
        let inputAxes = try config.integers("input_axes")
        let outputAxes = try config.integers("output_axes")
        switch object.normalizedName {
        case "zeros":
            try config.rejectUnknownKeys([])
            self = .zeros
        case "ones":
            try config.rejectUnknownKeys([])
            self = .ones
        case "constant":
            try config.rejectUnknownKeys(["value"])
            self = .constant(try config.double("value", default: 0))
        case "randomuniform":
            try config.rejectUnknownKeys(["seed", "minval", "maxval"])
            self = .randomUniform(
                minimum: try config.double("minval", default: -0.05), maximum: try config.double("maxval", default: 0.05),
                seed: seed)
        case "randomnormal", "truncatednormal":
            try config.rejectUnknownKeys(["seed", "mean", "stddev"])
            let mean = try config.double("mean", default: 0)
            let deviation = try config.double("stddev", default: 0.05)
            self =
                object.normalizedName == "randomnormal"
                ? .randomNormal(mean: mean, standardDeviation: deviation, seed: seed)
                : .truncatedNormal(mean: mean, standardDeviation: deviation, seed: seed)
        case "variancescaling":
            try config.rejectUnknownKeys(scaledKeys.union(["scale", "mode", "distribution"]))
            guard let mode = FanMode(rawValue: try config.string("mode", default: "fan_in") ?? "") else {
                throw config.error("mode", "fan_in, fan_out or fan_avg")
            }
            // Keras reads "normal" as "truncated_normal".
            let distributionName = try config.string("distribution", default: "truncated_normal")?.lowercased()
            guard let distribution = Distribution(rawValue: distributionName == "normal" ? "truncated_normal" : distributionName ?? "")
            else { throw config.error("distribution", "uniform, truncated_normal or untruncated_normal") }
            self = .varianceScaling(
                scale: try config.double("scale", default: 1), mode: mode, distribution: distribution, seed: seed,
                inputAxes: inputAxes, outputAxes: outputAxes)
        default:
            guard let preset = Self.presets[object.normalizedName] else {
                throw DepthwiseError(.invalidConfiguration, "unknown initializer '\(object.className)'")
            }
            try config.rejectUnknownKeys(scaledKeys)
            self = preset(seed, inputAxes, outputAxes)
        }
        try validate()
    }

    /// The variance-scaling presets by normalized name (`glorotuniform` for `GlorotUniform` and `glorot_uniform`).
    private static let presets: [String: @Sendable (Int?, [Int]?, [Int]?) -> Initializer] = [
        "glorotuniform": { glorotUniform(seed: $0, inputAxes: $1, outputAxes: $2) },
        "glorotnormal": { glorotNormal(seed: $0, inputAxes: $1, outputAxes: $2) },
        "heuniform": { heUniform(seed: $0, inputAxes: $1, outputAxes: $2) },
        "henormal": { heNormal(seed: $0, inputAxes: $1, outputAxes: $2) },
        "lecununiform": { lecunUniform(seed: $0, inputAxes: $1, outputAxes: $2) },
        "lecunnormal": { lecunNormal(seed: $0, inputAxes: $1, outputAxes: $2) },
    ]

    /// The initializer as Keras serializes it; arguments in Keras's order, the seed first.
    public var kerasJSON: JSONValue {
        let seedJSON: JSONValue = seed.map { .integer($0) } ?? .null
        let axesJSON: (_ axes: [Int]?) -> JSONValue = { $0.map { .array($0.map { .integer($0) }) } ?? .null }
        let config: [(key: String, value: JSONValue)] =
            switch kind {
            case .constant(let value): kerasClassName == "Constant" ? [("value", .number(value))] : []
            case .uniform(let low, let high): [("seed", seedJSON), ("minval", .number(low)), ("maxval", .number(high))]
            case .normal(let mean, let deviation), .truncatedNormal(let mean, let deviation):
                [("seed", seedJSON), ("mean", .number(mean)), ("stddev", .number(deviation))]
            case .varianceScaling(let scale, let mode, let distribution, let inputAxes, let outputAxes):
                kerasClassName == "VarianceScaling"
                    ? [
                        ("seed", seedJSON), ("scale", .number(scale)), ("mode", .string(mode.rawValue)),
                        ("distribution", .string(distribution.rawValue)), ("input_axes", axesJSON(inputAxes)),
                        ("output_axes", axesJSON(outputAxes)),
                    ]
                    : [("seed", seedJSON), ("input_axes", axesJSON(inputAxes)), ("output_axes", axesJSON(outputAxes))]
            }
        return KerasObject.json(module: "keras.initializers", className: kerasClassName, config: config)
    }
}
