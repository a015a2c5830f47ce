import Dispatch
import Foundation
import Synchronization

/// Worker threads that live as long as the process and run one parallel job at a time.
///
/// A job is a number of tasks, numbered from 0, taken one by one from a shared counter by
/// the calling thread and the workers it asks for. Between jobs, workers spin for about a
/// millisecond, so that back-to-back calls start at once, then sleep until woken: waking a
/// sleeping thread can cost tens of microseconds (on virtual machines), more than a small layer.
/// A caller that finds the pool busy (another thread's job) runs its job on Dispatch instead.
public final class WorkerPool: @unchecked Sendable {
    public static let shared = WorkerPool(workerCount: ProcessInfo.processInfo.activeProcessorCount - 1)

    /// One worker thread and how to wake it.
    private final class Worker: @unchecked Sendable {
        let sleeping = Atomic<Bool>(false)
        let wake = DispatchSemaphore(value: 0)
    }

    private let workers: [Worker]
    /// Held by the thread whose job the pool runs.
    private let busy = Mutex(())
    /// The current job's number times 2^16 plus the number of workers it asks for; workers
    /// compare it with the last one they saw. Changed to publish a job.
    private let generation = Atomic<Int>(0)
    /// The next task to take.
    private let nextTask = Atomic<Int>(0)
    /// Workers of the current job that have not finished.
    private let pendingWorkers = Atomic<Int>(0)
    // The current job, written before `generation` changes and read by the workers it asks for.
    private nonisolated(unsafe) var task: ((Int) -> Void)?
    private nonisolated(unsafe) var taskCount = 0

    /// Iterations of a worker's wait loop before it goes to sleep: about a millisecond.
    private static let spinLimit = 1 << 20

    private init(workerCount: Int) {
        workers = (0..<min(max(workerCount, 0), 0xFFFF)).map { _ in Worker() }
        for (index, worker) in workers.enumerated() {
            let thread = Thread { [unowned self] in self.workerLoop(index: index, worker: worker) }
            thread.name = "depthwise-worker-\(index)"
            thread.start()
        }
    }

    /// Runs `task(0)`, ..., `task(taskCount - 1)` on the calling thread and up to `threads - 1` workers.
    public func run(threads: Int, taskCount: Int, _ task: (Int) -> Void) {
        let helpers = min(threads - 1, workers.count)
        withoutActuallyEscaping(task) { task in
            let ran = busy.withLockIfAvailable { _ -> Bool in
                guard helpers > 0 else { return false }
                runOnWorkers(helpers: helpers, taskCount: taskCount, task)
                return true
            }
            if ran != true {
                let shared = UncheckedSendable(task)
                DispatchQueue.concurrentPerform(iterations: taskCount) { shared.value($0) }
            }
        }
    }

    private func runOnWorkers(helpers: Int, taskCount: Int, _ task: @escaping (Int) -> Void) {
        self.task = task
        self.taskCount = taskCount
        nextTask.store(0, ordering: .relaxed)
        pendingWorkers.store(helpers, ordering: .relaxed)
        let job = (generation.load(ordering: .relaxed) >> 16) + 1
        generation.store(job << 16 | helpers, ordering: .sequentiallyConsistent)
        for worker in workers.prefix(helpers) where worker.sleeping.exchange(false, ordering: .sequentiallyConsistent) {
            worker.wake.signal()
        }
        drainTasks()
        while pendingWorkers.load(ordering: .acquiring) > 0 {}
        self.task = nil
    }

    /// Takes and runs tasks of the current job until none is left.
    private func drainTasks() {
        guard let task else { return }
        while true {
            let index = nextTask.add(1, ordering: .relaxed).oldValue
            guard index < taskCount else { return }
            task(index)
        }
    }

    private func workerLoop(index: Int, worker: Worker) -> Never {
        var seen = 0
        while true {
            var spins = 0
            var current = generation.load(ordering: .acquiring)
            while current == seen {
                spins += 1
                if spins >= Self.spinLimit {
                    sleep(worker, seen: seen)
                    spins = 0
                }
                current = generation.load(ordering: .acquiring)
            }
            seen = current
            if index < current & 0xFFFF {
                drainTasks()
                pendingWorkers.subtract(1, ordering: .releasing)
            }
        }
    }

    /// Sleeps until a caller publishes a job after `seen`, unless one already has.
    private func sleep(_ worker: Worker, seen: Int) {
        worker.sleeping.store(true, ordering: .sequentiallyConsistent)
        if generation.load(ordering: .sequentiallyConsistent) != seen {
            // A job arrived meanwhile. If its caller already cleared the flag, it also signalled.
            if !worker.sleeping.exchange(false, ordering: .sequentiallyConsistent) { worker.wake.wait() }
            return
        }
        worker.wake.wait()
    }
}
