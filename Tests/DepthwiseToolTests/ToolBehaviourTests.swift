import DepthwiseConvolution
import Foundation
import NumPyFormat
import Testing

/// The tool's argument forms, its errors, and its promise to leave no partial file behind.
@Suite final class ToolBehaviourTests {
    let directory: URL
    let input: String
    let filter: String

    init() throws {
        directory = try ToolRunner.temporaryDirectory()
        input = directory.appendingPathComponent("input.npy").path
        filter = directory.appendingPathComponent("filter.npy").path
        try NumPyArray(Tensor<Float>(shape: [1, 6, 7, 3], scalars: (0..<126).map { Float($0 % 11) - 5 })).write(to: input)
        try NumPyArray(Tensor<Float>(shape: [3, 3, 3, 2], scalars: (0..<54).map { Float($0 % 7) - 3 })).write(to: filter)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    private func conv2d(_ options: [String], output: String = "out.npy") throws -> (ToolRunner.Result, String) {
        let path = directory.appendingPathComponent(output).path
        return (try ToolRunner.run(["conv2d", "--input", input, "--filter", filter, "--output", path] + options), path)
    }

    @Test func everyStrideAndPaddingFormGivesTheSameResult() throws {
        var results: [NumPyArray] = []
        for (index, options) in [
            ["--strides", "2", "--padding", "1,1,0,2"],
            ["--strides", "2,2", "--padding", "0,0,1,1,0,2,0,0"],
            ["--strides", "1,2,2,1", "--padding", "[[0, 0], [1, 1], [0, 2], [0, 0]]", "--dilations", "1,1,1,1"],
        ].enumerated() {
            let (result, path) = try conv2d(options, output: "out\(index).npy")
            try #require(result.status == 0, "\(options): \(result.standardError)")
            results.append(try NumPyArray(contentsOf: path))
        }
        #expect(results.allSatisfy { $0 == results[0] })
        #expect(results[0].shape == [1, 3, 4, 6])  // height (6 + 1 + 1 - 3 + 2) / 2, width (7 + 0 + 2 - 3 + 2) / 2
    }

    @Test func failedRunLeavesTheExistingOutputUnchanged() throws {
        let path = directory.appendingPathComponent("keep.npy").path
        let original = Data("precious".utf8)
        try original.write(to: URL(fileURLWithPath: path))
        let (result, _) = try conv2d(["--strides", "0"], output: "keep.npy")
        #expect(result.status != 0)
        #expect(result.standardError == "error: stride must be positive, got 0 for the height\n")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == original)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["filter.npy", "input.npy", "keep.npy"])
    }

    @Test(arguments: [
        ["--padding", "FULL"], ["--padding", "1,2,3"], ["--strides", "a"], ["--strides", "1,2,2"], ["--data-format", "NWHC"],
        ["--threads", "0"], ["--threads", "-3"], ["--dilations", "2,1,1,1"], ["--unknown"],
    ])
    func badOptionsGiveOneErrorLine(_ options: [String]) throws {
        let (result, path) = try conv2d(options)
        #expect(result.status != 0)
        #expect(result.standardError.hasPrefix("error: "), "\(options): \(result.standardError)")
        #expect(result.standardError.split(separator: "\n").count == 1, "\(options): \(result.standardError)")
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func badFilesGiveOneErrorLine() throws {
        let garbage = directory.appendingPathComponent("garbage.npy").path
        try Data("not an array".utf8).write(to: URL(fileURLWithPath: garbage))
        let double = directory.appendingPathComponent("double.npy").path
        try NumPyArray(Tensor<Double>(shape: [3, 3, 3, 2], repeating: 1)).write(to: double)
        let output = directory.appendingPathComponent("out.npy").path
        for arguments in [
            ["conv2d", "--input", garbage, "--filter", filter, "--output", output],
            ["conv2d", "--input", directory.appendingPathComponent("missing.npy").path, "--filter", filter, "--output", output],
            ["conv2d", "--input", input, "--filter", double, "--output", output],
            ["conv2d", "--input", input, "--filter", filter, "--output", directory.appendingPathComponent("no/such/dir.npy").path],
            ["backprop-input", "--input-sizes", "1,6,7", "--filter", filter, "--out-backprop", input, "--output", output],
            ["backprop-filter", "--input", input, "--filter-sizes", "3,3,3,x", "--out-backprop", input, "--output", output],
        ] {
            let result = try ToolRunner.run(arguments)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.standardError.hasPrefix("error: "), "\(arguments): \(result.standardError)")
            #expect(result.standardError.split(separator: "\n").count == 1, "\(arguments): \(result.standardError)")
            #expect(!FileManager.default.fileExists(atPath: output))
        }
    }

    @Test(arguments: ["forward", "backprop-input", "backprop-filter"])
    func benchPrintsOneJSONObject(op: String) throws {
        let result = try ToolRunner.run([
            "bench", "--op", op, "--input-shape", "1,9,8,5", "--filter-size", "3", "--multiplier", "2", "--strides", "2",
            "--dtype", "bfloat16", "--data-format", "NCHW", "--threads", "2", "--repeats", "2", "--json",
        ])
        try #require(result.status == 0, "\(result.standardError)")
        let object = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
        #expect(object?["op"] as? String == op)
        #expect((object?["median_ms"] as? Double ?? -1) >= 0)
        #expect(object?["gflops"] != nil && object?["gbps"] != nil)
        let fraction = try #require(object?["roofline_fraction"] as? Double)
        #expect(fraction > 0 && fraction.isFinite)
    }

    @Test func helpExitsSuccessfully() throws {
        let result = try ToolRunner.run(["conv2d", "--help"])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("--data-format"))
    }
}
