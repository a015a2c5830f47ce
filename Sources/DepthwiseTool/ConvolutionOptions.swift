import ArgumentParser
import DepthwiseConvolution

/// The options every subcommand shares, in TensorFlow's forms.
struct ConvolutionOptions: ParsableArguments {
    @Option(help: "S, SH,SW, or TensorFlow's 4 values in the layout's order (1,SH,SW,1 for NHWC).")
    var strides = "1"

    @Option(help: "D, DH,DW, or TensorFlow's 4 values in the layout's order.")
    var dilations = "1"

    @Option(help: "SAME, VALID, T,B,L,R, or TensorFlow's 8 values: [before, after] pairs for the 4 dimensions in the layout's order.")
    var padding = "VALID"

    @Option(name: .customLong("data-format"), help: "NHWC or NCHW.")
    var dataFormat = "NHWC"

    @Option(help: "The most threads to use (default: all processors).")
    var threads: Int?

    /// The options as the library's types.
    func parsed() throws -> ParsedOptions {
        guard let format = DataFormat(rawValue: dataFormat.uppercased()) else {
            throw ValidationError("--data-format must be NHWC or NCHW, got '\(dataFormat)'")
        }
        var execution = ExecutionOptions.default
        if let threads {
            execution.threadCount = threads
        }
        return ParsedOptions(
            strides: try HeightWidth(tensorFlowStrides: integers(strides, "--strides"), dataFormat: format),
            padding: try parsePadding(format),
            dilations: try HeightWidth(tensorFlowDilations: integers(dilations, "--dilations"), dataFormat: format),
            dataFormat: format,
            execution: execution)
    }

    private func parsePadding(_ format: DataFormat) throws -> Padding {
        if let named = try? Padding(tensorFlowName: padding) { return named }
        let values = try integers(padding, "--padding")
        switch values.count {
        case 4:
            return try Padding(
                tensorFlowPairs: format.shape(
                    batch: [0, 0], height: [values[0], values[1]],
                    width: [values[2], values[3]], channels: [0, 0]),
                dataFormat: format)
        case 8:
            return try Padding(tensorFlowPairs: stride(from: 0, to: 8, by: 2).map { [values[$0], values[$0 + 1]] }, dataFormat: format)
        default:
            throw ValidationError("--padding must be SAME, VALID, 4 values T,B,L,R or TensorFlow's 8 values, got '\(padding)'")
        }
    }
}

/// The shared options, parsed.
struct ParsedOptions {
    var strides: HeightWidth
    var padding: Padding
    var dilations: HeightWidth
    var dataFormat: DataFormat
    var execution: ExecutionOptions
}

/// Parses a comma-separated list of integers such as `1,2,2,1`, allowing spaces and brackets.
func integers(_ text: String, _ option: String) throws -> [Int] {
    let trimmed = text.filter { !" []()".contains($0) }
    let values = trimmed.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
    guard !trimmed.isEmpty, values.allSatisfy({ $0 != nil }) else {
        throw ValidationError("\(option) must be a comma-separated list of integers, got '\(text)'")
    }
    return values.map { $0! }
}
