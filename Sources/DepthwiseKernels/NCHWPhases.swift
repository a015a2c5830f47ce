/// The NCHW input gradient as one unit-stride convolution per stride phase (``StridePhases``).
///
/// Each output-gradient plane is copied once, zero-padded, into a ``PhasePlane`` that every
/// phase reads as one flat convolution. The rows of the phases of one input row are then
/// stored interleaved, every s-th column, and summed over the multiplier. With unit strides
/// the one phase is the convolution with the filter turned by 180 degrees; where
/// ``convolveBands(_:_:to:adding:)`` serves it, the plane is convolved in bands instead.
extension NCHWKernels {
    /// inputGradient[n, c, ih, iw] = sum over q and the taps (kh, kw) that map an output (oh, ow) onto
    /// (ih, iw) of filter[kh, kw, c, q] * outputGradient[n, c*M + q, oh, ow]
    @inlinable
    public static func backpropInput(
        _ g: KernelGeometry, outputGradient: UnsafePointer<T>, filter: UnsafePointer<T>,
        inputGradient: UnsafeMutablePointer<T>, threadCount: Int
    ) {
        let plane = PhasePlane(g, lanes: F.Register.laneCount)
        guard plane.layout.isUsable else {
            return Parallel.forEach(g.batch * g.channels, threadCount: threadCount, work: g.multiplyAddCount) { planes in
                for plane in planes { backpropInputPlane(g, plane, outputGradient, filter, inputGradient) }
            }
        }
        if plane.phaseCount == 1 {
            let layout = FlatPlane(plane.phases.geometry(0, 0), lanes: F.Register.laneCount)
            if bandsServe(layout) {
                return backpropInputBands(g, plane.phases, layout, outputGradient, filter, inputGradient, threadCount)
            }
        }
        let (inputPlane, outputPlane) = (g.inputHeight * g.inputWidth, g.outputHeight * g.outputWidth)
        Parallel.forEach(g.batch * g.channels, threadCount: threadCount, work: g.multiplyAddCount) { items in
            Workspace.withMemory(byteCount: FlatScratch<T>.byteCount(plane)) { memory in
                let scratch = FlatScratch<T>(plane, memory: memory)
                for item in items {
                    let (n, c) = item.quotientAndRemainder(dividingBy: g.channels)
                    for q in 0..<g.multiplier {
                        guard setPhaseWeights(g, plane.phases, c: c, q: q, filter, scratch.weights) else {
                            backpropInputPlane(g, item, outputGradient, filter, inputGradient)
                            break
                        }
                        let gradient = outputGradient + (n * g.outputChannels + c * g.multiplier + q) * outputPlane
                        plane.layout.fill(F.self, scratch.phases, from: gradient)
                        storePhases(g, plane, scratch, to: inputGradient + item * inputPlane, adding: q > 0)
                    }
                }
            }
        }
    }

    /// ``backpropInput(_:outputGradient:filter:inputGradient:threadCount:)`` with unit strides,
    /// as the forward convolution of `layout` (the one phase) in bands.
    @inlinable
    static func backpropInputBands(
        _ g: KernelGeometry, _ phases: StridePhases, _ layout: FlatPlane, _ outputGradient: UnsafePointer<T>,
        _ filter: UnsafePointer<T>, _ inputGradient: UnsafeMutablePointer<T>, _ threadCount: Int
    ) {
        let (inputPlane, outputPlane) = (g.inputHeight * g.inputWidth, g.outputHeight * g.outputWidth)
        Parallel.forEach(g.batch * g.channels, threadCount: threadCount, work: g.multiplyAddCount) { items in
            withFlatScratch(layout) { scratch in
                for item in items {
                    let (n, c) = item.quotientAndRemainder(dividingBy: g.channels)
                    for q in 0..<g.multiplier {
                        guard setPhaseWeights(g, phases, c: c, q: q, filter, scratch.weights) else {
                            backpropInputPlane(g, item, outputGradient, filter, inputGradient)
                            break
                        }
                        let gradient = outputGradient + (n * g.outputChannels + c * g.multiplier + q) * outputPlane
                        layout.fill(F.self, scratch.phases, from: gradient)
                        convolveBands(layout, scratch, to: inputGradient + item * inputPlane, adding: q > 0)
                    }
                }
            }
        }
    }

