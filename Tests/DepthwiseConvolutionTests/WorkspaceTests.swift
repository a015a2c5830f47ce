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
        var kept: UnsafeMutableRawPointer?
        Workspace.withMemory(byteCount: 256) { outer in
            outer.storeBytes(of: 0x5A, as: UInt8.self)
            Workspace.withMemory(byteCount: 256) { inner in
                #expect(inner != outer)
                kept = inner
                inner.storeBytes(of: 0x6B, as: UInt8.self)
                Workspace.withMemory(byteCount: 256) { innermost in  // deeper than the kept levels
                    #expect(innermost != outer && innermost != inner)
                    innermost.initializeMemory(as: UInt8.self, repeating: 0, count: 256)
                }
                #expect(inner.load(as: UInt8.self) == 0x6B)
            }
            #expect(outer.load(as: UInt8.self) == 0x5A)
            Workspace.withMemory(byteCount: 128) { #expect($0 == kept) }  // the second level is kept
        }
    }

    @Test func largeRequestsGetMemoryOfTheirOwn() {
        let large = Workspace.retainedByteLimit + 1
        Workspace.withMemory(byteCount: large) { memory in
            memory.initializeMemory(as: UInt8.self, repeating: 1, count: large)  // all of it is writable
            #expect(memory.load(fromByteOffset: large - 1, as: UInt8.self) == 1)
        }
    }
}
