/// The NCHW input gradient as one flat convolution per stride phase (``StridePhases``).
///
/// Each output-gradient plane is convolved once per phase, as a ``FlatPlane``; the rows of
/// the phases of one input row are then stored interleaved, every s-th column, and summed
/// over the multiplier. With unit strides the one phase is the convolution with the filter
/// turned by 180 degrees, stored row by row.
extension NCHWKernels {
    /// inputGradient[n, c, ih, iw] = sum over q and the taps (kh, kw) that map an output (oh, ow) onto
    /// (ih, iw) of filter[kh, kw, c, q] * outputGradient[n, c*M + q, oh, ow]
    @inlinable
    public static func backpropInput(
        _ g: KernelGeometry, outputGradient: UnsafePointer<T>, filter: UnsafePointer<T>,
        inputGradient: UnsafeMutablePointer<T>, threadCount: Int
    ) {
        let (inputPlane, outputPlane) = (g.inputHeight * g.inputWidth, g.outputHeight * g.outputWidth)
        let phases = StridePhases(g)
        let (rowPhases, columnPhases) = (phases.rows.count, phases.columns.count)
        let phaseCount = rowPhases * columnPhases
        // Phase (a, b) at a * columnPhases + b.
        let layouts = UnsafeMutablePointer<FlatPlane>.allocate(capacity: phaseCount)
        defer { layouts.deallocate() }
        var (byteCount, isUsable) = (0, true)
        for a in 0..<rowPhases {
            for b in 0..<columnPhases {
                let layout = FlatPlane(phases.geometry(a, b), lanes: F.Register.laneCount)
                (layouts + a * columnPhases + b).initialize(to: layout)
                byteCount += FlatScratch<T>.byteCount(layout)
                isUsable = isUsable && layout.isUsable
            }
        }
        guard isUsable else {
            return Parallel.forEach(g.batch * g.channels, threadCount: threadCount, work: g.multiplyAddCount) { planes in
                for plane in planes { backpropInputPlane(g, plane, outputGradient, filter, inputGradient) }
            }
        }
        Parallel.forEach(g.batch * g.channels, threadCount: threadCount, work: g.multiplyAddCount) { items in
            Workspace.withMemory(byteCount: byteCount) { memory in
                let scratches = UnsafeMutablePointer<FlatScratch<T>>.allocate(capacity: phaseCount)
                defer { scratches.deallocate() }
                var next = memory
                for p in 0..<phaseCount {
                    (scratches + p).initialize(to: FlatScratch(layouts[p], memory: next))
                    next += FlatScratch<T>.byteCount(layouts[p])
                }
                for item in items {
                    let (n, c) = item.quotientAndRemainder(dividingBy: g.channels)
                    for q in 0..<g.multiplier {
                        guard setPhaseWeights(g, phases, c: c, q: q, filter, scratches) else {
                            backpropInputPlane(g, item, outputGradient, filter, inputGradient)
                            break
                        }
                        let gradient = outputGradient + (n * g.outputChannels + c * g.multiplier + q) * outputPlane
                        for p in 0..<phaseCount {
                            layouts[p].fill(F.self, scratches[p].phases, from: gradient)
                            convolve(layouts[p], scratches[p])
                        }
                        storePhases(g, phases, layouts, scratches, to: inputGradient + item * inputPlane, adding: q > 0)
                    }
                }
            }
        }
    }

    /// Sets each phase's weights to its taps of filter[., ., c, q]; returns whether all are finite.
    @inlinable
    static func setPhaseWeights(
        _ g: KernelGeometry, _ phases: StridePhases, c: Int, q: Int, _ filter: UnsafePointer<T>,
        _ scratches: UnsafeMutablePointer<FlatScratch<T>>
    ) -> Bool {
        var p = 0
        for a in phases.rows.indices {
            for b in phases.columns.indices {
                let (columnTaps, weights) = (phases.columns[b].taps, scratches[p].weights)
                for th in 0..<phases.rows[a].taps {
                    for tw in 0..<columnTaps {
                        let (kh, kw) = phases.filterTap(a, b, th, tw)
                        weights[th * columnTaps + tw] = filter[g.filterOffset(kh, kw, c, q)]
                    }
                }
                guard isFinite(weights, count: phases.rows[a].taps * columnTaps) else { return false }
                p += 1
            }
        }
        return true
    }

    /// plane[(a + r*sh) * inputWidth + b + j*sw] = flat(a, b)[r * pitch + j], or += where
    /// `adding`: every phase's result at its input positions.
    @inlinable
    static func storePhases(
        _ g: KernelGeometry, _ phases: StridePhases, _ layouts: UnsafePointer<FlatPlane>,
        _ scratches: UnsafePointer<FlatScratch<T>>, to plane: UnsafeMutablePointer<T>, adding: Bool
    ) {
        let (sh, sw) = g.strides
        let columnPhases = phases.columns.count
        for a in phases.rows.indices {
            let phase = a * columnPhases
            for r in 0..<phases.rows[a].positions {
                let row = plane + (a + r * sh) * g.inputWidth
                let flat = { (b: Int) in UnsafePointer(scratches[phase + b].flat) + r * layouts[phase + b].pitch }
                switch columnPhases {
                case 1:
                    FlatPlane.copy(F.self, phases.columns[0].positions, from: flat(0), to: row, adding: adding)
                case 2 where sw == 2:
                    interleave(g.inputWidth, flat(0), flat(1), to: row, adding: adding)
                default:
                    for b in 0..<columnPhases {
                        let source = flat(b)
                        for j in 0..<phases.columns[b].positions {
                            row[b + j * sw] = adding ? row[b + j * sw] + source[j] : source[j]
                        }
                    }
                }
            }
        }
    }

    /// row[2j] = even[j] and row[2j + 1] = odd[j] for the `width` elements of the row, or +=
    /// where `adding`: the two column phases of stride 2, in registers.
    @inlinable
    static func interleave(
        _ width: Int, _ even: UnsafePointer<T>, _ odd: UnsafePointer<T>, to row: UnsafeMutablePointer<T>, adding: Bool
    ) {
        typealias R = F.Register
        let lanes = R.laneCount
        var j = 0
        while 2 * (j + lanes) <= width {  // both phases hold j..<j + lanes
            let (low, high) = R(loading: even + j).interleaved(with: R(loading: odd + j))
            let target = row + 2 * j
            (adding ? R(loading: target) + low : low).store(to: target)
            (adding ? R(loading: target + lanes) + high : high).store(to: target + lanes)
            j += lanes
        }
        for i in 2 * j..<width {
            let value = i % 2 == 0 ? even[i / 2] : odd[i / 2]
            row[i] = adding ? row[i] + value : value
        }
    }
}
