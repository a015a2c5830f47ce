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

    @Test func nestedAndLargeRequestsGetMemoryOfTheirOwn() {
        Workspace.withMemory(byteCount: 256) { outer in
            outer.storeBytes(of: 0x5A, as: UInt8.self)
            Workspace.withMemory(byteCount: 256) { inner in
                #expect(inner != outer)
                inner.initializeMemory(as: UInt8.self, repeating: 0, count: 256)
            }
            #expect(outer.load(as: UInt8.self) == 0x5A)
        }
        let large = Workspace.retainedByteLimit + 1
        Workspace.withMemory(byteCount: large) { memory in
            memory.initializeMemory(as: UInt8.self, repeating: 1, count: large)  // all of it is writable
            #expect(memory.load(fromByteOffset: large - 1, as: UInt8.self) == 1)
        }
    }
}
