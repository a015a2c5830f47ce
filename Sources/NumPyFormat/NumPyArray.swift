import DepthwiseConvolution

/// An array in NumPy's `.npy` format: an element type, a shape, and the elements.
///
/// Reads `<f2`, `<f4`, `<f8` and `<V2` (bfloat16, as ml_dtypes writes it), in little- or
/// big-endian byte order and in C or Fortran order; other element types are rejected with
/// a ``NumPyFormatError``. Writes little-endian, C-order, version 1.0 files.
///
/// ```swift
/// let array = try NumPyArray(contentsOf: "x.npy")
/// let x: Tensor<Float> = try array.tensor()
/// try NumPyArray(x).write(to: "y.npy")
/// ```
public struct NumPyArray: Sendable, Hashable {
    /// The element type.
    public let scalarType: ScalarType
    /// The size of each dimension.
    public let shape: [Int]
    /// The elements in C order, each in little-endian byte order.
    let elementBytes: [UInt8]

    /// The array holding a tensor's elements.
    public init<Scalar: DepthwiseScalar>(_ tensor: Tensor<Scalar>) {
        scalarType = Scalar.scalarType
        shape = tensor.shape
        elementBytes = tensor.withUnsafeBufferPointer { Array(UnsafeRawBufferPointer($0)) }
    }

    init(scalarType: ScalarType, shape: [Int], elementBytes: [UInt8]) {
        self.scalarType = scalarType
        self.shape = shape
        self.elementBytes = elementBytes
    }

    /// The elements as a tensor of the array's own element type.
    ///
    /// - Throws: ``NumPyFormatError`` if `Scalar` is not the array's element type.
    public func tensor<Scalar: DepthwiseScalar>(of _: Scalar.Type = Scalar.self) throws -> Tensor<Scalar> {
        guard Scalar.scalarType == scalarType else {
            throw NumPyFormatError("the array holds \(scalarType), not \(Scalar.scalarType)")
        }
        let count = elementBytes.count / scalarType.byteCount
        let scalars = [Scalar](unsafeUninitializedCapacity: count) { buffer, initialized in
            elementBytes.withUnsafeBytes { UnsafeMutableRawBufferPointer(buffer).copyMemory(from: $0) }
            initialized = count
        }
        return try Tensor(shape: shape, scalars: scalars)
    }
}

/// A `.npy` file or byte string that cannot be read, and why.
public struct NumPyFormatError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong with the data.
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

extension NumPyArray {
    /// The elements as a tensor of `Scalar`, converted from the array's element type
    /// (exactly when widening, rounded once to nearest even when narrowing).
    public func tensor<Scalar: DepthwiseScalar>(convertingTo _: Scalar.Type) throws -> Tensor<Scalar> {
        if Scalar.scalarType == scalarType { return try tensor(of: Scalar.self) }
        let values: [Double] =
            switch scalarType {
            case .float16: try tensor(of: Float16.self).scalars.map(\.doubleValue)
            case .bfloat16: try tensor(of: BFloat16.self).scalars.map(\.doubleValue)
            case .float32: try tensor(of: Float.self).scalars.map(\.doubleValue)
            case .float64: try tensor(of: Double.self).scalars
            }
        return try Tensor(shape: shape, scalars: values.map(Scalar.init))
    }
}
