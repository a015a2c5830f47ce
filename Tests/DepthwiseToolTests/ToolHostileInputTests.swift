import DepthwiseConvolution
import Foundation
import NumPyFormat
import Testing

/// Files and arguments crafted to break a reader or overflow a size: the tool answers each
/// with one `error:` line and a non-zero exit, never a signal, and leaves no file.
@Suite final class ToolHostileInputTests {
    let directory: URL
    let input: String
    let filter: String

    init() throws {
        directory = try ToolRunner.temporaryDirectory()
        input = directory.appendingPathComponent("input.npy").path
        filter = directory.appendingPathComponent("filter.npy").path
        try NumPyArray(Tensor<Float>(shape: [1, 5, 5, 2], repeating: 1)).write(to: input)
        try NumPyArray(Tensor<Float>(shape: [3, 3, 2, 1], repeating: 1)).write(to: filter)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// A `.npy` file with the given header dictionary and payload.
    func npy(_ name: String, header: String, payload: [UInt8] = []) throws -> String {
        var text = header
        while (10 + text.utf8.count + 1) % 64 != 0 { text += " " }
        text += "\n"
        let length = UInt16(text.utf8.count)
        let bytes = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(text.utf8) + payload
        let path = directory.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func hostileFilesAndSizesGiveOneErrorLine() throws {
        let files = [
            try npy(
                "truncated.npy", header: "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 5, 5, 2), }", payload: [0, 0, 128, 63]),
            try npy("lying.npy", header: "{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776, 5, 5, 2), }"),
            try npy("overflow.npy", header: "{'descr': '<f4', 'fortran_order': False, 'shape': (9223372036854775807, 3), }"),
            try npy("integers.npy", header: "{'descr': '<i4', 'fortran_order': False, 'shape': (1, 5, 5, 2), }"),
            try npy("objects.npy", header: "{'descr': '|O', 'fortran_order': False, 'shape': (1, 5, 5, 2), }"),
            try npy("negative.npy", header: "{'descr': '<f4', 'fortran_order': False, 'shape': (1, -5, 5, 2), }"),
        ]
        let output = directory.appendingPathComponent("out.npy").path
        var runs = files.map { ["conv2d", "--input", $0, "--filter", filter, "--output", output] }
        runs += [
            ["backprop-filter", "--input", input, "--filter-sizes", "13,1879048192,1,1879048192", "--out-backprop", input],
            ["backprop-input", "--input-sizes", "1,1099511627776,1099511627776,2", "--filter", filter, "--out-backprop", input],
            ["conv2d", "--input", input, "--filter", filter, "--strides", "9223372036854775807"],
            ["conv2d", "--input", input, "--filter", filter, "--dilations", "4611686018427387904"],
            ["conv2d", "--input", input, "--filter", filter, "--padding", "9223372036854775807,9223372036854775807,0,0"],
            ["conv2d", "--input", input, "--filter", filter, "--threads", "100000"],
            ["conv2d", "--input", input, "--filter", filter, "--threads", "0"],
        ].map { $0 + ["--output", output] }
        for arguments in runs {
            let result = try ToolRunner.run(arguments)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.standardError.hasPrefix("error: "), "\(arguments): \(result.standardError)")
            #expect(result.standardError.split(separator: "\n").count == 1, "\(arguments): \(result.standardError)")
            #expect(!FileManager.default.fileExists(atPath: output), "\(arguments)")
        }
    }
}