    /// The input gradient on an output gradient and an input gradient of formats `I` and `O`
    /// (16-bit values), with a `T` filter, where the flat layouts serve and every weight is
    /// finite: each result is the sum of
    /// ``backpropInput(_:outputGradient:filter:inputGradient:threadCount:)``, stored once.
    /// Returns false, computing nothing, elsewhere.
    @inlinable
    public static func backpropInputInFormats<I: InputFormat, O: OutputFormat>(
        _: I.Type, storing _: O.Type, _ g: KernelGeometry, outputGradient: UnsafePointer<I.Stored>,
        filter: UnsafePointer<T>, inputGradient: UnsafeMutablePointer<O.Stored>, threadCount: Int
    ) -> Bool {
        let plane = PhasePlane(g, lanes: F.Register.laneCount)
        guard plane.layout.isUsable, isFinite(filter, count: g.filterHeight * g.filterWidth * g.outputChannels) else {
            return false
        }
        if g.multiplier > 1 {
            backpropInputSummedInFormats(I.self, storing: O.self, g, plane, outputGradient, filter, inputGradient, threadCount)
            return true
        }
        if plane.phaseCount == 1 {
            let layout = FlatPlane(plane.phases.geometry(0, 0), lanes: F.Register.laneCount)
            guard layout.isUsable else { return false }
            convolveInFormats(I.self, storing: O.self, layout, input: outputGradient, output: inputGradient, threadCount: threadCount) {
                c, _, weights in _ = setPhaseWeights(g, plane.phases, c: c, q: 0, filter, weights)
            }
            return true
        }
        let (inputPlane, outputPlane) = (g.inputHeight * g.inputWidth, g.outputHeight * g.outputWidth)
        Parallel.forEach(g.batch * g.channels, threadCount: threadCount, work: g.multiplyAddCount) { items in
            Workspace.withMemory(byteCount: FlatScratch<T>.byteCount(plane)) { memory in
                let scratch = FlatScratch<T>(plane, memory: memory)
                for item in items {  // with multiplier 1, output-gradient plane `item` is input plane `item`'s
                    _ = setPhaseWeights(g, plane.phases, c: item % g.channels, q: 0, filter, scratch.weights)
                    plane.layout.fill(F.self, I.self, scratch.phases, from: outputGradient + item * outputPlane)
                    storePhases(g, plane, scratch, O.self, to: inputGradient + item * inputPlane)
                }
            }
        }
        return true
    }

    /// ``backpropInputInFormats(_:storing:_:outputGradient:filter:inputGradient:threadCount:)``
    /// with a multiplier above 1: each input plane's sum over the multiplier goes into a `T`
    /// plane in working memory, added there as
    /// ``backpropInput(_:outputGradient:filter:inputGradient:threadCount:)`` adds it in its
    /// output (in bands where they serve), and is stored once.
    @inlinable
    static func backpropInputSummedInFormats<I: InputFormat, O: OutputFormat>(
        _: I.Type, storing _: O.Type, _ g: KernelGeometry, _ plane: PhasePlane, _ outputGradient: UnsafePointer<I.Stored>,
        _ filter: UnsafePointer<T>, _ inputGradient: UnsafeMutablePointer<O.Stored>, _ threadCount: Int
    ) {
        let (inputPlane, outputPlane) = (g.inputHeight * g.inputWidth, g.outputHeight * g.outputWidth)
        let layout = FlatPlane(plane.phases.geometry(0, 0), lanes: F.Register.laneCount)  // the bands' one phase
        let bands = plane.phaseCount == 1 && bandsServe(layout)
        let scratchBytes = bands ? FlatScratch<T>.byteCount(layout) : FlatScratch<T>.byteCount(plane)
        Parallel.forEach(g.batch * g.channels, threadCount: threadCount, work: g.multiplyAddCount) { items in
            Workspace.withMemory(byteCount: scratchBytes + MemoryParts.byteCount(T.self, inputPlane)) { memory in
                let scratch = bands ? FlatScratch<T>(layout, memory: memory) : FlatScratch<T>(plane, memory: memory)
                let sums = (memory + scratchBytes).bindMemory(to: T.self, capacity: inputPlane)
                for item in items {
                    let (n, c) = item.quotientAndRemainder(dividingBy: g.channels)
                    for q in 0..<g.multiplier {
                        _ = setPhaseWeights(g, plane.phases, c: c, q: q, filter, scratch.weights)
                        let gradient = outputGradient + (n * g.outputChannels + c * g.multiplier + q) * outputPlane
                        if bands {
                            layout.fill(F.self, I.self, scratch.phases, from: gradient)
                            convolveBands(layout, scratch, to: sums, adding: q > 0)
                        } else {
                            plane.layout.fill(F.self, I.self, scratch.phases, from: gradient)
                            storePhases(g, plane, scratch, to: sums, adding: q > 0)
                        }
                    }
                    FlatPlane.copy(F.self, NativeFormat<T>.self, O.self, inputPlane, from: sums, to: inputGradient + item * inputPlane)
                }
            }
        }
    }

    /// Sets the weights of every phase's taps, in the order of ``PhasePlane/tapStarts``, to
    /// filter[., ., c, q]; returns whether all are finite.
    @inlinable
    static func setPhaseWeights(
        _ g: KernelGeometry, _ phases: StridePhases, c: Int, q: Int, _ filter: UnsafePointer<T>,
        _ weights: UnsafeMutablePointer<T>
    ) -> Bool {
        var t = 0
        for a in phases.rows.indices {
            for b in phases.columns.indices {
                for th in 0..<phases.rows[a].taps {
                    for tw in 0..<phases.columns[b].taps {
                        let (kh, kw) = phases.filterTap(a, b, th, tw)
                        weights[t] = filter[g.filterOffset(kh, kw, c, q)]
                        t += 1
                    }
                }
            }
        }
        return isFinite(weights, count: t)
    }

