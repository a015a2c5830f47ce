/// The output-gradient values that the NCHW filter gradient's dot products read: `rows` rows of
/// `columns` values, `pitch` apart, value (r, j) meeting flat position r * `phasePitch` + j of
/// the phases.
///
/// Either the output-gradient plane itself, where its rows hold at least a register (no copy:
/// the flat convolution's positions past the output width, whose gradient is zero, are not
/// computed), or its copy laid out like the flat result (``FlatPlane/fillFlat(_:_:_:from:)``),
/// as a single row of `flatCount` values.
@usableFromInline
struct GradientRows<Stored> {
    @usableFromInline let values: UnsafePointer<Stored>
    @usableFromInline let rows: Int
    @usableFromInline let columns: Int
    @usableFromInline let pitch: Int
    @usableFromInline let phasePitch: Int

    /// The output-gradient plane of `layout`'s geometry at `plane`.
    @inlinable
    init(plane: UnsafePointer<Stored>, _ layout: FlatPlane) {
        let g = layout.g
        (values, rows, columns, pitch, phasePitch) = (plane, g.outputHeight, g.outputWidth, g.outputWidth, layout.pitch)
    }

    /// The flat copy of an output-gradient plane, `layout.flatCount` values at `flat`.
    @inlinable
    init(flat: UnsafePointer<Stored>, _ layout: FlatPlane) {
        (values, rows, columns, pitch, phasePitch) = (flat, 1, layout.flatCount, 0, 0)
    }

    /// Registers per row: the last ends at the row's end, overlapping the one before.
    @inlinable
    func blocks(lanes: Int) -> Int { (columns + lanes - 1) / lanes }

    /// Where register `block` of a row starts.
    @inlinable @inline(__always)
    func column(_ block: Int, lanes: Int) -> Int { min(block &* lanes, columns &- lanes) }

    /// The lanes of a row's register before the last whose products count: those the last
    /// register does not cover again (all of them where it does not overlap). Every other
    /// register counts all its lanes.
    @inlinable
    func keptLanes<R: KernelVector>(_: R.Type) -> R {
        let beforeLast = blocks(lanes: R.laneCount) - 2
        return R(broadcasting: 1).keepingLanes(below: columns - R.laneCount - beforeLast * R.laneCount)
    }
}

extension NCHWKernels {
    /// Whether the filter gradient reads the output-gradient plane itself: its rows hold at least a register.
    @inlinable
    static func readsGradientRows(_ g: KernelGeometry) -> Bool { g.outputWidth >= F.Register.laneCount }

    /// sums[t] = sum over gradient values (r, j) of gradient[r, j] * phases[offsets[t] + r * phasePitch + j],
    /// for every tap: up to nine taps per pass over the gradient (one load of it for all of them),
    /// each tap's products summed lane by lane in order of rows and registers, then across the lanes.
    ///
    /// Returns whether every sum is finite. Where one is not, an infinity or a NaN was
    /// multiplied, maybe by a padding zero, which the reference never multiplies: the plane is
    /// then computed again by the row kernel. Where all are, no such value was.
    @inlinable
    static func tapDots<I: InputFormat>(
        _: I.Type, _ gradient: GradientRows<I.Stored>, _ scratch: FlatScratch<T>, taps tapCount: Int,
        into sums: UnsafeMutablePointer<T>
    ) -> Bool {
        var first = 0
        while first < tapCount {
            let count = min(9, tapCount - first)
            switch count {  // constant counts, so that the sums stay in registers
            case 9: tapDots(9, I.self, gradient, from: first, scratch, sums)
            case 8: tapDots(8, I.self, gradient, from: first, scratch, sums)
            case 7: tapDots(7, I.self, gradient, from: first, scratch, sums)
            case 6: tapDots(6, I.self, gradient, from: first, scratch, sums)
            case 5: tapDots(5, I.self, gradient, from: first, scratch, sums)
            case 4: tapDots(4, I.self, gradient, from: first, scratch, sums)
            case 3: tapDots(3, I.self, gradient, from: first, scratch, sums)
            case 2: tapDots(2, I.self, gradient, from: first, scratch, sums)
            default: tapDots(1, I.self, gradient, from: first, scratch, sums)
            }
            first += count
        }
        return (0..<tapCount).allSatisfy { sums[$0].isFinite }
    }

