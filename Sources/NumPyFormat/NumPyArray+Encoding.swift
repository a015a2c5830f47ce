import DepthwiseConvolution
import Foundation

extension NumPyArray {
    /// The bytes of a version 1.0 `.npy` file holding the array: little-endian, C order,
    /// bfloat16 as `<V2`, the header padded so that the data starts at a multiple of 64 bytes.
    public var npyBytes: [UInt8] {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(NumPyHeader.descr(for: scalarType))', 'fortran_order': False, 'shape': \(shapeText), }"
        // magic (6) + version (2) + length (2) + header + newline, padded with spaces to 64 bytes.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        let length = header.utf8.count
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)]
            + Array(header.utf8) + elementBytes
    }

    /// Writes the array to a `.npy` file atomically: into a temporary file beside it, then
    /// renamed over `path`, so that a failure leaves any existing file unchanged.
    public func write(to path: String) throws {
        do {
            try Data(npyBytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw NumPyFormatError("cannot write '\(path)': \(error.localizedDescription)")
        }
    }
}
