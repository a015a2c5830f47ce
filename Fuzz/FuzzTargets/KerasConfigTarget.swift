import DepthwiseConvolution
import DepthwiseLayers

extension FuzzTargets {
    /// The JSON parser and the Keras config reader on any text: they throw `DepthwiseError`,
    /// or give a layer whose config reads back to the same config.
    public static func kerasConfig(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        do {
            let json = try JSONValue(parsing: text)
            let reparsed = try JSONValue(parsing: json.serialized())
            precondition(reparsed.serialized() == json.serialized(), "JSON does not round-trip: \(text)")
            let layer = try DepthwiseConv2D<Float>(kerasConfig: json)
            let reread = try DepthwiseConv2D<Float>(kerasConfig: layer.kerasConfig.serialized())
            precondition(reread.kerasConfig == layer.kerasConfig, "the layer config does not round-trip")
        } catch is DepthwiseError {
            return
        } catch {
            preconditionFailure("the config reader threw \(type(of: error)): \(error)")
        }
    }
}
