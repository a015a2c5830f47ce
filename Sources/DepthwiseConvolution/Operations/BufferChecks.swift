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
        _ result: UnsafeMutableBufferPointer<S>, _ resultName: String, from operands: [(UnsafeBufferPointer<S>, String)]
    ) throws {
        let target = UnsafeRawBufferPointer(result)
        guard let targetStart = target.baseAddress, !target.isEmpty else { return }
        for (operand, name) in operands {
            let source = UnsafeRawBufferPointer(operand)
            guard let sourceStart = source.baseAddress, !source.isEmpty else { continue }
            if targetStart < sourceStart + source.count && sourceStart < targetStart + target.count {
                throw DepthwiseError(.overlappingBuffers, "the \(resultName) buffer overlaps the \(name) buffer")
            }
        }
    }
}
