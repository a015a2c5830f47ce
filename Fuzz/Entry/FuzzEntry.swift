import Foundation
import FuzzTargets

#if FUZZING
    // Compiled by Scripts/fuzz.sh with -sanitize=fuzzer: libFuzzer provides `main` and calls
    // this for each input, on the target named by DEPTHWISE_FUZZ_TARGET.
    private let target = FuzzTargets.all[ProcessInfo.processInfo.environment["DEPTHWISE_FUZZ_TARGET"] ?? ""]

    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        guard let target else { fatalError("set DEPTHWISE_FUZZ_TARGET to one of \(FuzzTargets.all.keys.sorted())") }
        target(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
        return 0
    }
#else
    /// Without libFuzzer: `depthwise-fuzz TARGET FILE...` runs the files through a target.
    @main
    enum FuzzReplay {
        static func main() throws {
            let arguments = CommandLine.arguments.dropFirst()
            guard let name = arguments.first, let target = FuzzTargets.all[name] else {
                print("usage: depthwise-fuzz \(FuzzTargets.all.keys.sorted().joined(separator: "|")) FILE...")
                exit(2)
            }
            for file in arguments.dropFirst() {
                target(Array(try Data(contentsOf: URL(fileURLWithPath: file))))
            }
        }
    }
#endif
