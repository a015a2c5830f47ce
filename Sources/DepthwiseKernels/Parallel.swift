import Dispatch

/// Runs independent work items on several threads.
public enum Parallel {
    /// The least work, in multiply-adds, worth a thread of its own: about two microseconds
    /// of the vector kernels. Below it, handing work to another thread costs more than it saves.
    public static let minimumWorkPerThread = 1 << 16

    /// The threads that ``forEach(_:threadCount:work:_:)`` runs `itemCount` items on.
    public static func threadCount(_ itemCount: Int, threadCount: Int, work: Int) -> Int {
        max(1, min(threadCount, itemCount, work / minimumWorkPerThread))
    }

    /// Calls `body` with contiguous ranges that together cover `0..<itemCount`, on up to
    /// `threadCount` threads (the calling thread and the shared ``WorkerPool``'s workers).
    ///
    /// Which thread computes which range varies from run to run, so `body` must compute
    /// each item the same way whatever range it is in: results then do not depend on the
    /// thread count. `work` is the total cost in multiply-adds; small jobs run on the calling thread.
    ///
    /// Not inlinable: it is compiled once, for baseline x86-64, and called by every kernel module.
    public static func forEach(
        _ itemCount: Int, threadCount: Int, work: Int, _ body: (Range<Int>) -> Void
    ) {
        let threads = self.threadCount(itemCount, threadCount: threadCount, work: work)
        guard threads > 1 else {
            if itemCount > 0 { body(0..<itemCount) }
            return
        }
        // A few ranges per thread, so that a thread that finishes early takes another.
        let rangeCount = min(itemCount, threads * 4)
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendable(body)
            WorkerPool.shared.run(threads: threads, taskCount: rangeCount) { range in
                // Range r covers items [r * count / ranges, (r + 1) * count / ranges).
                let start = range * itemCount / rangeCount
                let end = (range + 1) * itemCount / rangeCount
                if start < end { shared.value(start..<end) }
            }
        }
    }
}

/// Carries a value that is not `Sendable` into concurrent work that uses it safely:
/// the kernels write disjoint parts of their outputs and only read their inputs.
public struct UncheckedSendable<Value>: @unchecked Sendable {
    public let value: Value
    @inlinable public init(_ value: Value) { self.value = value }
}

/// Working memory of a kernel: zero-filled, deallocated by its owner. Kernels use it instead of
/// arrays, whose copy-on-write paths would be compiled into every instruction-set module.
public typealias Scratch<Element> = UnsafeMutableBufferPointer<Element>

extension UnsafeMutableBufferPointer where Element: KernelScalar {
    @inlinable
    init(count: Int) {
        self = .allocate(capacity: count)
        initialize(repeating: 0)
    }
}
