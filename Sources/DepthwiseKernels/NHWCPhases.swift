/// The NHWC input gradient of a strided convolution, as one forward convolution per stride
/// phase (``StridePhases``).
///
/// Each input row of each column phase is one row of its phase's convolution over all `C*M`
/// channels, computed by the register-blocked forward kernel straight into every s-th pixel
/// of the input gradient, summed over the multiplier as it stores (``SummedChannels``) for the
/// multipliers of ``storesSummedChannels(_:)``; for others (and 16-bit input gradients), into
/// working memory, then summed over the multiplier into every s-th pixel.
extension NHWCKernels {
    /// inputGradient[n, ih, iw, c] = sum over q and the taps (kh, kw) that map an output (oh, ow)
    /// onto (ih, iw) of filter[kh, kw, c, q] * outputGradient[n, oh, ow, c*M + q]
    @inlinable
    public static func backpropInput(
        _ g: KernelGeometry, outputGradient: UnsafePointer<T>, filter: UnsafePointer<T>,
        inputGradient: UnsafeMutablePointer<T>, threadCount: Int
    ) {
        func backpropInput<Out: OutputFormat>(_: Out.Type) {
            Self.backpropInput(
                NativeFormat<T>.self, Out.self, g, outputGradient: outputGradient, filter: filter,
                inputGradient: UnsafeMutableRawPointer(inputGradient).assumingMemoryBound(to: Out.Stored.self),
                threadCount: threadCount)
        }
        switch (MemoryLayout<T>.stride, storesSummedChannels(g) ? g.multiplier : 1) {
        case (4, 2): backpropInput(SummedChannels<UInt16, T>.self)
        case (4, 4): backpropInput(SummedChannels<UInt8, T>.self)
        case (8, 2): backpropInput(SummedChannels<UInt32, T>.self)
        case (8, 4): backpropInput(SummedChannels<UInt16, T>.self)
        default: backpropInput(NativeFormat<T>.self)
        }
    }

    /// `backpropInput` on an output gradient held in format `In`, into an input gradient held in
    /// format `Out`, through the stride phases' convolutions (``PhaseConvolutions``). Each thread
    /// builds its own, in its working memory: built by the calling thread alone, on every call,
    /// the other thread's reads moved them from core to core each time.
    @inlinable
    static func backpropInput<In: InputFormat, Out: OutputFormat>(
        _: In.Type, _: Out.Type, _ g: KernelGeometry, outputGradient: UnsafePointer<In.Stored>, filter: UnsafePointer<T>,
        inputGradient: UnsafeMutablePointer<Out.Stored>, threadCount: Int
    ) {
        let rowSize = g.inputWidth * g.channels
        // Images of few rows go in slices of the input channels too, as the forward pass does,
        // where a row's phases take enough multiply-adds per channel (about its width times the
        // taps over the stride phases) to outweigh the fixed costs of the calls for each slice.
        let rowTaps = g.inputWidth * g.filterHeight * g.filterWidth / (g.strides.height * g.strides.width)
        let slices = rowTaps >= 32 ? channelSliceCount(rows: g.batch * g.inputHeight, channels: g.channels) : 1
        Parallel.forEach(g.batch * g.inputHeight * slices, threadCount: threadCount, work: g.multiplyAddCount) { items in
            Workspace.withMemory(byteCount: PhaseConvolutions.byteCount(g)) { memory in
                let phases = PhaseConvolutions(g, filter: filter, memory: memory)
                let phaseRowElements = Out.channelsSummed == g.multiplier ? 0 : phases.phaseRowElements
                Workspace.withMemory(byteCount: phaseRowElements * MemoryLayout<T>.stride) { memory in
                    let phaseRow = memory.bindMemory(to: T.self, capacity: phaseRowElements)
                    for item in items {
                        let (row, slice) = item.quotientAndRemainder(dividingBy: slices)
                        phases.computeRow(
                            In.self, Out.self, row, channels: channelSlice(slice, of: slices, channels: g.channels),
                            outputGradient, into: inputGradient + row * rowSize * Out.channelsSummed, phaseRow: phaseRow)
                    }
                }
            }
        }
    }

