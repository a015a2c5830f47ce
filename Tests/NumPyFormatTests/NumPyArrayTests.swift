import DepthwiseConvolution
import Foundation
import NumPyFormat
import Testing

@Suite struct NumPyArrayTests {
    /// np.save of np.arange(6, dtype='<f4').reshape(2, 3), byte for byte.
    static let numpyFloat32: [UInt8] =
        [0x93] + Array("NUMPY".utf8) + [1, 0, 118, 0]
        + Array("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }".utf8)
        + Array(repeating: UInt8(ascii: " "), count: 58) + [0x0A]
        + [Float](arrayLiteral: 0, 1, 2, 3, 4, 5).flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }

    @Test func readsWhatNumPyWrites() throws {
        let array = try NumPyArray(npyBytes: Self.numpyFloat32)
        #expect(array.scalarType == .float32)
        #expect(array.shape == [2, 3])
        #expect(try array.tensor(of: Float.self).scalars == [0, 1, 2, 3, 4, 5])
    }

    @Test func writesWhatNumPyWrites() throws {
        let tensor = try Tensor<Float>(shape: [2, 3], scalars: [0, 1, 2, 3, 4, 5])
        #expect(NumPyArray(tensor).npyBytes == Self.numpyFloat32)
    }

    @Test func roundTripsEveryScalarType() throws {
        try roundTrip(Tensor<Float16>(shape: [1, 2, 1, 2], scalars: [1.5, -2, 0, 65504]))
        try roundTrip(Tensor<BFloat16>(shape: [3], scalars: [1, -0.5, 3.140625]))
        try roundTrip(Tensor<Float>(shape: [], scalars: [7]))
        try roundTrip(Tensor<Double>(shape: [0, 4], scalars: []))
        try roundTrip(Tensor<Double>(shape: [2, 1], scalars: [.pi, -.infinity]))
    }

    private func roundTrip<S: DepthwiseScalar>(_ tensor: Tensor<S>) throws {
        let bytes = NumPyArray(tensor).npyBytes
        #expect(bytes.count % 64 == tensor.scalars.count * S.scalarType.byteCount % 64, "data starts on a 64-byte boundary")
        #expect(try NumPyArray(npyBytes: bytes).tensor(of: S.self) == tensor)
    }

    @Test func readsBigEndianAndFortranOrder() throws {
        // np.arange(6, dtype='>f8').reshape(2, 3, order='F'): memory holds columns 0 3 | 1 4 | 2 5.
        let header = "{'descr': '>f8', 'fortran_order': True, 'shape': (2, 3), }\n"
        let values: [Double] = [0, 3, 1, 4, 2, 5]
        let bytes =
            [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count), 0] + Array(header.utf8)
            + values.flatMap { withUnsafeBytes(of: $0.bitPattern.bigEndian, Array.init) }
        let tensor = try NumPyArray(npyBytes: bytes).tensor(of: Double.self)
        #expect(tensor.shape == [2, 3])
        #expect(tensor.scalars == [0, 1, 2, 3, 4, 5])
    }

    @Test func readsVersionTwoHeadersAndBFloat16() throws {
        let header = "{'descr': '<V2', 'fortran_order': False, 'shape': (2,), }\n"
        let bytes =
            [0x93] + Array("NUMPY".utf8) + [2, 0, UInt8(header.utf8.count), 0, 0, 0] + Array(header.utf8) + [0x80, 0x3F, 0x00, 0xC0]
        #expect(try NumPyArray(npyBytes: bytes).tensor(of: BFloat16.self).scalars == [1, -2])
    }

    static let malformed: [(String, [UInt8])] = [
        ("empty", []),
        ("no magic", Array("NUMPX\u{1}\u{0}\u{10}\u{0}".utf8)),
        ("version 9", [0x93] + Array("NUMPY".utf8) + [9, 0, 0, 0]),
        ("truncated header", header("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", declaredLength: 200)),
        ("integer dtype", header("{'descr': '<i4', 'fortran_order': False, 'shape': (1,), }") + [0, 0, 0, 0]),
        ("object dtype", header("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }") + [0, 0, 0, 0, 0, 0, 0, 0]),
        ("missing data", header("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }") + [0, 0, 0, 0]),
        ("extra data", header("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }") + [0, 0, 0, 0, 1]),
        ("overflowing shape", header("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }")),
        ("huge dimension", header("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,), }")),
        ("negative dimension", header("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }")),
        ("missing key", header("{'descr': '<f4', 'shape': (1,), }") + [0, 0, 0, 0]),
        ("repeated key", header("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,), }") + [0, 0, 0, 0]),
        ("unterminated", header("{'descr': '<f4")),
        ("not a dictionary", header("[1, 2, 3]")),
        ("header too long", [0x93] + Array("NUMPY".utf8) + [2, 0, 0xFF, 0xFF, 0, 0]),
    ]

    static func header(_ text: String, declaredLength: Int? = nil) -> [UInt8] {
        let length = declaredLength ?? text.utf8.count
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(text.utf8)
    }

    @Test(arguments: malformed.map(\.0))
    func rejectsMalformedFiles(_ name: String) {
        let bytes = Self.malformed.first { $0.0 == name }!.1
        #expect(throws: NumPyFormatError.self) { try NumPyArray(npyBytes: bytes) }
    }

    @Test func rejectsTheWrongScalarType() throws {
        let array = try NumPyArray(npyBytes: Self.numpyFloat32)
        #expect(throws: NumPyFormatError.self) { try array.tensor(of: Double.self) }
    }

    @Test func writesAtomically() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("npy-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("a.npy").path
        try NumPyArray(Tensor<Float>(shape: [1], scalars: [1])).write(to: path)
        #expect(try NumPyArray(contentsOf: path).tensor(of: Float.self).scalars == [1])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["a.npy"])
        #expect(throws: NumPyFormatError.self) {
            try NumPyArray(Tensor<Float>(shape: [1], scalars: [1])).write(to: directory.path + "/missing/b.npy")
        }
    }
}
