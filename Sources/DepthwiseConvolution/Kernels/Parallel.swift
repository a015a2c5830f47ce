import Dispatch

/// Runs independent work items on several threads.
enum Parallel {
    /// The least work, in multiply-adds, worth a thread of its own: below it, starting
    /// a thread costs more than it saves.
    static let minimumWorkPerThread = 1 << 15

    /// Calls `body` once for each of up to `threadCount` contiguous ranges that together
    /// cover `0..<itemCount`, concurrently.
    ///
    /// The split depends on the thread count, so `body` must compute each item the same
    /// way whatever range it is in: that keeps results independent of the thread count.
    /// `work` is the total cost in multiply-adds; small jobs run on the calling thread.
    static func forEach(
        _ itemCount: Int, threadCount: Int, work: Int, _ body: (Range<Int>) -> Void
    ) {
        let threads = min(threadCount, itemCount, max(1, work / minimumWorkPerThread))
        guard threads > 1 else {
            if itemCount > 0 { body(0..<itemCount) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: threads) { part in
                // Part p covers items [p * count / threads, (p + 1) * count / threads).
                let start = part * itemCount / threads
                let end = (part + 1) * itemCount / threads
                if start < end { shared.value(start..<end) }
            }
        }
    }
}

/// Carries a value that is not `Sendable` into concurrent work that uses it safely:
/// the kernels write disjoint parts of their outputs and only read their inputs.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
