import DepthwiseConvolution

extension DepthwiseConv2D {
    /// Creates a layer from Keras's `get_config()` of a `DepthwiseConv2D`, as JSON text.
    ///
    /// ```swift
    /// let config = try String(contentsOfFile: "layer.json", encoding: .utf8)
    /// var layer = try DepthwiseConv2D<Float>(kerasConfig: config)
    /// ```
    ///
    /// Missing arguments take Keras's defaults. The layer computes in `Scalar` whatever
    /// the config's `dtype` says; ``kerasConfig`` writes `Scalar`'s name.
    /// - Throws: ``DepthwiseError`` with code `invalidConfiguration` for invalid JSON, an
    ///   unknown argument or object, or an argument Keras would reject.
    public init(kerasConfig text: String) throws {
        try self.init(kerasConfig: JSONValue(parsing: text))
    }

    /// Creates a layer from Keras's `get_config()` of a `DepthwiseConv2D`.
    public init(kerasConfig config: JSONValue) throws {
        guard case .object(let members) = config else {
            throw DepthwiseError(.invalidConfiguration, "a layer config must be a JSON object")
        }
        let reader = KerasConfigReader(members: members, context: "DepthwiseConv2D config")
        try reader.rejectUnknownKeys(Self.kerasArguments)
        _ = try ScalarType(kerasLayerConfig: config)
        let padding: Padding =
            switch try reader.string("padding", default: "valid")?.lowercased() {
            case "valid": .valid
            case "same": .same
            default: throw reader.error("padding", "\"valid\" or \"same\"")
            }
        let dataFormat: DataFormat =
            switch try reader.string("data_format", default: "channels_last")?.lowercased() {
            case "channels_last", nil: .nhwc
            case "channels_first": .nchw
            default: throw reader.error("data_format", "\"channels_last\" or \"channels_first\"")
            }
        try self.init(
            kernelSize: reader.heightWidth("kernel_size", default: nil),
            strides: reader.heightWidth("strides", default: 1),
            padding: padding,
            depthMultiplier: reader.integer("depth_multiplier", default: 1),
            dataFormat: dataFormat,
            dilationRate: reader.heightWidth("dilation_rate", default: 1),
            activation: Activation(kerasJSON: reader.value("activation") ?? .null),
            useBias: reader.bool("use_bias", default: true),
            depthwiseInitializer: reader.object("depthwise_initializer", Initializer.init(kerasJSON:)) ?? .glorotUniform(),
            biasInitializer: reader.object("bias_initializer", Initializer.init(kerasJSON:)) ?? .zeros,
            depthwiseRegularizer: reader.object("depthwise_regularizer", Regularizer.init(kerasJSON:)),
            biasRegularizer: reader.object("bias_regularizer", Regularizer.init(kerasJSON:)),
            activityRegularizer: reader.object("activity_regularizer", Regularizer.init(kerasJSON:)),
            depthwiseConstraint: reader.object("depthwise_constraint", Constraint.init(kerasJSON:)),
            biasConstraint: reader.object("bias_constraint", Constraint.init(kerasJSON:)),
            name: reader.string("name", default: "depthwise_conv2d") ?? "depthwise_conv2d",
            trainable: reader.bool("trainable", default: true))
    }

    /// The arguments a config may hold: the layer's own, and the base layer's that do not
    /// change what it computes (input shapes written by older Keras versions).
    private static var kerasArguments: Set<String> {
        [
            "name", "trainable", "dtype", "depth_multiplier", "kernel_size", "strides", "padding", "data_format",
            "dilation_rate", "activation", "use_bias", "depthwise_initializer", "bias_initializer", "depthwise_regularizer",
            "bias_regularizer", "activity_regularizer", "depthwise_constraint", "bias_constraint", "batch_input_shape",
            "batch_shape", "input_shape",
        ]
    }

    /// The layer's config as Keras's `get_config()` writes it, members in Keras's order.
    public var kerasConfig: JSONValue {
        let pair: (HeightWidth) -> JSONValue = { .array([.integer($0.height), .integer($0.width)]) }
        let optional: (JSONValue?) -> JSONValue = { $0 ?? .null }
        var members: [(key: String, value: JSONValue)] = [
            ("name", .string(name)), ("trainable", .bool(trainable)),
            (
                "dtype",
                KerasObject.json(module: "keras", className: "DTypePolicy", config: [("name", .string(Scalar.scalarType.rawValue))])
            ),
        ]
        // Keras's base layer writes a set activity regularizer before the layer's own arguments.
        if let activityRegularizer { members.append(("activity_regularizer", activityRegularizer.kerasJSON)) }
        members += [
            ("depth_multiplier", .integer(depthMultiplier)), ("kernel_size", pair(kernelSize)), ("strides", pair(strides)),
            ("padding", .string(padding == .same ? "same" : "valid")),
            ("data_format", .string(dataFormat == .nhwc ? "channels_last" : "channels_first")),
            ("dilation_rate", pair(dilationRate)), ("activation", activation.kerasJSON), ("use_bias", .bool(useBias)),
            ("depthwise_initializer", depthwiseInitializer.kerasJSON), ("bias_initializer", biasInitializer.kerasJSON),
            ("depthwise_regularizer", optional(depthwiseRegularizer?.kerasJSON)),
            ("bias_regularizer", optional(biasRegularizer?.kerasJSON)),
        ]
        if activityRegularizer == nil { members.append(("activity_regularizer", .null)) }
        members += [
            ("depthwise_constraint", optional(depthwiseConstraint?.kerasJSON)), ("bias_constraint", optional(biasConstraint?.kerasJSON)),
        ]
        return .object(members)
    }
}

extension ScalarType {
    /// The element type a Keras layer config's `dtype` names (a policy object or a name);
    /// `float32`, Keras's default, when it names none.
    ///
    /// - Throws: ``DepthwiseError`` with code `invalidConfiguration` for a mixed-precision
    ///   policy or a type the package does not support.
    public init(kerasLayerConfig config: JSONValue) throws {
        let name: String
        switch config["dtype"] {
        case nil, .null?: name = "float32"
        case .string(let text)?: name = text
        case let policy?:
            guard case .string(let text)? = policy["config"]?["name"] else {
                throw DepthwiseError(.invalidConfiguration, "dtype must name a type, got \(policy.serialized())")
            }
            name = text
        }
        guard let type = ScalarType(rawValue: name) else {
            throw DepthwiseError(
                .invalidConfiguration, "dtype \(name) is not supported; use float16, bfloat16, float32 or float64")
        }
        self = type
    }
}
