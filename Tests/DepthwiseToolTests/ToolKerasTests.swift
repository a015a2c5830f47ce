import Foundation
import GoldenFixtures
import NumPyFormat
import Testing

/// The Keras layer through the tool: every golden case, the constraints, the training example, and argument errors.
@Suite struct ToolKerasTests {
    @Test(arguments: GoldenFixtures.kerasCases.filter { $0.op == .kerasLayer })
    func layerMatchesKeras(_ golden: GoldenCase) throws {
        let directory = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try ToolRunner.run(golden.kerasToolArguments(directory: directory.path) + ["--print-losses"])
        try #require(result.status == 0, "\(golden.id): \(result.standardError)")
        var expectedFiles = ["output": golden.expected!, "dinput": golden.dinput!, "dkernel": golden.dkernel!]
        expectedFiles["dbias"] = golden.dbias
        for (name, fixture) in expectedFiles {
            let produced = try NumPyArray(contentsOf: directory.path + "/\(name).npy")
            #expect(try golden.mismatches(in: produced, against: fixture).isEmpty, "\(golden.id) \(name)")
        }
        let printed = try #require(Double(result.standardOutput.dropFirst("losses_sum: ".count).dropLast()))
        #expect(abs(printed - (golden.lossesSum ?? 0)) <= 1e-5 * max(1, abs(golden.lossesSum ?? 0)))
    }

    @Test(arguments: GoldenFixtures.kerasCases.filter { $0.op == .kerasConstraint })
    func constraintMatchesKeras(_ golden: GoldenCase) throws {
        let directory = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.path + "/config.json"
        try golden.kerasConfig.serialized().write(toFile: config, atomically: true, encoding: .utf8)
        let output = directory.path + "/constrained.npy"
        let result = try ToolRunner.run([
            "keras-constraint", "--config", config, "--kernel", GoldenFixtures.path(golden.kernel!), "--output", output,
        ])
        try #require(result.status == 0, "\(golden.id): \(result.standardError)")
        #expect(try golden.mismatches(in: NumPyArray(contentsOf: output)).isEmpty)
    }

    @Test func trainingExampleRecoversTheFilters() throws {
        let result = try ToolRunner.run(["train-example"])
        #expect(result.status == 0, "\(result.standardError)")
        let lines = result.standardOutput.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("epoch 60/60 [") })
        #expect(lines.last == "recovered every weight within 0.001 of the truth")
    }

    @Test func trainingExampleFailsWhenNotConverged() throws {
        let result = try ToolRunner.run(["train-example", "--epochs", "1"])
        #expect(result.status != 0)
        #expect(result.standardError.hasPrefix("error: the recovered filters are"))
    }

    @Test(arguments: [
        (["--input-gradient", "dx.npy"], "the gradient outputs need --out-backprop"),
        (["--out-backprop", "g.npy", "--input-gradient", "dx.npy"], "--out-backprop needs --input-gradient and --kernel-gradient"),
        (["--out-backprop", "g.npy", "--input-gradient", "y.npy", "--kernel-gradient", "dk.npy"], "the output files must be different"),
    ])
    func rejectsInconsistentGradientOptions(_ options: [String], message: String) throws {
        let result = try ToolRunner.run(
            ["keras-layer", "--config", "c.json", "--kernel", "k.npy", "--input", "x.npy", "--output", "y.npy"] + options)
        #expect(result.status != 0)
        #expect(result.standardError.hasPrefix("error: \(message)"), "\(result.standardError)")
    }

    @Test func rejectsAnInvalidConfigWithoutWritingAnything() throws {
        let golden = try #require(GoldenFixtures.kerasCases.first { $0.op == .kerasLayer && $0.bias != nil })
        let directory = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let arguments = try golden.kerasToolArguments(directory: directory.path)
        for (config, message) in [
            ("{\"kernel_size\": [3, 0]}", "kernel_size must be positive"),
            ("{\"kernel_size\": 3, \"padding\": \"causal\"}", "DepthwiseConv2D config: padding must be"),
            ("{\"kernel_size\": 3, \"filters\": 8}", "DepthwiseConv2D config: unknown argument filters"),
            ("{\"kernel_size\": 3,", "invalid JSON at byte"),
        ] {
            try config.write(toFile: directory.path + "/config.json", atomically: true, encoding: .utf8)
            let result = try ToolRunner.run(arguments)
            #expect(result.status != 0)
            #expect(result.standardError.hasPrefix("error: \(message)"), "\(result.standardError)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["config.json"])
    }
}
