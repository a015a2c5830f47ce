import DepthwiseConvolution
import Foundation

extension NumPyArray {
    /// The largest header this reader accepts, as NumPy's own default limit.
    public static let maximumHeaderLength = 10_000

    /// Reads an array from a `.npy` file.
    ///
    /// - Throws: ``NumPyFormatError`` if the file is not a well-formed `.npy` file of a supported
    ///   element type, or an error from the file system.
    public init(contentsOf path: String) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw NumPyFormatError("cannot read '\(path)': \(error.localizedDescription)")
        }
        do {
            try self.init(npyBytes: [UInt8](data))
        } catch let error as NumPyFormatError {
            throw NumPyFormatError("'\(path)': \(error.message)")
        }
    }

    /// Decodes an array from the bytes of a `.npy` file.
    ///
    /// - Throws: ``NumPyFormatError`` if the bytes are not a well-formed `.npy` file of a
    ///   supported element type, with exactly as many data bytes as the header announces.
    public init(npyBytes bytes: [UInt8]) throws {
        let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw NumPyFormatError("not a .npy file (no \\x93NUMPY magic string)")
        }
        let major = bytes[6]
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw NumPyFormatError("truncated header length") }
            headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
            headerStart = 12
        default:
            throw NumPyFormatError("unsupported .npy format version \(major).\(bytes[7])")
        }
        guard headerLength <= Self.maximumHeaderLength else {
            throw NumPyFormatError("header of \(headerLength) bytes exceeds the limit of \(Self.maximumHeaderLength)")
        }
        guard bytes.count - headerStart >= headerLength else {
            throw NumPyFormatError("truncated header: \(headerLength) bytes announced, \(bytes.count - headerStart) present")
        }
        let header = try NumPyHeader(parsing: bytes[headerStart..<(headerStart + headerLength)])
        let dataStart = headerStart + headerLength
        let count = try header.shape.reduce(1) { product, size in
            let (next, overflow) = product.multipliedReportingOverflow(by: size)
            guard !overflow else { throw NumPyFormatError("element count of shape \(header.shape) overflows") }
            return next
        }
        let itemSize = header.scalarType.byteCount
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: itemSize)
        guard !overflow else { throw NumPyFormatError("byte count of shape \(header.shape) overflows") }
        guard bytes.count - dataStart == byteCount else {
            throw NumPyFormatError(
                "shape \(header.shape) of \(header.scalarType) needs \(byteCount) data bytes, the file has \(bytes.count - dataStart)")
        }
        var elements = Array(bytes[dataStart...])
        if header.bigEndian { Self.reverseBytes(of: &elements, itemSize: itemSize) }
        if header.fortranOrder { elements = Self.fortranToC(elements, shape: header.shape, itemSize: itemSize) }
        self.init(scalarType: header.scalarType, shape: header.shape, elementBytes: elements)
    }

    private static func reverseBytes(of elements: inout [UInt8], itemSize: Int) {
        for start in stride(from: 0, to: elements.count, by: itemSize) {
            elements[start..<(start + itemSize)].reverse()
        }
    }

    /// Reorders elements from column-major (first index fastest) to row-major (last index fastest).
    private static func fortranToC(_ elements: [UInt8], shape: [Int], itemSize: Int) -> [UInt8] {
        guard shape.count > 1, !elements.isEmpty else { return elements }
        var result = [UInt8](repeating: 0, count: elements.count)
        var index = [Int](repeating: 0, count: shape.count)  // row-major position, last index fastest
        var columnStrides = [Int](repeating: 1, count: shape.count)
        for axis in 1..<shape.count { columnStrides[axis] = columnStrides[axis - 1] * shape[axis - 1] }
        for target in 0..<(elements.count / itemSize) {
            let source = zip(index, columnStrides).reduce(0) { $0 + $1.0 * $1.1 }
            for byte in 0..<itemSize { result[target * itemSize + byte] = elements[source * itemSize + byte] }
            for axis in stride(from: shape.count - 1, through: 0, by: -1) {
                index[axis] += 1
                if index[axis] < shape[axis] { break }
                index[axis] = 0
            }
        }
        return result
    }
}
