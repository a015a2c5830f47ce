import ArgumentParser
import DepthwiseConvolution
import NumPyFormat

/// `depthwise backprop-input`: the gradient with respect to the input.
struct BackpropInputCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backprop-input",
        abstract: "Gradient of the convolution with respect to its input (DepthwiseConv2dNativeBackpropInput).")

    @Option(name: .customLong("input-sizes"), help: "The input's shape in the layout's order, such as N,H,W,C.")
    var inputSizes: String
    @Option(help: "The filter .npy file, [KH, KW, C, M].") var filter: String
    @Option(name: .customLong("out-backprop"), help: "The output gradient .npy file.") var outBackprop: String
    @Option(help: "The .npy file to write.") var output: String
    @OptionGroup var options: ConvolutionOptions

    func run() throws {
        let shape = try integers(inputSizes, "--input-sizes")
        let (filterArray, gradientArray) = (try NumPyArray(contentsOf: filter), try NumPyArray(contentsOf: outBackprop))
        let type = try commonScalarType([(filterArray, "--filter"), (gradientArray, "--out-backprop")])
        let result = try type.run(
            Operands(
                inputShape: shape, filter: filterArray, outputGradient: gradientArray, options: try options.parsed()))
        try result.write(to: output)
    }

    private struct Operands: ScalarTypeComputation {
        let inputShape: [Int], filter: NumPyArray, outputGradient: NumPyArray, options: ParsedOptions

        func compute<Scalar: DepthwiseScalar>(_: Scalar.Type) throws -> NumPyArray {
            let result = try depthwiseConv2DBackpropInput(
                inputShape: inputShape, filter: filter.tensor(of: Scalar.self), outputGradient: outputGradient.tensor(),
                strides: options.strides, padding: options.padding, dilations: options.dilations,
                dataFormat: options.dataFormat, execution: options.execution)
            return NumPyArray(result)
        }
    }
}
