import Foundation
import GoldenFixtures
import NumPyFormat
import Testing

/// Every golden convolution case through the command-line tool, in TensorFlow's argument forms.
@Suite struct ToolGoldenTests {
    @Test(arguments: GoldenFixtures.convolutionCases.filter { !$0.isErrorCase })
    func matchesTensorFlow(_ golden: GoldenCase) throws {
        let directory = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("result.npy").path
        let result = try ToolRunner.run(golden.toolArguments(output: output))
        try #require(result.status == 0, "\(golden.id): \(result.standardError)")
        let mismatches = try golden.mismatches(in: NumPyArray(contentsOf: output))
        #expect(mismatches.isEmpty, "\(golden.id): \(mismatches.prefix(3))")
    }

    @Test(arguments: GoldenFixtures.convolutionCases.filter(\.isErrorCase))
    func rejectsOrShapesAsSpecified(_ golden: GoldenCase) throws {
        let directory = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("result.npy").path
        let result = try ToolRunner.run(golden.toolArguments(output: output))
        if golden.expect == "error" {
            #expect(result.status != 0, "\(golden.id)")
            #expect(result.standardError.hasPrefix("error: "), "\(golden.id): \(result.standardError)")
            #expect(result.standardError.split(separator: "\n").count == 1, "\(golden.id): one line, got \(result.standardError)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty, "\(golden.id) left a file")
        } else {
            try #require(result.status == 0, "\(golden.id): \(result.standardError)")
            #expect(try NumPyArray(contentsOf: output).shape == golden.expectedShape)
        }
    }
}