    @inlinable @inline(__always)
    static func tapDots<I: InputFormat>(
        _ count: Int, _: I.Type, _ gradient: GradientRows<I.Stored>, from first: Int, _ scratch: FlatScratch<T>,
        _ tapSums: UnsafeMutablePointer<T>
    ) {
        typealias R = F.Register
        var taps = InlineArray<9, UnsafePointer<T>>(repeating: UnsafePointer(scratch.phases))
        for t in 0..<count { taps[t] = UnsafePointer(scratch.phases + scratch.offsets[first + t]) }
        var sums = InlineArray<9, R>(repeating: R(broadcasting: 0))
        let (blocks, ones, kept) = (gradient.blocks(lanes: R.laneCount), R(broadcasting: 1), gradient.keptLanes(R.self))
        for row in 0..<gradient.rows {
            let (values, phaseRow) = (gradient.values + row &* gradient.pitch, row &* gradient.phasePitch)
            for block in 0..<blocks {
                let (j, mask) = (gradient.column(block, lanes: R.laneCount), block == blocks &- 2 ? kept : ones)
                let value = masked(I.self, values + j, mask)
                for t in 0..<count { sums[t] = sums[t].multiplyAdd(value, R(loading: taps[t] + (phaseRow &+ j))) }
            }
        }
        for t in 0..<count { tapSums[first + t] = sums[t].laneSum() }
    }

    /// Whether ``bandDots(_:_:_:into:)`` serves `layout`: a 3x3 filter, unit strides and row
    /// dilation, at least a band of rows, and gradient rows read from the plane.
    @inlinable
    static func bandDotsServe(_ layout: FlatPlane) -> Bool {
        let g = layout.g
        return layout.isUsable && g.strides == (1, 1) && g.dilations.height == 1 && (g.filterHeight, g.filterWidth) == (3, 3)
            && g.outputHeight >= bandRows && readsGradientRows(g)
    }

