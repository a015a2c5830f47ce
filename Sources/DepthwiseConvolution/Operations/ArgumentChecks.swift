/// Checks that buffers hold exactly the elements their shapes say, and that the result does not overlap an operand.
enum BufferChecks {
    static func require<S>(_ buffer: UnsafeBufferPointer<S>, count: Int, _ name: String, shape: [Int]) throws {
        guard buffer.count == count else {
            throw DepthwiseError(.shapeMismatch, "\(name) of shape \(shape) needs \(count) elements, the buffer holds \(buffer.count)")
        }
    }

    static func require<S>(_ buffer: UnsafeMutableBufferPointer<S>, count: Int, _ name: String, shape: [Int]) throws {
        try require(UnsafeBufferPointer(buffer), count: count, name, shape: shape)
    }

    static func requireDisjoint<S>(
        _ result: UnsafeMutableBufferPointer<S>, _ resultName: String, from first: UnsafeBufferPointer<S>, _ firstName: String,
        and second: UnsafeBufferPointer<S>, _ secondName: String
    ) throws {
        try requireDisjoint(result, resultName, from: first, firstName)
        try requireDisjoint(result, resultName, from: second, secondName)
    }

    private static func requireDisjoint<S>(
        _ result: UnsafeMutableBufferPointer<S>, _ resultName: String, from operand: UnsafeBufferPointer<S>, _ name: String
    ) throws {
        let (target, source) = (UnsafeRawBufferPointer(result), UnsafeRawBufferPointer(operand))
        guard let targetStart = target.baseAddress, let sourceStart = source.baseAddress, !target.isEmpty, !source.isEmpty else {
            return
        }
        if targetStart < sourceStart + source.count && sourceStart < targetStart + target.count {
            throw DepthwiseError(.overlappingBuffers, "the \(resultName) buffer overlaps the \(name) buffer")
        }
    }
}

extension ConvolutionGeometry {
    /// Validates every argument of an operation: the geometry, the execution options, and, for the
    /// gradients, that the output gradient has the shape of the convolution's output.
    static func validated(
        inputShape: [Int], filterShape: [Int], strides: HeightWidth, padding: Padding, dilations: HeightWidth,
        dataFormat: DataFormat, execution: ExecutionOptions, outputGradientShape: [Int]? = nil
    ) throws -> ConvolutionGeometry {
        let g = try ConvolutionGeometry(
            inputShape: inputShape, filterShape: filterShape,
            strides: strides, padding: padding, dilations: dilations, dataFormat: dataFormat)
        try execution.validate()
        if let outputGradientShape, outputGradientShape != g.outputShape {
            throw DepthwiseError(
                .shapeMismatch,
                "output gradient has shape \(outputGradientShape) but the convolution's output has shape \(g.outputShape) "
                    + "(input \(g.inputShape), filter \(g.filterShape), \(g.dataFormat))")
        }
        return g
    }
}
