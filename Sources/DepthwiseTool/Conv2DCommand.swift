import ArgumentParser
import DepthwiseConvolution
import NumPyFormat

/// `depthwise conv2d`: the forward convolution.
struct Conv2DCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conv2d", abstract: "Depthwise 2-D convolution (tf.nn.depthwise_conv2d).")

    @Option(help: "The input .npy file, 4-D in the layout's order.") var input: String
    @Option(help: "The filter .npy file, [KH, KW, C, M].") var filter: String
    @Option(help: "The .npy file to write.") var output: String
    @OptionGroup var options: ConvolutionOptions

    func run() throws {
        let (inputArray, filterArray) = (try NumPyArray(contentsOf: input), try NumPyArray(contentsOf: filter))
        let type = try commonScalarType([(inputArray, "--input"), (filterArray, "--filter")])
        let result = try type.run(Operands(input: inputArray, filter: filterArray, options: try options.parsed()))
        try result.write(to: output)
    }

    private struct Operands: ScalarTypeComputation {
        let input: NumPyArray, filter: NumPyArray, options: ParsedOptions

        func compute<Scalar: DepthwiseScalar>(_: Scalar.Type) throws -> NumPyArray {
            let result = try depthwiseConv2D(
                input.tensor(of: Scalar.self), filter: filter.tensor(),
                strides: options.strides, padding: options.padding, dilations: options.dilations,
                dataFormat: options.dataFormat, execution: options.execution)
            return NumPyArray(result)
        }
    }
}
