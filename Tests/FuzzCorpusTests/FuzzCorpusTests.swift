import Foundation
import FuzzTargets
import Testing

/// Every committed fuzzer input (the seed corpus, and each input that once found a bug)
/// through its target: a regression stops the test process with the target's message.
@Suite struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Fuzz/Corpus").standardized

    static func files(of target: String) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(
            at: corpus.appendingPathComponent(target), includingPropertiesForKeys: nil)
    }

    @Test(arguments: FuzzTargets.all.keys.sorted())
    func corpusPasses(_ target: String) throws {
        let files = try Self.files(of: target)
        #expect(files.count >= 5, "the \(target) corpus holds \(files.count) inputs")
        for file in files { FuzzTargets.all[target]!(Array(try Data(contentsOf: file))) }
    }
}