    /// ``storePhases(_:_:_:_:to:)`` into a plane of `T`, adding to it (``Accumulating``) where `adding`.
    @inlinable
    static func storePhases(
        _ g: KernelGeometry, _ plane: PhasePlane, _ scratch: FlatScratch<T>, to target: UnsafeMutablePointer<T>, adding: Bool
    ) {
        if adding {
            storePhases(g, plane, scratch, Accumulating<T>.self, to: target)
        } else {
            storePhases(g, plane, scratch, NativeFormat<T>.self, to: target)
        }
    }

    /// plane[(a + r*sh) * inputWidth + b + j*sw] = phase (a, b)'s convolution at (r, j), stored
    /// as format `O` does (``Accumulating`` adds it): each phase convolved over the whole padded
    /// plane, then stored row by row.
    @inlinable
    static func storePhases<O: OutputFormat>(
        _ g: KernelGeometry, _ plane: PhasePlane, _ scratch: FlatScratch<T>, _: O.Type, to target: UnsafeMutablePointer<O.Stored>
    ) {
        typealias R = F.Register
        let (phases, layout) = (plane.phases, plane.layout)
        let columnPhases = phases.columns.count
        for a in phases.rows.indices {
            let rows = phases.rows[a].positions * layout.pitch
            for b in 0..<columnPhases {
                let p = a * columnPhases + b
                convolve(
                    taps: plane.tapStarts[p]..<plane.tapStarts[p + 1], scratch.weights, scratch.offsets,
                    scratch.phases, count: (rows + R.laneCount - 1) / R.laneCount * R.laneCount,
                    into: scratch.flat + p * layout.flatCount)
            }
            let flats = UnsafePointer(scratch.flat) + a * columnPhases * layout.flatCount
            for r in 0..<phases.rows[a].positions {
                storeRow(
                    g, phases, flats + r * layout.pitch, phaseStride: layout.flatCount, O.self,
                    to: target + (a + r * g.strides.height) * g.inputWidth)
            }
        }
    }

    /// row[b + j*sw] = rows[b * phaseStride + j] for each column phase b and its positions j,
    /// stored as format `O` does.
    @inlinable
    static func storeRow<O: OutputFormat>(
        _ g: KernelGeometry, _ phases: StridePhases, _ rows: UnsafePointer<T>, phaseStride: Int, _: O.Type,
        to row: UnsafeMutablePointer<O.Stored>
    ) {
        let sw = g.strides.width
        switch phases.columns.count {
        case 1:
            FlatPlane.copy(F.self, NativeFormat<T>.self, O.self, phases.columns[0].positions, from: rows, to: row)
        case 2 where sw == 2:
            interleave(g.inputWidth, rows, rows + phaseStride, O.self, to: row)
        default:
            for b in phases.columns.indices {
                let source = rows + b * phaseStride
                for j in 0..<phases.columns[b].positions { O.store(F.Single(broadcasting: source[j]), to: row + (b + j * sw)) }
            }
        }
    }

    /// row[2j] = even[j] and row[2j + 1] = odd[j] for the `width` elements of the row, stored as
    /// format `O` does: the two column phases of stride 2, in registers, then narrow vectors
    /// and lanes.
    @inlinable
    static func interleave<O: OutputFormat>(
        _ width: Int, _ even: UnsafePointer<T>, _ odd: UnsafePointer<T>, _: O.Type, to row: UnsafeMutablePointer<O.Stored>
    ) {
        var j = 0
        interleave(F.Register.self, O.self, width, even, odd, row, &j)
        interleave(F.Narrow.self, O.self, width, even, odd, row, &j)
        interleave(F.Single.self, O.self, width, even, odd, row, &j)
        if 2 * j < width { O.store(F.Single(broadcasting: even[j]), to: row + 2 * j) }  // odd width: the last even column
    }

    @inlinable @inline(__always)
    static func interleave<V: KernelVector, O: OutputFormat>(
        _: V.Type, _: O.Type, _ width: Int, _ even: UnsafePointer<T>, _ odd: UnsafePointer<T>,
        _ row: UnsafeMutablePointer<O.Stored>, _ j: inout Int
    ) where V.Element == T {
        while 2 * (j + V.laneCount) <= width {  // both phases hold j..<j + laneCount
            let (low, high) = V(loading: even + j).interleaved(with: V(loading: odd + j))
            O.store(low, to: row + 2 * j)
            O.store(high, to: row + 2 * j + V.laneCount)
            j += V.laneCount
        }
    }
}
