import ArgumentParser
import DepthwiseConvolution
import DepthwiseLayers
import Foundation

/// `depthwise train-example`: trains a depthwise layer to recover known image filters.
struct TrainExampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-example",
        abstract: "Train a DepthwiseConv2D layer to recover known filters (blur, Sobel, Laplacian) from input/output pairs.",
        discussion: """
            Random images of 4 channels go through 4 known 3x3 filters and biases; a freshly \
            initialized layer learns them with Adam from the input/output pairs alone. Prints the \
            loss as it falls, then the recovered filters beside the true ones. Exits with an error \
            if a recovered weight is further than --tolerance from the truth.
            """)

    @Option(help: "Passes over the examples.") var epochs = 60
    @Option(name: .customLong("learning-rate"), help: "Adam's learning rate.") var learningRate = 0.02
    @Option(help: "The seed of the data, the initial weights and the shuffling.") var seed = 7
    @Option(help: "The largest accepted difference between a recovered and a true weight.") var tolerance = 1e-3

    func validate() throws {
        guard epochs > 0 else { throw ValidationError("--epochs must be positive, got \(epochs)") }
        guard learningRate > 0 else { throw ValidationError("--learning-rate must be positive, got \(learningRate)") }
    }

    func run() throws {
        let task = try FilterRecoveryTask(seed: seed)
        var layer = try DepthwiseConv2D<Float>(
            kernelSize: 3, padding: .same, depthwiseInitializer: .glorotUniform(seed: seed), name: "recovered")
        var adam = Adam(learningRate: learningRate)
        let showsBar = isatty(STDOUT_FILENO) != 0
        print("training \(task.trueKernel.shape) filters on \(task.inputs.shape[0]) images of \(task.inputs.shape.dropFirst())")
        try layer.fit(inputs: task.inputs, targets: task.targets, batchSize: 8, epochs: epochs, optimizer: &adam, shuffleSeed: seed) {
            progress in
            guard progress.step == progress.stepsPerEpoch else { return }
            let line = Self.progressLine(progress)
            if showsBar {
                print("\r" + line, terminator: progress.epoch == progress.epochs ? "\n" : "")
                fflush(nil)
            } else if progress.epoch == 1 || progress.epoch % 10 == 0 || progress.epoch == progress.epochs {
                print(line)
            }
        }
        let error = try task.report(layer)
        guard error <= tolerance else {
            throw ValidationError("the recovered filters are \(error) from the true ones, more than --tolerance \(tolerance)")
        }
        print("recovered every weight within \(tolerance) of the truth")
    }

    /// `epoch  12/60 [#####.....] loss 1.234e-03`
    static func progressLine(_ progress: TrainingProgress) -> String {
        let width = 30
        let done = progress.epoch * width / progress.epochs
        let bar = String(repeating: "#", count: done) + String(repeating: ".", count: width - done)
        let epoch = String(format: "%*d", String(progress.epochs).count, progress.epoch)
        return "epoch \(epoch)/\(progress.epochs) [\(bar)] loss \(String(format: "%.3e", progress.loss))"
    }
}

/// Images filtered by known depthwise filters: the pairs a layer learns from, and the answer.
struct FilterRecoveryTask {
    /// Box blur, horizontal and vertical Sobel, Laplacian: `[3, 3, 4, 1]`.
    let trueKernel: Tensor<Float>
    let trueBias: Tensor<Float>
    /// `[32, 12, 12, 4]`, uniform in `[-1, 1)`.
    let inputs: Tensor<Float>
    /// The inputs through the true filters (`SAME` padding) plus the true biases.
    let targets: Tensor<Float>

    static let filterNames = ["box blur", "Sobel x", "Sobel y", "Laplacian"]

    init(seed: Int) throws {
        let filters: [[Float]] = [
            Array(repeating: 1.0 / 9, count: 9),
            [-1, 0, 1, -2, 0, 2, -1, 0, 1].map { $0 / 4 },
            [-1, -2, -1, 0, 0, 0, 1, 2, 1].map { $0 / 4 },
            [0, 1, 0, 1, -4, 1, 0, 1, 0].map { $0 / 4 },
        ]
        // Kernel [kh, kw, C, 1]: tap (i, j) of channel c at (i * 3 + j) * 4 + c.
        trueKernel = try Tensor(shape: [3, 3, 4, 1], scalars: (0..<36).map { filters[$0 % 4][$0 / 4] })
        trueBias = try Tensor(shape: [4], scalars: [0.1, -0.2, 0.05, 0])
        inputs = try Initializer.randomUniform(minimum: -1, maximum: 1, seed: seed).tensor(shape: [32, 12, 12, 4])
        var layer = try DepthwiseConv2D<Float>(kernelSize: 3, padding: .same)
        try layer.setWeights(kernel: trueKernel, bias: trueBias)
        targets = try layer(inputs)
    }

    /// Prints each recovered filter beside the true one; returns the largest difference of any weight.
    func report(_ layer: DepthwiseConv2D<Float>) throws -> Double {
        guard let kernel = layer.kernel, let bias = layer.bias else {
            throw ValidationError("the layer was not trained")
        }
        let format = { (value: Float) in String(format: "%7.3f", value) }
        for (channel, name) in Self.filterNames.enumerated() {
            print("\(name): bias \(format(bias[channel])) (true \(format(trueBias[channel])))")
            for row in 0..<3 {
                let recovered = (0..<3).map { format(kernel[row, $0, channel, 0]) }.joined()
                let truth = (0..<3).map { format(trueKernel[row, $0, channel, 0]) }.joined()
                print("  \(recovered)   true \(truth)")
            }
        }
        let differences = zip(kernel.scalars + bias.scalars, trueKernel.scalars + trueBias.scalars).map { abs(Double($0 - $1)) }
        let largest = differences.max() ?? 0
        print("largest difference from the true weights: \(String(format: "%.2e", largest))")
        return largest
    }
}
