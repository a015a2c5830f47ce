extension HalfPrecisionKernels {
    /// The NHWC input gradient of a strided convolution, or of one with a multiplier, on a
    /// 16-bit output gradient with a `Float` filter, rounded into a 16-bit input gradient.
    ///
    /// Each input row is computed in `Float` into the thread's workspace by the stride phases'
    /// convolutions, which read the output gradient themselves, widening each vector as they
    /// load it, and is then rounded into `inputGradient`.
    @inlinable
    static func backpropInput(
        _ g: KernelGeometry, outputGradient: UnsafePointer<UInt16>, filter: UnsafePointer<Float>,
        inputGradient: UnsafeMutablePointer<UInt16>, threadCount: Int
    ) {
        let phases = NHWCKernels<F>.PhaseConvolutions(g, filter: filter)
        defer { phases.deallocate() }
        let inputRowSize = g.inputWidth * g.channels
        // One computed row, and the phase row.
        let workspaceElements = inputRowSize + phases.phaseRowElements
        Parallel.forEach(g.batch * g.inputHeight, threadCount: threadCount, work: g.multiplyAddCount) { rows in
            Workspace.withMemory(byteCount: workspaceElements * MemoryLayout<Float>.stride) { memory in
                let computed = memory.bindMemory(to: Float.self, capacity: workspaceElements)
                for row in rows {
                    phases.computeRow(H.self, row, outputGradient, into: computed, phaseRow: computed + inputRowSize)
                    narrow(computed, into: inputGradient + row * inputRowSize, count: inputRowSize)
                }
            }
        }
    }
}
