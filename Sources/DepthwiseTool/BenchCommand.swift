import ArgumentParser
import DepthwiseConvolution
import Foundation

/// `depthwise bench`: times the operations on one layer, or on the MobileNetV2 and EfficientNet-B0 suite.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time the convolution and its gradients (median over repeats).",
        discussion: "Without --input-shape, runs the suite of MobileNetV2 and EfficientNet-B0 depthwise layers.")

    @Option(help: "forward, backprop-input or backprop-filter (suite: all three).") var op: BenchOperation?
    @Option(name: .customLong("input-shape"), help: "N,H,W,C (logical order, whatever the layout).") var inputShape: String?
    @Option(name: .customLong("filter-size"), help: "K or KH,KW.") var filterSize = "3"
    @Option(help: "The channel multiplier.") var multiplier = 1
    @Option(help: "S or SH,SW.") var strides = "1"
    @Option(help: "SAME or VALID.") var padding = "SAME"
    @Option(help: "D or DH,DW.") var dilations = "1"
    @Option(help: "float32, float64, float16 or bfloat16 (suite: all four).") var dtype: ScalarType?
    @Option(name: .customLong("data-format"), help: "NHWC or NCHW (suite: both).") var dataFormat: String?
    @Option(help: "The suite's batch size.") var batch = 1
    @Option(help: "Threads (default: all processors).") var threads: Int?
    @Option(help: "automatic, simd, avx2, avx512 or reference.") var kernels: ExecutionOptions.Kernels = .automatic
    @Option(help: "Timed repeats; the median is reported.") var repeats = 50
    @Flag(help: "Print one JSON object per layer.") var json = false

    func run() throws {
        let formats = try dataFormat.map { name in
            guard let format = DataFormat(rawValue: name.uppercased()) else {
                throw ValidationError("--data-format must be NHWC or NCHW, got '\(name)'")
            }
            return [format]
        }
        guard (1...100_000).contains(repeats) else { throw ValidationError("--repeats must be between 1 and 100000") }
        guard (1...1024).contains(batch) else { throw ValidationError("--batch must be between 1 and 1024") }
        let execution = ExecutionOptions(threadCount: threads ?? ProcessInfo.processInfo.activeProcessorCount, kernels: kernels)
        var runs: [BenchRun] = []
        if let inputShape {
            let shape = try integers(inputShape, "--input-shape")
            guard shape.count == 4 else { throw ValidationError("--input-shape must be N,H,W,C, got '\(inputShape)'") }
            let layer = BenchLayer(
                name: "layer", batch: shape[0], height: shape[1], width: shape[2], channels: shape[3],
                filter: try pair(filterSize, "--filter-size"), multiplier: multiplier,
                strides: try pair(strides, "--strides"), padding: try Padding(tensorFlowName: padding),
                dilations: try pair(dilations, "--dilations"))
            runs = [
                BenchRun(
                    layer: layer, op: op ?? .forward, dtype: dtype ?? .float32, format: formats?.first ?? .nhwc,
                    execution: execution, repeats: repeats)
            ]
        } else {
            for op in op.map({ [$0] }) ?? BenchOperation.allCases {
                for dtype in dtype.map({ [$0] }) ?? [.float32, .float64, .float16, .bfloat16] {
                    for format in formats ?? DataFormat.allCases {
                        for var layer in BenchLayer.suite {
                            layer.batch = batch
                            runs.append(
                                BenchRun(layer: layer, op: op, dtype: dtype, format: format, execution: execution, repeats: repeats))
                        }
                    }
                }
            }
        }
        if !json { print(BenchResult.tableHeader) }
        var limits = RooflineCache(execution: execution)
        for (index, run) in runs.enumerated() {
            if runs.count > 1 { progress("[\(index + 1)/\(runs.count)] \(run.op.rawValue) \(run.dtype) \(run.format) \(run.layer.name)") }
            let milliseconds = try run.dtype.run(run)
            let result = BenchResult(run: run, milliseconds: milliseconds, roofline: try limits.roofline(for: run))
            print(json ? result.jsonLine : result.tableRow)
        }
        if runs.count > 1 { progress("") }
    }

    /// Rewrites one line of progress on standard error.
    private func progress(_ text: String) {
        guard isatty(STDERR_FILENO) != 0 else { return }
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
    }

    private func pair(_ text: String, _ option: String) throws -> HeightWidth {
        let values = try integers(text, option)
        guard values.count == 1 || values.count == 2 else { throw ValidationError("\(option) takes 1 or 2 values, got '\(text)'") }
        return values.count == 1 ? HeightWidth(values[0]) : HeightWidth(height: values[0], width: values[1])
    }
}

enum BenchOperation: String, ExpressibleByArgument, CaseIterable {
    case forward
    case backpropInput = "backprop-input"
    case backpropFilter = "backprop-filter"
}

extension ScalarType: ExpressibleByArgument {}
extension ExecutionOptions.Kernels: ExpressibleByArgument {}
