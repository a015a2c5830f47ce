import ArgumentParser
import DepthwiseConvolution
import Foundation

/// `depthwise bench`: times the operations on one layer, or on the MobileNetV2 and EfficientNet-B0 suite.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time the convolution and its gradients (median over repeats).",
        discussion: "Without --input-shape, runs the suite of MobileNetV2 and EfficientNet-B0 depthwise layers.")

    @Option(help: "forward, backprop-input or backprop-filter.") var op: BenchOperation = .forward
    @Option(name: .customLong("input-shape"), help: "N,H,W,C (logical order, whatever the layout).") var inputShape: String?
    @Option(name: .customLong("filter-size"), help: "K or KH,KW.") var filterSize = "3"
    @Option(help: "The channel multiplier.") var multiplier = 1
    @Option(help: "S or SH,SW.") var strides = "1"
    @Option(help: "SAME or VALID.") var padding = "SAME"
    @Option(help: "D or DH,DW.") var dilations = "1"
    @Option(help: "float32, float64, float16 or bfloat16.") var dtype: ScalarType = .float32
    @Option(name: .customLong("data-format"), help: "NHWC or NCHW.") var dataFormat = "NHWC"
    @Option(help: "Threads (default: all processors).") var threads: Int?
    @Option(help: "automatic, simd, avx2, avx512 or reference.") var kernels: ExecutionOptions.Kernels = .automatic
    @Option(help: "Timed repeats; the median is reported.") var repeats = 50
    @Flag(help: "Print one JSON object per layer.") var json = false

    func run() throws {
        guard let format = DataFormat(rawValue: dataFormat.uppercased()) else {
            throw ValidationError("--data-format must be NHWC or NCHW, got '\(dataFormat)'")
        }
        guard (1...100_000).contains(repeats) else { throw ValidationError("--repeats must be between 1 and 100000") }
        let execution = ExecutionOptions(threadCount: threads ?? ProcessInfo.processInfo.activeProcessorCount, kernels: kernels)
        let layers: [BenchLayer]
        if let inputShape {
            let shape = try integers(inputShape, "--input-shape")
            guard shape.count == 4 else { throw ValidationError("--input-shape must be N,H,W,C, got '\(inputShape)'") }
            layers = [
                BenchLayer(
                    name: "layer", batch: shape[0], height: shape[1], width: shape[2], channels: shape[3],
                    filter: try pair(filterSize, "--filter-size"), multiplier: multiplier,
                    strides: try pair(strides, "--strides"), padding: try Padding(tensorFlowName: padding),
                    dilations: try pair(dilations, "--dilations"))
            ]
        } else {
            layers = BenchLayer.suite
        }
        if !json {
            print("layer                      op               dtype     layout  threads   median ms     GB/s   GFLOP/s")
        }
        for layer in layers {
            let timing = try dtype.run(BenchRun(layer: layer, op: op, format: format, execution: execution, repeats: repeats))
            let gigabytes = Double(layer.compulsoryBytes(dtype)) / 1e9
            let gigaflops = Double(2 * layer.multiplyAdds) / 1e9
            let seconds = timing / 1e3
            if json {
                let fields: [(String, String)] = [
                    ("layer", "\"\(layer.name)\""), ("op", "\"\(op.rawValue)\""), ("dtype", "\"\(dtype)\""),
                    ("data_format", "\"\(format)\""), ("threads", "\(execution.threadCount)"),
                    ("median_ms", String(format: "%.5f", timing)), ("gbps", String(format: "%.3f", gigabytes / seconds)),
                    ("gflops", String(format: "%.3f", gigaflops / seconds)),
                ]
                print("{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}")
            } else {
                let text = [(layer.name, 26), (op.rawValue, 16), (dtype.rawValue, 9), (format.rawValue, 7)]
                    .map { $0.0.padding(toLength: max($0.1, $0.0.count), withPad: " ", startingAt: 0) }
                print(
                    text.joined(separator: " ")
                        + String(
                            format: " %7d %11.4f %8.2f %9.2f", execution.threadCount, timing, gigabytes / seconds, gigaflops / seconds))
            }
        }
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
