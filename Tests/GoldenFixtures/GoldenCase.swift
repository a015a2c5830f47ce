import DepthwiseConvolution
import Foundation
import NumPyFormat

/// One case of the golden fixture set made with TensorFlow 2.21 (see `golden/PROVENANCE.md`).
public struct GoldenCase: Decodable, Sendable, CustomStringConvertible {
    public enum Operation: String, Decodable, Sendable {
        case forward
        case backpropInput = "backprop_input"
        case backpropFilter = "backprop_filter"
        case kerasLayer = "keras_layer"
        case kerasConstraint = "keras_constraint"
    }

    /// TensorFlow's padding argument: a name or explicit pairs.
    public enum PaddingArgument: Decodable, Sendable {
        case name(String)
        case pairs([[Int]])

        public init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let name = try? container.decode(String.self) {
                self = .name(name)
            } else {
                self = .pairs(try container.decode([[Int]].self))
            }
        }
    }

    public let id: String
    public let op: Operation
    public let dtype: String?
    public let dataFormat: String?
    public let strides: [Int]?
    public let padding: PaddingArgument?
    public let dilations: [Int]?
    public let input: String?
    public let filter: String?
    public let outBackprop: String?
    public let inputSizes: [Int]?
    public let filterSizes: [Int]?
    public let expected: String?
    public let exact: String?
    public let rtol: Double?
    public let atol: Double?
    /// For error cases: `"error"`, or `"output"` with ``expectedShape``.
    public let expect: String?
    public let expectedShape: [Int]?
    // Keras layer cases: the weights, and the gradients of `sum(output * out_backprop)`.
    public let inputShape: [Int]?
    public let kernel: String?
    public let bias: String?
    public let dinput: String?
    public let dkernel: String?
    public let dbias: String?
    /// The sum of the layer's regularization losses after the call.
    public let lossesSum: Double?

    enum CodingKeys: String, CodingKey {
        case id, op, dtype, strides, padding, dilations, input, filter, expected, exact, rtol, atol, expect
        case dataFormat = "data_format", outBackprop = "out_backprop", inputSizes = "input_sizes"
        case filterSizes = "filter_sizes", expectedShape = "expected_shape"
        case kernel, bias, dinput, dkernel, dbias
        case inputShape = "input_shape", lossesSum = "losses_sum"
    }

    public var description: String { id }

    /// Whether the case checks an invalid or degenerate call rather than values.
    public var isErrorCase: Bool { expect != nil }
}

/// The golden fixture set, copied into the project with its provenance.
public enum GoldenFixtures {
    /// The folder holding `manifest.json` and the `.npy` files.
    public static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("golden").path

    private struct Manifest: Decodable {
        let cases: [GoldenCase]
    }

    /// Every case in the manifest.
    public static let cases: [GoldenCase] = {
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/manifest.json"))
            return try JSONDecoder().decode(Manifest.self, from: data).cases
        } catch {
            fatalError("cannot read the golden manifest in \(directory): \(error)")
        }
    }()

    /// The forward and gradient cases, error cases included.
    public static var convolutionCases: [GoldenCase] {
        cases.filter { [.forward, .backpropInput, .backpropFilter].contains($0.op) }
    }

    /// The Keras layer and constraint cases.
    public static var kerasCases: [GoldenCase] {
        cases.filter { [.kerasLayer, .kerasConstraint].contains($0.op) }
    }

    /// The path of a fixture file.
    public static func path(_ file: String) -> String {
        directory + "/" + file
    }
}
