import DepthwiseConvolution
import DepthwiseLayers
import Foundation
import NumPyFormat

extension GoldenCase {
    /// The layer's Keras config, as written in the manifest (key order kept).
    public var kerasConfig: JSONValue {
        GoldenFixtures.kerasConfigs[id]!
    }

    /// The case's layer, built from its config and weights.
    public func kerasLayer<Scalar: DepthwiseScalar>(_: Scalar.Type = Scalar.self) throws -> DepthwiseConv2D<Scalar> {
        var layer = try DepthwiseConv2D<Scalar>(kerasConfig: kerasConfig)
        try layer.loadWeights(kernelPath: GoldenFixtures.path(kernel!), biasPath: bias.map(GoldenFixtures.path))
        return layer
    }

    /// Loads a fixture array as a tensor of `Scalar`.
    public func load<Scalar: DepthwiseScalar>(_ file: String, as _: Scalar.Type = Scalar.self) throws -> Tensor<Scalar> {
        try NumPyArray(contentsOf: GoldenFixtures.path(file)).tensor(convertingTo: Scalar.self)
    }

    /// The tool's `keras-layer` arguments for this case, writing into `directory`; the config is written there too.
    public func kerasToolArguments(directory: String) throws -> [String] {
        let config = directory + "/config.json"
        try kerasConfig.serialized().write(toFile: config, atomically: true, encoding: .utf8)
        var arguments = [
            "keras-layer", "--config", config, "--kernel", GoldenFixtures.path(kernel!), "--input", GoldenFixtures.path(input!),
            "--output", directory + "/output.npy", "--out-backprop", GoldenFixtures.path(outBackprop!), "--input-gradient",
            directory + "/dinput.npy", "--kernel-gradient", directory + "/dkernel.npy",
        ]
        if let bias { arguments += ["--bias", GoldenFixtures.path(bias), "--bias-gradient", directory + "/dbias.npy"] }
        return arguments
    }
}

extension GoldenFixtures {
    /// Each Keras case's config by case id, read with the package's own JSON parser.
    static let kerasConfigs: [String: JSONValue] = {
        do {
            let text = try String(contentsOfFile: directory + "/manifest.json", encoding: .utf8)
            guard case .array(let cases)? = try JSONValue(parsing: text)["cases"] else { return [:] }
            var configs = [String: JSONValue]()
            for entry in cases {
                if case .string(let id)? = entry["id"], let config = entry["config"] { configs[id] = config }
            }
            return configs
        } catch {
            fatalError("cannot read the golden manifest's Keras configs: \(error)")
        }
    }()
}
