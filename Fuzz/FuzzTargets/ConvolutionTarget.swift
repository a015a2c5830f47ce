import DepthwiseConvolution

extension FuzzTargets {
    /// Validation and kernels on any geometry: sizes either give a shape or throw
    /// `DepthwiseError`, without trapping on overflow; where the operands are small enough
    /// to hold, the SIMD path equals the reference (the operands are small integers, so
    /// every sum is exact), and gives the same bits on 1 and 3 threads. NaN and infinities
    /// in the operands propagate the same way on both paths.
    public static func convolution(_ bytes: [UInt8]) {
        var input = FuzzInput(bytes)
        let operation = input.int(in: 0...2)
        switch ScalarType.allCases[input.int(in: 0...3)] {
        case .float16: ConvolutionProblem<Float16>(&input, operation: operation).check()
        case .bfloat16: ConvolutionProblem<BFloat16>(&input, operation: operation).check()
        case .float32: ConvolutionProblem<Float>(&input, operation: operation).check()
        case .float64: ConvolutionProblem<Double>(&input, operation: operation).check()
        }
    }
}

/// One call of the forward op or a gradient, decoded from fuzzer bytes.
private struct ConvolutionProblem<Scalar: DepthwiseScalar> {
    let operation: Int
    let dataFormat: DataFormat
    let inputShape: [Int]
    let filterShape: [Int]
    let strides: HeightWidth
    let dilations: HeightWidth
    let padding: Padding
    var values: FuzzInput

    /// The most elements an operand may have to be computed (larger ones are checked for errors only).
    static var operandLimit: Int { 1 << 11 }

    init(_ input: inout FuzzInput, operation: Int) {
        self.operation = operation
        dataFormat = input.bool() ? .nhwc : .nchw
        inputShape = dataFormat.shape(
            batch: input.size(upTo: 2), height: input.size(upTo: 9), width: input.size(upTo: 9), channels: input.size(upTo: 6))
        filterShape = [input.size(upTo: 4), input.size(upTo: 4), inputShape[dataFormat.channelAxis], input.size(upTo: 3)]
        strides = HeightWidth(height: input.size(upTo: 4), width: input.size(upTo: 4))
        dilations = HeightWidth(height: input.size(upTo: 3), width: input.size(upTo: 3))
        padding =
            switch input.int(in: 0...2) {
            case 0: .valid
            case 1: .same
            default: .explicit(top: input.size(upTo: 4), bottom: input.size(upTo: 4), left: input.size(upTo: 4), right: input.size(upTo: 4))
            }
        values = input
    }

    func check() {
        let outputShape: [Int]
        do {
            outputShape = try depthwiseConv2DOutputShape(
                inputShape: inputShape, filterShape: filterShape, strides: strides, padding: padding, dilations: dilations,
                dataFormat: dataFormat)
        } catch is DepthwiseError {
            return
        } catch {
            preconditionFailure("the output shape threw \(type(of: error))")
        }
        let shapes = [inputShape, filterShape, outputShape]
        guard let counts = try? shapes.map(Tensor<Scalar>.elementCount), counts.allSatisfy({ $0 <= Self.operandLimit }) else {
            checkRejectsBuffersTooSmall(outputShape: outputShape)
            return
        }
        var values = values
        let operands = shapes.map { shape in
            try! Tensor<Scalar>(shape: shape, scalars: (0..<Tensor<Scalar>.elementCount(of: shape)).map { _ in values.operand() })
        }
        let reference = run(operands, ExecutionOptions(threadCount: 1, kernels: .reference))
        for kernels in [ExecutionOptions.Kernels.simd, .avx2, .avx512] where kernels.isAvailable {
            let (single, parallel) = (
                run(operands, ExecutionOptions(threadCount: 1, kernels: kernels)),
                run(operands, ExecutionOptions(threadCount: 3, kernels: kernels))
            )
            precondition(
                zip(reference.scalars, single.scalars).allSatisfy { $0 == $1 || ($0.doubleValue.isNaN && $1.doubleValue.isNaN) },
                "the \(kernels) path differs from the reference: \(self)")
            precondition(
                single.scalars.map(\.doubleValue.bitPattern) == parallel.scalars.map(\.doubleValue.bitPattern),
                "the \(kernels) path differs between 1 and 3 threads: \(self)")
        }
    }

    /// Runs the problem's operation on `[input, filter, outputGradient]`.
    func run(_ operands: [Tensor<Scalar>], _ execution: ExecutionOptions) -> Tensor<Scalar> {
        do {
            switch operation {
            case 0:
                return try depthwiseConv2D(
                    operands[0], filter: operands[1], strides: strides, padding: padding, dilations: dilations,
                    dataFormat: dataFormat, execution: execution)
            case 1:
                return try depthwiseConv2DBackpropInput(
                    inputShape: inputShape, filter: operands[1], outputGradient: operands[2], strides: strides, padding: padding,
                    dilations: dilations, dataFormat: dataFormat, execution: execution)
            default:
                return try depthwiseConv2DBackpropFilter(
                    operands[0], filterShape: filterShape, outputGradient: operands[2], strides: strides, padding: padding,
                    dilations: dilations, dataFormat: dataFormat, execution: execution)
            }
        } catch {
            preconditionFailure("a valid geometry threw \(error): \(self)")
        }
    }

    /// Operands too large to hold: the buffer entry points must refuse empty buffers, not read past them.
    func checkRejectsBuffersTooSmall(outputShape: [Int]) {
        let empty = UnsafeMutableBufferPointer<Scalar>.allocate(capacity: 1)
        defer { empty.deallocate() }
        let nothing = UnsafeBufferPointer(rebasing: empty[0..<0])
        let output = UnsafeMutableBufferPointer(rebasing: empty[0..<0])
        do {
            _ = try depthwiseConv2D(
                input: nothing, inputShape: inputShape, filter: nothing, filterShape: filterShape, output: output,
                strides: strides, padding: padding, dilations: dilations, dataFormat: dataFormat)
        } catch is DepthwiseError {
            return
        } catch {
            preconditionFailure("the buffer entry point threw \(type(of: error))")
        }
        let empties = [inputShape, filterShape, outputShape].contains { $0.contains(0) }
        precondition(empties, "empty buffers were accepted for shapes \(inputShape), \(filterShape): \(self)")
    }
}

extension FuzzInput {
    /// A small integer, or now and then NaN or an infinity.
    mutating func operand<Scalar: DepthwiseScalar>() -> Scalar {
        switch byte() {
        case 0xFF: Scalar(.nan)
        case 0xFE: Scalar(.infinity)
        case 0xFD: Scalar(-.infinity)
        case let value: Scalar(Double(Int(value % 9) - 4))
        }
    }
}