    /// The tap dot products of ``tapDots(_:_:_:taps:into:)`` for a 3x3 filter by bands of four
    /// gradient rows of the plane:
    ///
    /// sums[kh*3 + kw] = sum over output rows oh and columns ow of
    /// gradient[oh, ow] * phases[(oh + kh)*pitch + ow + kw*dw]
    ///
    /// Band row t of the phases meets gradient row i of the band at filter row t - i, so each
    /// phase register loaded serves every gradient row of the band that reads it: 22 loads per
    /// 36 multiply-adds, not 40. Rows go in registers as ``GradientRows`` places them, so that
    /// every position is summed once. Rows left over from the bands go one at a time, after
    /// them. Each tap's sum is summed lane by lane, in order of rows, registers and the band's
    /// rows, then across the lanes.
    ///
    /// Returns whether every sum is finite, as ``tapDots(_:_:_:taps:into:)`` does (a product of
    /// a masked lane that is not finite makes its sum not finite too).
    @inlinable @inline(never)
    static func bandDots<I: InputFormat>(
        _: I.Type, _ gradient: GradientRows<I.Stored>, _ scratch: FlatScratch<T>, into tapSums: UnsafeMutablePointer<T>
    ) -> Bool {
        typealias R = F.Register
        let (pitch, dw) = (gradient.phasePitch, scratch.offsets[1])  // tap (0, 1) reads dw columns on
        let phases = UnsafePointer(scratch.phases)
        let (blocks, ones, kept) = (gradient.blocks(lanes: R.laneCount), R(broadcasting: 1), gradient.keptLanes(R.self))
        let zero = R(broadcasting: 0)
        // The sums of filter rows 0, 1 and 2 for filter columns 0, 1 and 2.
        var (s0, s1, s2) = ((zero, zero, zero), (zero, zero, zero), (zero, zero, zero))
        let bandEnd = gradient.rows / bandRows * bandRows
        var row = 0
        while row < gradient.rows {
            let banded = row < bandEnd
            for block in 0..<blocks {
                let (j, mask) = (gradient.column(block, lanes: R.laneCount), block == blocks &- 2 ? kept : ones)
                let (values, o) = (gradient.values + (row &* gradient.pitch &+ j), row &* pitch &+ j)
                let step = gradient.pitch
                if banded {
                    let rows = (
                        masked(I.self, values, mask), masked(I.self, values + step, mask),
                        masked(I.self, values + 2 &* step, mask), masked(I.self, values + 3 &* step, mask)
                    )
                    bandColumn(phases + o, pitch, rows, &s0)
                    bandColumn(phases + (o &+ dw), pitch, rows, &s1)
                    bandColumn(phases + (o &+ 2 &* dw), pitch, rows, &s2)
                } else {
                    let single = masked(I.self, values, mask)
                    rowColumn(phases + o, pitch, single, &s0)
                    rowColumn(phases + (o &+ dw), pitch, single, &s1)
                    rowColumn(phases + (o &+ 2 &* dw), pitch, single, &s2)
                }
            }
            row += banded ? bandRows : 1
        }
        (tapSums[0], tapSums[3], tapSums[6]) = (s0.0.laneSum(), s0.1.laneSum(), s0.2.laneSum())
        (tapSums[1], tapSums[4], tapSums[7]) = (s1.0.laneSum(), s1.1.laneSum(), s1.2.laneSum())
        (tapSums[2], tapSums[5], tapSums[8]) = (s2.0.laneSum(), s2.1.laneSum(), s2.2.laneSum())
        return (0..<9).allSatisfy { tapSums[$0].isFinite }
    }

    /// The register of gradient values at `values`, times `mask` (0 or 1 in each lane).
    @inlinable @inline(__always)
    static func masked<I: InputFormat>(_: I.Type, _ values: UnsafePointer<I.Stored>, _ mask: F.Register) -> F.Register {
        F.Register(broadcasting: 0).multiplyAdd(I.load(F.Register.self, values), mask)
    }

    /// One filter column over a band: sum of filter row kh += gradient row i times band row i + kh.
    @inlinable @inline(__always)
    static func bandColumn(
        _ source: UnsafePointer<T>, _ pitch: Int, _ g: (F.Register, F.Register, F.Register, F.Register),
        _ s: inout (F.Register, F.Register, F.Register)
    ) {
        typealias R = F.Register
        let v = (
            R(loading: source), R(loading: source + pitch), R(loading: source + 2 &* pitch), R(loading: source + 3 &* pitch),
            R(loading: source + 4 &* pitch), R(loading: source + 5 &* pitch)
        )
        s.0 = s.0.multiplyAdd(g.0, v.0).multiplyAdd(g.1, v.1).multiplyAdd(g.2, v.2).multiplyAdd(g.3, v.3)
        s.1 = s.1.multiplyAdd(g.0, v.1).multiplyAdd(g.1, v.2).multiplyAdd(g.2, v.3).multiplyAdd(g.3, v.4)
        s.2 = s.2.multiplyAdd(g.0, v.2).multiplyAdd(g.1, v.3).multiplyAdd(g.2, v.4).multiplyAdd(g.3, v.5)
    }

    /// One filter column over a single row: sum of filter row kh += the gradient row times row kh.
    @inlinable @inline(__always)
    static func rowColumn(
        _ source: UnsafePointer<T>, _ pitch: Int, _ g: F.Register, _ s: inout (F.Register, F.Register, F.Register)
    ) {
        typealias R = F.Register
        s.0 = s.0.multiplyAdd(g, R(loading: source))
        s.1 = s.1.multiplyAdd(g, R(loading: source + pitch))
        s.2 = s.2.multiplyAdd(g, R(loading: source + 2 &* pitch))
    }
}
