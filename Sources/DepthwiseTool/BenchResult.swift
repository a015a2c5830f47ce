import DepthwiseConvolution
import Foundation

/// One benchmarked operation's figures: time, throughput and the fraction of the roofline.
struct BenchResult {
    let run: BenchRun
    let milliseconds: Double
    let roofline: Roofline

    var seconds: Double { milliseconds / 1e3 }
    var bytes: Double { Double(run.layer.compulsoryBytes(run.dtype)) }
    var flops: Double { Double(2 * run.layer.multiplyAdds) }
    /// The time the roofline allows over the time taken: 1 is as fast as the machine can go.
    var rooflineFraction: Double { roofline.minimumSeconds(flops: flops, bytes: bytes) / seconds }

    static let tableHeader =
        "layer                      op               dtype     layout  threads   median ms     GB/s   GFLOP/s  roofline"

    var tableRow: String {
        let text = [(run.layer.name, 26), (run.op.rawValue, 16), (run.dtype.rawValue, 9), (run.format.rawValue, 7)]
            .map { $0.0.padding(toLength: max($0.1, $0.0.count), withPad: " ", startingAt: 0) }
        return text.joined(separator: " ")
            + String(
                format: " %7d %11.4f %8.2f %9.2f %8.0f%%", run.execution.threadCount, milliseconds, bytes / seconds / 1e9,
                flops / seconds / 1e9, 100 * rooflineFraction)
    }

    var jsonLine: String {
        let fields: [(String, String)] = [
            ("layer", "\"\(run.layer.name)\""), ("op", "\"\(run.op.rawValue)\""), ("dtype", "\"\(run.dtype)\""),
            ("data_format", "\"\(run.format)\""), ("batch", "\(run.layer.batch)"), ("threads", "\(run.execution.threadCount)"),
            ("kernels", "\"\(run.execution.kernels.resolved)\""),
            ("median_ms", String(format: "%.5f", milliseconds)), ("gbps", String(format: "%.3f", bytes / seconds / 1e9)),
            ("gflops", String(format: "%.3f", flops / seconds / 1e9)),
            ("peak_gflops", String(format: "%.3f", roofline.peakGFLOPS)),
            ("bandwidth_gbps", String(format: "%.3f", roofline.bandwidthGBps)),
            // Four significant digits: a call slowed by a busy machine may take thousands of times the
            // roofline's time, whose fraction four decimals would print as 0.
            ("roofline_fraction", String(format: "%.4g", rooflineFraction)),
        ]
        return "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
    }
}

/// The machine's limits, measured once per scalar family (peak) and working-set size (bandwidth).
struct RooflineCache {
    let execution: ExecutionOptions
    private var peaks: [Bool: Double] = [:]
    private var bandwidths: [Int: Double] = [:]

    init(execution: ExecutionOptions) { self.execution = execution }

    mutating func roofline(for run: BenchRun) throws -> Roofline {
        let isDouble = run.dtype == .float64
        let bytes = run.layer.compulsoryBytes(run.dtype)
        if peaks[isDouble] == nil {
            peaks[isDouble] = try Roofline.measurePeakGFLOPS(scalarType: run.dtype, execution: execution)
        }
        if bandwidths[bytes] == nil {
            bandwidths[bytes] = try Roofline.measureBandwidthGBps(workingSetBytes: bytes, execution: execution)
        }
        return Roofline(peakGFLOPS: peaks[isDouble]!, bandwidthGBps: bandwidths[bytes]!)
    }
}
