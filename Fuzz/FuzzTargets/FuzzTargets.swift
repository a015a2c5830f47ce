/// Properties checked on arbitrary bytes, by libFuzzer (`Scripts/fuzz.sh`) and by the tests
/// that replay the committed corpus. A violated property stops the process with a message.
public enum FuzzTargets {
    /// The targets by name, as `Scripts/fuzz.sh` and the corpus folders name them.
    public static let all: [String: @Sendable ([UInt8]) -> Void] = [
        "npy": numPy, "convolution": convolution, "keras-config": kerasConfig,
    ]
}