    /// The convolutions of the stride phases of an input gradient: their geometries and filters,
    /// in working memory of ``byteCount(_:)`` bytes.
    @usableFromInline
    struct PhaseConvolutions {
        @usableFromInline let g: KernelGeometry
        @usableFromInline let columnPhases: Int
        /// Phase (a, b)'s convolution at a * columnPhases + b.
        @usableFromInline let geometries: UnsafeMutablePointer<KernelGeometry>
        /// Phase (a, b)'s filter [taps(a), taps(b), K] at filters + filterOffsets[a * columnPhases + b].
        @usableFromInline let filterOffsets: UnsafeMutablePointer<Int>
        @usableFromInline let filters: UnsafeMutablePointer<T>

        /// The bytes of the phases' filters (every tap of the filter, in phase order), then of
        /// their geometries and filter offsets.
        @inlinable
        static func byteCount(_ g: KernelGeometry) -> Int {
            let phases = StridePhases(g)
            let phaseCount = phases.rows.count * phases.columns.count
            return geometryStart(g) + phaseCount * (MemoryLayout<KernelGeometry>.stride + MemoryLayout<Int>.stride)
        }

        /// Where the geometries start: after the filters, aligned for them (and for the offsets after them).
        @inlinable
        static func geometryStart(_ g: KernelGeometry) -> Int {
            let filterBytes = g.filterHeight * g.filterWidth * g.outputChannels * MemoryLayout<T>.stride
            let alignment = max(MemoryLayout<KernelGeometry>.alignment, MemoryLayout<Int>.alignment)
            return (filterBytes + alignment - 1) / alignment * alignment
        }

        @inlinable
        init(_ g: KernelGeometry, filter: UnsafePointer<T>, memory: UnsafeMutableRawPointer) {
            let k = g.outputChannels
            let phases = StridePhases(g)
            let phaseCount = phases.rows.count * phases.columns.count
            (self.g, columnPhases) = (g, phases.columns.count)
            filters = memory.bindMemory(to: T.self, capacity: g.filterHeight * g.filterWidth * k)
            geometries = (memory + Self.geometryStart(g)).bindMemory(to: KernelGeometry.self, capacity: phaseCount)
            filterOffsets = (memory + Self.geometryStart(g) + phaseCount * MemoryLayout<KernelGeometry>.stride)
                .bindMemory(to: Int.self, capacity: phaseCount)
            var offset = 0
            for a in phases.rows.indices {
                for b in phases.columns.indices {
                    (geometries + a * columnPhases + b).initialize(to: phases.geometry(a, b))
                    filterOffsets[a * columnPhases + b] = offset
                    for th in 0..<phases.rows[a].taps {
                        for tw in 0..<phases.columns[b].taps {
                            let (kh, kw) = phases.filterTap(a, b, th, tw)
                            (filters + offset).initialize(from: filter + (kh * g.filterWidth + kw) * k, count: k)
                            offset += k
                        }
                    }
                }
            }
        }

        /// The working memory of ``computeRow(_:_:_:channels:_:into:phaseRow:)`` where the
        /// input gradient's format does not sum over the multiplier: one phase row of at most
        /// ceil(inputWidth / strideW) pixels.
        @inlinable
        var phaseRowElements: Int { (g.inputWidth + g.strides.width - 1) / g.strides.width * g.outputChannels }

