import DepthwiseConvolution
import DepthwiseLayers
import Foundation
import Testing

@Suite struct KerasConfigTests {
    /// Python's `json.dumps` of the same values (CPython 3.11).
    @Test func serializesAsPythonDoes() throws {
        let values: [Double] = [
            1e-05, 0.0001, 1e16, 1.5e+300, 123456789.0, 1e-07, 5e-324, 2.5e15, 9007199254740993.0, 0.1, 1.0, 100.0, -0.0,
            1.7976931348623157e308, 0.019999999552965164, 1e22, 3.0e-5,
        ]
        let python = """
            [1e-05, 0.0001, 1e+16, 1.5e+300, 123456789.0, 1e-07, 5e-324, 2500000000000000.0, 9007199254740992.0, 0.1, \
            1.0, 100.0, -0.0, 1.7976931348623157e+308, 0.019999999552965164, 1e+22, 3e-05]
            """
        #expect(JSONValue.array(values.map(JSONValue.number)).serialized() == python)
        #expect(JSONValue.object([("a", .string("é\"\n\u{2603}😀"))]).serialized() == #"{"a": "\u00e9\"\n\u2603\ud83d\ude00"}"#)
    }

    @Test func parsesAndKeepsOrder() throws {
        let text = #"{"b": [1, 2.5, -3e2, true, null], "a": {"x": "\u00e9\ud83d\ude00"}, "c": NaN}"#
        let value = try JSONValue(parsing: text)
        guard case .object(let members) = value else { Issue.record("not an object"); return }
        #expect(members.map(\.key) == ["b", "a", "c"])
        #expect(value["b"] == .array([.integer(1), .number(2.5), .number(-300), .bool(true), .null]))
        #expect(value["a"]?["x"] == .string("é😀"))
        #expect(try JSONValue(parsing: value.serialized()).serialized() == value.serialized())
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "\"abc", "01x", "[1] 2", "{\"a\": tru}", "\"\\x\"", String(repeating: "[", count: 600)])
    func malformedJSONThrows(_ text: String) {
        #expect {
            try JSONValue(parsing: text)
        } throws: { ($0 as? DepthwiseError)?.code == .invalidConfiguration }
    }

    @Test func shortFormsAndDefaultsReadAsKerasReadsThem() throws {
        let layer = try DepthwiseConv2D<Float>(
            kerasConfig: """
                {"kernel_size": 5, "padding": "SAME", "activation": "swish", "depthwise_initializer": "he_normal",
                 "bias_initializer": "ones", "depthwise_regularizer": "l2", "depthwise_constraint": "max_norm",
                 "bias_constraint": {"class_name": "NonNeg", "config": {}}, "dtype": "float64"}
                """)
        #expect(layer.kernelSize == 5 && layer.strides == 1 && layer.dilationRate == 1)
        #expect(layer.padding == .same && layer.dataFormat == .nhwc && layer.depthMultiplier == 1 && layer.useBias)
        #expect(layer.activation.name == "silu")
        #expect(layer.depthwiseInitializer == .heNormal())
        #expect(layer.biasInitializer == .ones)
        #expect(layer.depthwiseRegularizer == .l2(0.01))
        #expect(layer.depthwiseConstraint == .maxNorm(2, axes: [0]))
        #expect(layer.biasConstraint == .nonNegative)
        #expect(layer.name == "depthwise_conv2d" && layer.trainable)
        // Written back in Keras's full form: the layer's own dtype, activation by name, defaults spelled out.
        let config = layer.kerasConfig
        #expect(config["dtype"]?["config"]?["name"] == .string("float32"))
        #expect(config["activation"] == .string("silu"))
        #expect(config["kernel_size"] == .array([.integer(5), .integer(5)]))
        #expect(try DepthwiseConv2D<Float>(kerasConfig: config).kerasConfig == config)
    }

    @Test func everyInitializerRegularizerAndConstraintRoundTrips() throws {
        let initializers: [Initializer] = [
            .zeros, .ones, .constant(0.5), .randomUniform(minimum: -1, maximum: 2, seed: 3), .randomNormal(seed: 4),
            .truncatedNormal(mean: 1, standardDeviation: 2), .glorotUniform(), .glorotNormal(seed: 1), .heUniform(),
            .heNormal(), .lecunUniform(), .lecunNormal(inputAxes: [2], outputAxes: [3]),
            .varianceScaling(scale: 2, mode: .fanAverage, distribution: .untruncatedNormal, seed: 9),
        ]
        for initializer in initializers {
            #expect(try Initializer(kerasJSON: initializer.kerasJSON) == initializer, "\(initializer.kerasJSON.serialized())")
        }
        for regularizer in [Regularizer.l1(0.3), .l2(0.2), .l1l2(l1: 0.1, l2: 0.4)] {
            #expect(try Regularizer(kerasJSON: regularizer.kerasJSON) == regularizer)
        }
        for constraint in [
            Constraint.maxNorm(3, axes: [0, 1, 2]), .minMaxNorm(minimum: 0.5, maximum: 2, rate: 0.5, axes: [3]), .unitNorm(),
            .nonNegative,
        ] {
            #expect(try Constraint(kerasJSON: constraint.kerasJSON) == constraint)
        }
    }

    @Test(arguments: [
        (#"{"padding": "valid"}"#, "kernel_size must be"),
        (#"{"kernel_size": [3, 3, 3]}"#, "kernel_size must be"),
        (#"{"kernel_size": 3, "data_format": "NHWC"}"#, "data_format must be"),
        (#"{"kernel_size": 3, "activation": "softmax"}"#, "unknown activation 'softmax'"),
        (#"{"kernel_size": 3, "depthwise_initializer": "orthogonal"}"#, "unknown initializer 'orthogonal'"),
        (#"{"kernel_size": 3, "depthwise_regularizer": {"class_name": "L2", "config": {"l2": -1}}}"#, "l2 ≥ 0"),
        (#"{"kernel_size": 3, "depthwise_constraint": {"class_name": "MaxNorm", "config": {"axis": "x"}}}"#, "axis must be"),
        (#"{"kernel_size": 3, "dtype": "mixed_float16"}"#, "dtype mixed_float16 is not supported"),
        (#"{"kernel_size": 3, "use_bias": 1}"#, "use_bias must be true or false"),
        (#"[1]"#, "a layer config must be a JSON object"),
    ])
    func invalidConfigsThrow(_ text: String, _ message: String) {
        #expect {
            try DepthwiseConv2D<Float>(kerasConfig: text)
        } throws: { error in
            let error = error as? DepthwiseError
            return error?.code == .invalidConfiguration && error?.message.contains(message) == true
        }
    }

    @Test func weightsSaveAndLoadAsNumPyFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("layer-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var layer = try DepthwiseConv2D<Float>(kernelSize: 3, depthMultiplier: 2, biasInitializer: .constant(0.5))
        try layer.build(inputShape: [1, 8, 8, 3])
        try layer.saveWeights(kernelPath: directory + "/k.npy", biasPath: directory + "/b.npy")
        var copy = try DepthwiseConv2D<Double>(kerasConfig: layer.kerasConfig)
        try copy.loadWeights(kernelPath: directory + "/k.npy", biasPath: directory + "/b.npy")
        #expect(copy.kernel?.scalars == layer.kernel?.scalars.map(Double.init))
        #expect(copy.bias?.scalars == Array(repeating: 0.5, count: 6))
        #expect(throws: DepthwiseError.self) { try copy.loadWeights(kernelPath: directory + "/k.npy", biasPath: nil) }
    }
}
