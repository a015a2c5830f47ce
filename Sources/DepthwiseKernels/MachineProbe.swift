import Dispatch

/// Measures what one instruction set's kernels could reach at best on the running machine:
/// the multiply-add throughput and the speed of streaming memory.
public enum MachineProbe<F: VectorFamily> {
    /// Multiply-adds per second on `threads` threads: each runs `iterations` rounds of eight
    /// independent register multiply-adds, enough to hide their latency. The fastest of `repeats`.
    @inlinable
    public static func multiplyAddsPerSecond(threads: Int, iterations: Int, repeats: Int) -> Double {
        typealias R = F.Register
        // Each thread's sums go to memory that is read at the end, so that no loop can be left out.
        let sums = UnsafeMutablePointer<F.Scalar>.allocate(capacity: threads)
        sums.initialize(repeating: 0, count: threads)
        defer { sums.deallocate() }
        let shared = UncheckedSendable(sums)
        let seconds = Timing.fastestSeconds(repeats) {
            Parallel.forEach(threads, threadCount: threads, work: .max) { range in
                for thread in range {
                    let (a, b) = (R(broadcasting: 1), R(broadcasting: 0x1p-30))
                    var (s0, s1, s2, s3) = (R(broadcasting: 0), R(broadcasting: 1), R(broadcasting: 2), R(broadcasting: 3))
                    var (s4, s5, s6, s7) = (R(broadcasting: 4), R(broadcasting: 5), R(broadcasting: 6), R(broadcasting: 7))
                    for _ in 0..<iterations {
                        s0 = s0.multiplyAdd(a, b)
                        s1 = s1.multiplyAdd(a, b)
                        s2 = s2.multiplyAdd(a, b)
                        s3 = s3.multiplyAdd(a, b)
                        s4 = s4.multiplyAdd(a, b)
                        s5 = s5.multiplyAdd(a, b)
                        s6 = s6.multiplyAdd(a, b)
                        s7 = s7.multiplyAdd(a, b)
                    }
                    shared.value[thread] += (((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))).laneSum()
                }
            }
        }
        // Adds zero, but only once every sum is known.
        let checksum = (0..<threads).reduce(0) { $0 + Double(sums[$1]) }
        return Double(threads * iterations * 8 * R.laneCount) / seconds + checksum * 0
    }

    /// Bytes per second moved by `threads` threads that read `source` and write `target`
    /// (equal counts), each thread its own contiguous part. The fastest of `repeats`.
    @inlinable
    public static func bytesPerSecond(
        threads: Int, source: UnsafePointer<F.Scalar>, target: UnsafeMutablePointer<F.Scalar>, count: Int, repeats: Int
    ) -> Double {
        typealias R = F.Register
        let shared = UncheckedSendable((source, target))
        let seconds = Timing.fastestSeconds(repeats) {
            Parallel.forEach(threads, threadCount: threads, work: .max) { parts in
                let (source, target) = shared.value
                for part in parts {
                    var i = part * count / threads / R.laneCount * R.laneCount
                    let end = part == threads - 1 ? count : (part + 1) * count / threads / R.laneCount * R.laneCount
                    while i + R.laneCount <= end {
                        R(loading: source + i).store(to: target + i)
                        i += R.laneCount
                    }
                    while i < end {
                        target[i] = source[i]
                        i += 1
                    }
                }
            }
        }
        return Double(2 * count * MemoryLayout<F.Scalar>.stride) / seconds
    }
}

/// Times repeated calls. Not inlinable: compiled once, for baseline x86-64.
public enum Timing {
    /// The shortest time of `repeats` calls of `body`, in seconds, after one untimed call: what
    /// the machine can reach, which other work on a shared machine only ever slows down (a median
    /// taken while another process held a core once put a layer at six times the roofline).
    public static func fastestSeconds(_ repeats: Int, _ body: () -> Void) -> Double {
        body()
        var fastest = Double.infinity
        for _ in 0..<max(repeats, 1) {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            fastest = min(fastest, Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
        }
        return fastest
    }
}

extension InstructionSet {
    /// Multiply-adds per second of this instruction set's `Float` or `Double` registers on `threads` threads.
    @inlinable
    public static func peakMultiplyAddsPerSecond(isDouble: Bool, threads: Int) -> Double {
        let (iterations, repeats) = (1 << 18, 7)
        return isDouble
            ? MachineProbe<Float64>.multiplyAddsPerSecond(threads: threads, iterations: iterations, repeats: repeats)
            : MachineProbe<Float32>.multiplyAddsPerSecond(threads: threads, iterations: iterations, repeats: repeats)
    }

    /// Bytes per second read and written by `threads` threads streaming `byteCount` bytes in all
    /// (half read, half written), so that the data stay in the cache level a working set of that size uses.
    @inlinable
    public static func streamBytesPerSecond(byteCount: Int, threads: Int) -> Double {
        let count = max(byteCount / 2 / MemoryLayout<Float>.stride, 1024)
        let alignment = 64
        let source = UnsafeMutableRawPointer.allocate(byteCount: count * 4, alignment: alignment).bindMemory(
            to: Float.self, capacity: count)
        let target = UnsafeMutableRawPointer.allocate(byteCount: count * 4, alignment: alignment).bindMemory(
            to: Float.self, capacity: count)
        defer {
            source.deallocate()
            target.deallocate()
        }
        source.initialize(repeating: 1, count: count)
        target.initialize(repeating: 0, count: count)
        let repeats = max(7, min(501, 400_000_000 / (8 * count)))
        return MachineProbe<Float32>.bytesPerSecond(threads: threads, source: source, target: target, count: count, repeats: repeats)
    }
}
