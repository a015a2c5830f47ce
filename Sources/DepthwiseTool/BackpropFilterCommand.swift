import ArgumentParser
import DepthwiseConvolution
import NumPyFormat

/// `depthwise backprop-filter`: the gradient with respect to the filter.
struct BackpropFilterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backprop-filter",
        abstract: "Gradient of the convolution with respect to its filter (DepthwiseConv2dNativeBackpropFilter).")

    @Option(help: "The input .npy file, 4-D in the layout's order.") var input: String
    @Option(name: .customLong("filter-sizes"), help: "The filter's shape KH,KW,C,M.") var filterSizes: String
    @Option(name: .customLong("out-backprop"), help: "The output gradient .npy file.") var outBackprop: String
    @Option(help: "The .npy file to write.") var output: String
    @OptionGroup var options: ConvolutionOptions

    func run() throws {
        let shape = try integers(filterSizes, "--filter-sizes")
        let (inputArray, gradientArray) = (try NumPyArray(contentsOf: input), try NumPyArray(contentsOf: outBackprop))
        let type = try commonScalarType([(inputArray, "--input"), (gradientArray, "--out-backprop")])
        let result = try type.run(
            Operands(
                input: inputArray, filterShape: shape, outputGradient: gradientArray, options: try options.parsed()))
        try result.write(to: output)
    }

    private struct Operands: ScalarTypeComputation {
        let input: NumPyArray, filterShape: [Int], outputGradient: NumPyArray, options: ParsedOptions

        func compute<Scalar: DepthwiseScalar>(_: Scalar.Type) throws -> NumPyArray {
            let result = try depthwiseConv2DBackpropFilter(
                input.tensor(of: Scalar.self), filterShape: filterShape, outputGradient: outputGradient.tensor(),
                strides: options.strides, padding: options.padding, dilations: options.dilations,
                dataFormat: options.dataFormat, execution: options.execution)
            return NumPyArray(result)
        }
    }
}
