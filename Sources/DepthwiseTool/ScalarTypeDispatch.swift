import DepthwiseConvolution
import NumPyFormat

/// A computation written once for every scalar type, run for the type the files hold.
protocol ScalarTypeComputation {
    associatedtype Result
    func compute<Scalar: DepthwiseScalar>(_: Scalar.Type) throws -> Result
}

extension ScalarType {
    func run<Computation: ScalarTypeComputation>(_ computation: Computation) throws -> Computation.Result {
        switch self {
        case .float16: try computation.compute(Float16.self)
        case .bfloat16: try computation.compute(BFloat16.self)
        case .float32: try computation.compute(Float.self)
        case .float64: try computation.compute(Double.self)
        }
    }
}

/// The element type shared by all operand arrays.
func commonScalarType(_ arrays: [(NumPyArray, String)]) throws -> ScalarType {
    let type = arrays[0].0.scalarType
    for (array, name) in arrays where array.scalarType != type {
        throw DepthwiseError(
            .invalidArgument,
            "\(name) holds \(array.scalarType) but \(arrays[0].1) holds \(type); all operands must have the same type")
    }
    return type
}
