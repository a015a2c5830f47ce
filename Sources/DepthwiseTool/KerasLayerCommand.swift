import ArgumentParser
import DepthwiseConvolution
import DepthwiseLayers
import Foundation
import NumPyFormat

/// `depthwise keras-layer`: a Keras `DepthwiseConv2D` from its config and weights, forward and backward.
struct KerasLayerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keras-layer",
        abstract: "Run a Keras DepthwiseConv2D layer from its get_config() JSON and weights.",
        discussion: """
            Computes in the config's dtype; arrays of another floating-point type are converted. \
            With --out-backprop G, writes the gradients of sum(output * G) with respect to the input, \
            the kernel and the bias (regularization terms excluded, as Keras's tape on that sum).
            """)

    @Option(help: "The layer's Keras config (get_config() as JSON).") var config: String
    @Option(help: "The kernel .npy file, [KH, KW, C, M].") var kernel: String
    @Option(help: "The bias .npy file, [C * M]; required when the config has use_bias true.") var bias: String?
    @Option(help: "The input .npy file, 4-D in the config's data format.") var input: String
    @Option(help: "The .npy file to write the layer's output to.") var output: String
    @Option(name: .customLong("out-backprop"), help: "The upstream gradient .npy file, the output's shape.") var outBackprop: String?
    @Option(name: .customLong("input-gradient"), help: "The .npy file for the input's gradient.") var inputGradient: String?
    @Option(name: .customLong("kernel-gradient"), help: "The .npy file for the kernel's gradient.") var kernelGradient: String?
    @Option(name: .customLong("bias-gradient"), help: "The .npy file for the bias's gradient.") var biasGradient: String?
    @Flag(name: .customLong("print-losses"), help: "Print the sum of the layer's regularization losses after the call.")
    var printLosses = false
    @Option(help: "The most threads to use (default: all processors).") var threads: Int?

    func validate() throws {
        let gradientOutputs = [inputGradient, kernelGradient, biasGradient].compactMap { $0 }
        if outBackprop == nil, !gradientOutputs.isEmpty {
            throw ValidationError("the gradient outputs need --out-backprop")
        }
        if outBackprop != nil, inputGradient == nil || kernelGradient == nil {
            throw ValidationError("--out-backprop needs --input-gradient and --kernel-gradient")
        }
        if biasGradient != nil, bias == nil {
            throw ValidationError("--bias-gradient needs a layer with --bias")
        }
        let outputs = [output] + gradientOutputs
        if Set(outputs).count != outputs.count {
            throw ValidationError("the output files must be different, got \(outputs.joined(separator: ", "))")
        }
    }

    func run() throws {
        let configJSON = try JSONValue(parsing: String(contentsOfFile: config, encoding: .utf8))
        let results = try ScalarType(kerasLayerConfig: configJSON).run(Computation(command: self, config: configJSON))
        for (path, array) in results.arrays { try array.write(to: path) }
        if printLosses { print("losses_sum: \(results.lossesSum)") }
    }

    private struct Computation: ScalarTypeComputation {
        let command: KerasLayerCommand
        let config: JSONValue

        func compute<Scalar: DepthwiseScalar>(_: Scalar.Type) throws -> (arrays: [(String, NumPyArray)], lossesSum: Double) {
            var layer = try DepthwiseConv2D<Scalar>(kerasConfig: config)
            if let threads = command.threads { layer.execution.threadCount = threads }
            try layer.loadWeights(kernelPath: command.kernel, biasPath: command.bias)
            let input = try NumPyArray(contentsOf: command.input).tensor(convertingTo: Scalar.self)
            var arrays = [(command.output, NumPyArray(try layer(input)))]
            if let outBackprop = command.outBackprop, let inputGradient = command.inputGradient,
                let kernelGradient = command.kernelGradient
            {
                let upstream = try NumPyArray(contentsOf: outBackprop).tensor(convertingTo: Scalar.self)
                let gradients = try layer.gradients(input: input, outputGradient: upstream)
                arrays += [(inputGradient, NumPyArray(gradients.input)), (kernelGradient, NumPyArray(gradients.kernel))]
                if let biasGradient = command.biasGradient, let bias = gradients.bias {
                    arrays.append((biasGradient, NumPyArray(bias)))
                }
            }
            return (arrays, layer.losses.reduce(0, +))
        }
    }
}

/// `depthwise keras-constraint`: a Keras layer config's depthwise constraint applied to a kernel.
struct KerasConstraintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keras-constraint",
        abstract: "Apply a Keras DepthwiseConv2D config's depthwise_constraint to a kernel, as after an optimizer step.")

    @Option(help: "The layer's Keras config (get_config() as JSON).") var config: String
    @Option(help: "The kernel .npy file, [KH, KW, C, M].") var kernel: String
    @Option(help: "The .npy file to write the constrained kernel to.") var output: String

    func run() throws {
        let configJSON = try JSONValue(parsing: String(contentsOfFile: config, encoding: .utf8))
        try ScalarType(kerasLayerConfig: configJSON).run(Computation(config: configJSON, kernel: kernel)).write(to: output)
    }

    private struct Computation: ScalarTypeComputation {
        let config: JSONValue
        let kernel: String

        func compute<Scalar: DepthwiseScalar>(_: Scalar.Type) throws -> NumPyArray {
            let layer = try DepthwiseConv2D<Scalar>(kerasConfig: config)
            var weights = try NumPyArray(contentsOf: kernel).tensor(convertingTo: Scalar.self)
            if let constraint = layer.depthwiseConstraint { weights = try constraint.applied(to: weights) }
            return NumPyArray(weights)
        }
    }
}
