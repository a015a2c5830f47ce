import Foundation

/// A dense tensor: a shape and its elements in row-major (C) order.
///
/// ```swift
/// let image = try Tensor<Float>(shape: [1, 3, 2, 1], scalars: [1, 2, 3, 4, 5, 6])
/// image[0, 2, 1, 0]  // 6
/// ```
public struct Tensor<Scalar: DepthwiseScalar>: Sendable, Hashable {
    /// The size of each dimension.
    public let shape: [Int]
    /// The elements, last dimension varying fastest; `scalars.count` is the product of `shape`.
    public private(set) var scalars: [Scalar]

    /// Creates a tensor from its shape and elements.
    ///
    /// - Throws: ``DepthwiseError`` if a dimension is negative, the element count
    ///   overflows, or `scalars.count` differs from it.
    public init(shape: [Int], scalars: [Scalar]) throws {
        let count = try Self.elementCount(of: shape)
        guard scalars.count == count else {
            throw DepthwiseError(.shapeMismatch, "shape \(shape) needs \(count) elements, got \(scalars.count)")
        }
        self.shape = shape
        self.scalars = scalars
    }

    /// Creates a tensor of the given shape filled with `value`.
    public init(shape: [Int], repeating value: Scalar) throws {
        self.shape = shape
        self.scalars = Array(repeating: value, count: try Self.elementCount(of: shape))
    }

    /// Creates a tensor of the given shape filled with zeros.
    public init(zeros shape: [Int]) throws {
        try self.init(shape: shape, repeating: .zero)
    }

    /// Creates a tensor by filling `count` elements through `initializer`, which must
    /// initialize all of them.
    init(shape: [Int], count: Int, initializingWith initializer: (UnsafeMutableBufferPointer<Scalar>) throws -> Void) rethrows {
        self.shape = shape
        self.scalars = try Array(unsafeUninitializedCapacity: count) { buffer, initialized in
            try initializer(buffer)
            initialized = count
        }
    }

    /// The number of dimensions.
    public var rank: Int { shape.count }

    /// The element at the given position, one index per dimension.
    public subscript(indices: Int...) -> Scalar {
        get { scalars[offset(of: indices)] }
        set { scalars[offset(of: indices)] = newValue }
    }

    /// Calls `body` with the elements' contiguous storage.
    public func withUnsafeBufferPointer<Result>(_ body: (UnsafeBufferPointer<Scalar>) throws -> Result) rethrows -> Result {
        try scalars.withUnsafeBufferPointer(body)
    }

    /// Calls `body` with the elements' contiguous, mutable storage; the shape stays as it is.
    public mutating func withUnsafeMutableBufferPointer<Result>(
        _ body: (inout UnsafeMutableBufferPointer<Scalar>) throws -> Result
    ) rethrows -> Result {
        try scalars.withUnsafeMutableBufferPointer(body)
    }

    private func offset(of indices: [Int]) -> Int {
        precondition(indices.count == shape.count, "expected \(shape.count) indices, got \(indices.count)")
        var offset = 0
        for (index, size) in zip(indices, shape) {
            precondition(0 <= index && index < size, "index \(indices) out of range for shape \(shape)")
            offset = offset * size + index
        }
        return offset
    }

    /// The largest number of bytes a tensor may hold: the machine's physical memory.
    static var maximumByteCount: Int { min(Int.max / 2, Int(clamping: ProcessInfo.processInfo.physicalMemory)) }

    /// The element count of `shape`, validated: non-negative dimensions, no overflow,
    /// and a byte count below ``maximumByteCount``.
    public static func elementCount(of shape: [Int]) throws -> Int {
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw DepthwiseError(.invalidShape, "dimensions must be non-negative, got shape \(shape)")
        }
        let count = try Checked.product(shape, "element count of shape")
        let bytes = try Checked.multiply(count, MemoryLayout<Scalar>.stride, "byte count of shape \(shape)")
        guard bytes <= maximumByteCount else {
            throw DepthwiseError(
                .sizeOverflow, "shape \(shape) needs \(bytes) bytes, more than this machine's \(maximumByteCount) bytes of memory")
        }
        return count
    }
}
