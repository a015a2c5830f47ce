import DepthwiseConvolution
import NumPyFormat

extension FuzzTargets {
    /// The `.npy` reader on any bytes: it throws `NumPyFormatError`, or returns an array whose
    /// bytes read back to the same array, and whose elements convert to every scalar type.
    public static func numPy(_ bytes: [UInt8]) {
        let array: NumPyArray
        do {
            array = try NumPyArray(npyBytes: bytes)
        } catch is NumPyFormatError {
            return
        } catch {
            preconditionFailure("the .npy reader threw \(type(of: error)): \(error)")
        }
        let reread = try? NumPyArray(npyBytes: array.npyBytes)
        precondition(reread == array, "the written .npy bytes do not read back to the same array")
        let floats = try? array.tensor(convertingTo: Float.self)
        precondition(floats?.shape == array.shape, "a parsed array does not convert to Float")
        _ = try? array.tensor(convertingTo: BFloat16.self)
    }
}
