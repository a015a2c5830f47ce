import Dispatch
import Foundation
import Synchronization

/// Worker threads that live as long as the process and run one parallel job at a time.
///
/// A job is a number of tasks, numbered from 0, split into one contiguous block per thread
/// (the calling thread's first, then those of the workers it asks for). Each thread takes the
/// tasks of its own block one by one, then helps with the others' blocks: from one call to the
/// next (a layer run again, or layers that split their work alike) a thread mostly computes the
/// same tasks and finds their data still in its core's caches.
///
/// Between jobs, workers spin for about a millisecond, so that back-to-back calls start at once,
/// then sleep until woken: waking a sleeping thread can cost tens of microseconds (on virtual
/// machines), more than a small layer. A caller that finds the pool busy (another thread's job)
/// runs its job on Dispatch instead.
public final class WorkerPool: @unchecked Sendable {
    public static let shared = WorkerPool(workerCount: ProcessInfo.processInfo.activeProcessorCount - 1)

    /// One worker thread and how to wake it.
    private final class Worker: @unchecked Sendable {
        let sleeping = Atomic<Bool>(false)
        let wake = DispatchSemaphore(value: 0)
        /// The next task of this worker's block.
        let nextTask = Atomic<Int>(0)
    }

    private let workers: [Worker]
    /// Held by the thread whose job the pool runs.
    private let busy = Mutex(())
    /// The current job's number times 2^16 plus the number of workers it asks for; workers
    /// compare it with the last one they saw. Changed to publish a job.
    private let generation = Atomic<Int>(0)
    /// The next task of the calling thread's block.
    private let nextTask = Atomic<Int>(0)
    /// Workers of the current job that have not finished.
    private let pendingWorkers = Atomic<Int>(0)
    // The current job, written before `generation` changes and read by the workers it asks for.
    private nonisolated(unsafe) var task: ((Int) -> Void)?
    private nonisolated(unsafe) var taskCount = 0
    /// The calling thread and the workers the current job asks for.
    private nonisolated(unsafe) var threadCount = 1

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
        threadCount = helpers + 1
        nextTask.store(0, ordering: .relaxed)
        for (index, worker) in workers.prefix(helpers).enumerated() {
            worker.nextTask.store(blockStart(index + 1), ordering: .relaxed)
        }
        pendingWorkers.store(helpers, ordering: .relaxed)
        let job = (generation.load(ordering: .relaxed) >> 16) + 1
        generation.store(job << 16 | helpers, ordering: .sequentiallyConsistent)
        for worker in workers.prefix(helpers) where worker.sleeping.exchange(false, ordering: .sequentiallyConsistent) {
            worker.wake.signal()
        }
        drainTasks(thread: 0)
        while pendingWorkers.load(ordering: .acquiring) > 0 {}
        self.task = nil
    }

    /// Runs the tasks of the current job's blocks that no other thread took, from thread
    /// `thread`'s own block (0 for the calling thread, worker i's is i + 1) on.
    private func drainTasks(thread: Int) {
        guard let task else { return }
        for offset in 0..<threadCount {
            let block = (thread + offset) % threadCount
            let end = blockStart(block + 1)
            while true {
                let index = takeTask(block)
                guard index < end else { break }
                task(index)
            }
        }
    }

    /// The first task of block `block`: blocks hold taskCount / threadCount tasks each, and the
    /// first taskCount % threadCount blocks one more (no product that could overflow).
    private func blockStart(_ block: Int) -> Int {
        let (size, extra) = taskCount.quotientAndRemainder(dividingBy: threadCount)
        return block * size + min(block, extra)
    }

    /// Takes the next task of block `block`; past the block's end where none is left.
    private func takeTask(_ block: Int) -> Int {
        block == 0
            ? nextTask.add(1, ordering: .relaxed).oldValue : workers[block - 1].nextTask.add(1, ordering: .relaxed).oldValue
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
                drainTasks(thread: index + 1)
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
