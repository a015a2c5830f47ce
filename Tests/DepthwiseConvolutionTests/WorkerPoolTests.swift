import DepthwiseKernels
import Dispatch
import Foundation
import Testing

/// The shared worker pool runs every task of a job exactly once, whatever the thread and task
/// counts, and also where one thread's block of tasks takes much longer than the others'.
@Suite struct WorkerPoolTests {
    @Test(arguments: [1, 2, 3, 8], [0, 1, 2, 3, 7, 64, 1001])
    func everyTaskRunsOnce(threads: Int, tasks: Int) {
        #expect(runCounts(threads: threads, tasks: tasks) { _ in } == Array(repeating: 1, count: tasks))
    }

    @Test func tasksOfASlowBlockRunOnce() {
        // The calling thread's block comes first: slow tasks there leave the workers to take them.
        let counts = runCounts(threads: 4, tasks: 40) { task in
            if task < 10 { Thread.sleep(forTimeInterval: 0.0002) }
        }
        #expect(counts == Array(repeating: 1, count: 40))
    }

    @Test func concurrentJobsEachRunTheirTasksOnce() {
        DispatchQueue.concurrentPerform(iterations: 8) { job in
            #expect(runCounts(threads: 2, tasks: 50 + job) { _ in } == Array(repeating: 1, count: 50 + job))
        }
    }

    /// How many times the pool ran each of `tasks` tasks on `threads` threads, each task calling `work`.
    private func runCounts(threads: Int, tasks: Int, _ work: (Int) -> Void) -> [Int] {
        let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: tasks)
        defer { counts.deallocate() }
        counts.initialize(repeating: 0)
        let shared = UncheckedSendable(counts)
        WorkerPool.shared.run(threads: threads, taskCount: tasks) { task in
            work(task)
            shared.value[task] += 1  // each task its own element
        }
        return Array(counts)
    }
}
