import ArgumentParser
import Foundation

/// Runs the tool; every failure ends with one `error:` line on standard error and a non-zero exit.
@main
enum ToolMain {
    static func main() {
        do {
            var command = try Depthwise.parseAsRoot()
            try command.run()
        } catch {
            let exitCode = Depthwise.exitCode(for: error)
            guard exitCode != .success else { Depthwise.exit(withError: error) }  // --help and the like
            let message =
                Depthwise.message(for: error)
                .split(separator: "\n").first.map(String.init) ?? "\(error)"
            FileHandle.standardError.write(Data("error: \(message)\n".utf8))
            Foundation.exit(exitCode.rawValue == 0 ? 1 : exitCode.rawValue)
        }
    }
}

/// The `depthwise` command: depthwise 2-D convolution and its gradients on `.npy` files.
struct Depthwise: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "depthwise",
        abstract: "TensorFlow-exact depthwise 2-D convolution, its gradients and the Keras layer, on .npy files.",
        discussion: """
            Arrays are NumPy .npy files of float16 (<f2), bfloat16 (<V2), float32 (<f4) or float64 (<f8); \
            the result has the operands' type. Outputs are written atomically: a failed run leaves no file.
            """,
        subcommands: [
            Conv2DCommand.self, BackpropInputCommand.self, BackpropFilterCommand.self, KerasLayerCommand.self,
            KerasConstraintCommand.self, TrainExampleCommand.self, BenchCommand.self,
        ]
    )
}
