import DepthwiseConvolution
import NumPyFormat

extension GoldenCase {
    /// The case's arguments as the library's types; throws for the malformed ones the error cases hold.
    public func arguments() throws -> (strides: HeightWidth, padding: Padding, dilations: HeightWidth, dataFormat: DataFormat) {
        let format = DataFormat(rawValue: dataFormat ?? "NHWC")!
        let padding: Padding
        switch self.padding {
        case .name(let name): padding = try Padding(tensorFlowName: name)
        case .pairs(let pairs): padding = try Padding(tensorFlowPairs: pairs, dataFormat: format)
        case nil: padding = .valid
        }
        return (
            try HeightWidth(tensorFlowStrides: strides ?? [1, 1, 1, 1], dataFormat: format),
            padding,
            try HeightWidth(tensorFlowDilations: dilations ?? [1, 1, 1, 1], dataFormat: format),
            format
        )
    }

    /// Runs the case through the library's tensor API.
    public func run(execution: ExecutionOptions = .default) throws -> NumPyArray {
        let operands = try [input, filter, outBackprop].compactMap { $0 }.map { try NumPyArray(contentsOf: GoldenFixtures.path($0)) }
        return try operands[0].scalarType.runGeneric { (scalar: any DepthwiseScalar.Type) in
            try run(scalar, execution: execution)
        }
    }

    private func run<Scalar: DepthwiseScalar>(_: Scalar.Type, execution: ExecutionOptions) throws -> NumPyArray {
        let (strides, padding, dilations, dataFormat) = try arguments()
        func load(_ file: String?) throws -> Tensor<Scalar> {
            try NumPyArray(contentsOf: GoldenFixtures.path(file!)).tensor()
        }
        switch op {
        case .forward:
            return NumPyArray(
                try depthwiseConv2D(
                    load(input), filter: load(filter), strides: strides, padding: padding, dilations: dilations,
                    dataFormat: dataFormat, execution: execution))
        case .backpropInput:
            return NumPyArray(
                try depthwiseConv2DBackpropInput(
                    inputShape: inputSizes!, filter: load(filter), outputGradient: load(outBackprop), strides: strides,
                    padding: padding, dilations: dilations, dataFormat: dataFormat, execution: execution))
        case .backpropFilter:
            return NumPyArray(
                try depthwiseConv2DBackpropFilter(
                    load(input), filterShape: filterSizes!, outputGradient: load(outBackprop), strides: strides,
                    padding: padding, dilations: dilations, dataFormat: dataFormat, execution: execution))
        case .kerasLayer, .kerasConstraint:
            preconditionFailure("\(id) is not a convolution case")
        }
    }

    /// The tool's arguments for this case, writing to `output`, in TensorFlow's 4- and 8-element forms.
    public func toolArguments(output: String) -> [String] {
        let list = { (values: [Int]) in values.map(String.init).joined(separator: ",") }
        var arguments: [String]
        switch op {
        case .forward:
            arguments = ["conv2d", "--input", GoldenFixtures.path(input!), "--filter", GoldenFixtures.path(filter!)]
        case .backpropInput:
            arguments = [
                "backprop-input", "--input-sizes", list(inputSizes!), "--filter", GoldenFixtures.path(filter!),
                "--out-backprop", GoldenFixtures.path(outBackprop!),
            ]
        case .backpropFilter:
            arguments = [
                "backprop-filter", "--input", GoldenFixtures.path(input!), "--filter-sizes", list(filterSizes!),
                "--out-backprop", GoldenFixtures.path(outBackprop!),
            ]
        case .kerasLayer, .kerasConstraint:
            preconditionFailure("\(id) is not a convolution case")
        }
        arguments += ["--output", output, "--data-format", dataFormat ?? "NHWC"]
        if let strides { arguments += ["--strides", list(strides)] }
        if let dilations { arguments += ["--dilations", list(dilations)] }
        switch padding {
        case .name(let name): arguments += ["--padding", name]
        case .pairs(let pairs): arguments += ["--padding", list(pairs.flatMap { $0 })]
        case nil: break
        }
        return arguments
    }

    /// The elements that differ from TensorFlow's result by more than the case's tolerance, described;
    /// empty when the result passes.
    public func mismatches(in result: NumPyArray) throws -> [String] {
        try mismatches(in: result, against: expected!)
    }

    /// The elements that differ from the fixture `file` by more than the case's tolerance, described.
    public func mismatches(in result: NumPyArray, against file: String) throws -> [String] {
        let expectedArray = try NumPyArray(contentsOf: GoldenFixtures.path(file))
        guard result.scalarType == expectedArray.scalarType else {
            return ["result holds \(result.scalarType), expected \(expectedArray.scalarType)"]
        }
        guard result.shape == expectedArray.shape else {
            return ["result has shape \(result.shape), expected \(expectedArray.shape)"]
        }
        let (got, want) = (try result.doubles(), try expectedArray.doubles())
        let (rtol, atol) = (self.rtol ?? 0, self.atol ?? 0)
        return zip(got, want).enumerated().compactMap { index, pair in
            let (g, e) = pair
            let close = (g.isNaN && e.isNaN) || g == e || abs(g - e) <= atol + rtol * abs(e)
            return close ? nil : "element \(index): got \(g), expected \(e) (atol \(atol), rtol \(rtol))"
        }
    }

    /// The largest absolute difference of a result, and of TensorFlow's result, from the float64 computation.
    public func errorsFromExact(of result: NumPyArray) throws -> (ours: Double, tensorFlow: Double) {
        let exactValues = try NumPyArray(contentsOf: GoldenFixtures.path(exact!)).doubles()
        let tensorFlow = try NumPyArray(contentsOf: GoldenFixtures.path(expected!)).doubles()
        let ours = try result.doubles()
        func maximumError(_ values: [Double]) -> Double {
            zip(values, exactValues).map { abs($0 - $1) }.max() ?? 0
        }
        return (maximumError(ours), maximumError(tensorFlow))
    }
}

extension ScalarType {
    /// Calls `body` with the Swift type of this scalar type.
    public func runGeneric<Result>(_ body: (any DepthwiseScalar.Type) throws -> Result) rethrows -> Result {
        switch self {
        case .float16: try body(Float16.self)
        case .bfloat16: try body(BFloat16.self)
        case .float32: try body(Float.self)
        case .float64: try body(Double.self)
        }
    }
}

extension NumPyArray {
    /// The elements as `Double`s, exactly.
    public func doubles() throws -> [Double] {
        try scalarType.runGeneric { (scalar: any DepthwiseScalar.Type) in try doubles(scalar) }
    }

    private func doubles<Scalar: DepthwiseScalar>(_: Scalar.Type) throws -> [Double] {
        try tensor(of: Scalar.self).scalars.map(\.doubleValue)
    }
}