        /// Computes input channels `channels` of row `item` (of `batch * inputHeight`) of the
        /// input gradient into `pixels`, held in format `Out`, from an output gradient held in format `In`.
        @inlinable
        func computeRow<In: InputFormat, Out: OutputFormat>(
            _: In.Type, _: Out.Type, _ item: Int, channels: Range<Int>, _ outputGradient: UnsafePointer<In.Stored>,
            into pixels: UnsafeMutablePointer<Out.Stored>, phaseRow: UnsafeMutablePointer<T>
        ) {
            let (c, k, m, sw) = (g.channels, g.outputChannels, g.multiplier, g.strides.width)
            // Offsets into `pixels` count `summed` stored values per element.
            let summed = Out.channelsSummed
            let (n, ih) = item.quotientAndRemainder(dividingBy: g.inputHeight)
            let (a, r) = (ih % g.strides.height, ih / g.strides.height)
            for b in 0..<columnPhases {
                let phase = geometries[a * columnPhases + b]
                let phasePixels = pixels + b * c * summed
                guard phase.filterHeight > 0, phase.filterWidth > 0 else {
                    for column in 0..<phase.outputWidth {
                        for channel in channels {
                            Out.store(F.Single(broadcasting: 0), to: phasePixels + (column * sw * c + channel) * summed)
                        }
                    }
                    continue
                }
                let row = n * phase.outputHeight + r
                let filter = filters + filterOffsets[a * columnPhases + b]
                // Each phase row goes straight into every s-th pixel where the format sums over the
                // multiplier (or there is none to sum over); else into the phase row first.
                if summed == m {
                    forwardRow(
                        In.self, Out.self, phase, row: row, channels: channels.lowerBound * m..<channels.upperBound * m,
                        firstInputRow: 0, outputGradient, filter, firstOutputRow: row, phasePixels, pixelStep: sw * k)
                    continue
                }
                forwardRow(
                    In.self, NativeFormat<T>.self, phase, row: row, channels: channels.lowerBound * m..<channels.upperBound * m,
                    firstInputRow: 0, outputGradient, filter, firstOutputRow: row, phaseRow, pixelStep: k)
                if sw == 1 && channels.count == c {  // the row's pixels are contiguous: one run of channels
                    sumOverMultiplier(Out.self, m, phase.outputWidth * c, phaseRow, into: phasePixels)
                } else {
                    for column in 0..<phase.outputWidth {
                        sumOverMultiplier(
                            Out.self, m, channels.count, phaseRow + (column * k + channels.lowerBound * m),
                            into: phasePixels + (column * sw * c + channels.lowerBound))
                    }
                }
            }
        }
    }

    /// target[c] = sum over q, in order, of source[c*M + q], stored in format `Out`
    @inlinable
    static func sumOverMultiplier<Out: OutputFormat>(
        _: Out.Type, _ m: Int, _ channels: Int, _ source: UnsafePointer<T>, into target: UnsafeMutablePointer<Out.Stored>
    ) {
        var c = 0
        switch m {  // constant multipliers, whose lanes split with shuffles
        case 2:
            sumOverMultiplier(F.Register.self, Out.self, times: 2, channels, source, target, &c)
            sumOverMultiplier(F.Narrow.self, Out.self, times: 2, channels, source, target, &c)
        case 4:
            sumOverMultiplier(F.Register.self, Out.self, times: 4, channels, source, target, &c)
            sumOverMultiplier(F.Narrow.self, Out.self, times: 4, channels, source, target, &c)
        default: break
        }
        while c < channels {
            var sum = source[c * m]
            for q in 1..<m { sum += source[c * m + q] }
            Out.store(F.Single(broadcasting: sum), to: target + c)
            c += 1
        }
    }

    /// The sums of `sumOverMultiplier` for M = 2 or 4, `V.laneCount` channels at a time from
    /// channel `c`, for as many as fit.
    @inlinable @inline(__always)
    static func sumOverMultiplier<V: KernelVector, Out: OutputFormat>(
        _: V.Type, _: Out.Type, times m: Int, _ channels: Int, _ source: UnsafePointer<T>,
        _ target: UnsafeMutablePointer<Out.Stored>, _ c: inout Int
    ) where V.Element == T {
        while c + V.laneCount <= channels {
            let p = source + c * m
            let sum: V
            if m == 2 {
                let (q0, q1) = V.deinterleaving(p)
                sum = q0 + q1
            } else {
                // Lanes of the first half of the channels alternate q = 0, 2 (even) and 1, 3 (odd);
                // splitting the evens of both halves, and the odds, separates all four.
                let (even0, odd0) = V.deinterleaving(p)
                let (even1, odd1) = V.deinterleaving(p + 2 * V.laneCount)
                let (q0, q2) = even0.deinterleaved(with: even1)
                let (q1, q3) = odd0.deinterleaved(with: odd1)
                sum = q0 + q1 + q2 + q3
            }
            Out.store(sum, to: target + c)
            c += V.laneCount
        }
    }
}
