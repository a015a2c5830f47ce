import DepthwiseKernels
import Testing

/// The per-thread working memory of the kernels.
@Suite struct WorkspaceTests {
    @Test func aThreadReusesItsMemory() {
        var first: UnsafeMutableRawPointer?
        var second: UnsafeMutableRawPointer?
        Workspace.withMemory(byteCount: 1000) { first = $0 }
        Workspace.withMemory(byteCount: 500) { second = $0 }
        #expect(first == second)
        #expect(Int(bitPattern: first) % 64 == 0)
    }

    @Test func eachNestedCallGetsMemoryOfItsOwn() {
        /// Nests `depth` calls, each marking its memory with its depth; returns their memory,
        /// outermost first, after checking that no inner call overwrote it.
        func nested(_ depth: Int) -> [UnsafeMutableRawPointer] {
            var levels: [UnsafeMutableRawPointer] = []
            Workspace.withMemory(byteCount: 256) { memory in
                memory.initializeMemory(as: UInt8.self, repeating: UInt8(depth), count: 256)
                let inner = depth > 1 ? nested(depth - 1) : []
                #expect(memory.load(fromByteOffset: 255, as: UInt8.self) == UInt8(depth))
                levels = [memory] + inner
            }
            return levels
        }
        // One level deeper than the kept ones, which gets memory of its own for the call.
        let first = nested(Workspace.levelCount + 1)
        #expect(Set(first).count == first.count)
        let again = nested(Workspace.levelCount + 1)
        #expect(again.prefix(Workspace.levelCount) == first.prefix(Workspace.levelCount))
    }

    @Test func largeRequestsGetMemoryOfTheirOwn() {
        let large = Workspace.retainedByteLimit + 1
        Workspace.withMemory(byteCount: large) { memory in
            memory.initializeMemory(as: UInt8.self, repeating: 1, count: large)  // all of it is writable
            #expect(memory.load(fromByteOffset: large - 1, as: UInt8.self) == 1)
        }
    }
}
