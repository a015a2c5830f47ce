extension NCHWKernels {
    /// Whether ``bandDots(_:_:into:)`` serves `layout`: a 3x3 filter, unit strides and row
    /// dilation, and at least a band of rows and a register of columns.
    @inlinable
    static func bandDotsServe(_ layout: FlatPlane) -> Bool {
        let g = layout.g
        return layout.isUsable && g.strides == (1, 1) && g.dilations.height == 1 && (g.filterHeight, g.filterWidth) == (3, 3)
            && g.outputHeight >= bandRows && layout.pitch >= F.Register.laneCount
    }

    /// The tap dot products of ``tapDots(_:_:into:)`` for a 3x3 filter by bands of four output rows:
    ///
    /// sums[kh*3 + kw] = sum over output rows oh and flat columns j < pitch of
    /// flat[oh*pitch + j] * phases[(oh + kh)*pitch + j + kw*dw]
    ///
    /// Band row t of the phases meets gradient row i of the band at filter row t - i, so each
    /// phase register loaded serves every gradient row of the band that reads it: 22 loads per
    /// 36 multiply-adds, not 40. Each row goes in whole registers, the last ending at the pitch;
    /// the register before it keeps only the columns the last does not (its other lanes times
    /// zero), so that every position is summed once. Rows left over from the bands go one at a
    /// time, after them. Each tap's sum is summed lane by lane, in order of rows, registers and
    /// the band's rows, then across the lanes.
    ///
    /// Returns whether every sum is finite, as ``tapDots(_:_:into:)`` does (a product of a
    /// masked lane that is not finite makes its sum not finite too).
    @inlinable @inline(never)
    static func bandDots(_ layout: FlatPlane, _ scratch: FlatScratch<T>, into tapSums: UnsafeMutablePointer<T>) -> Bool {
        typealias R = F.Register
        let g = layout.g
        let (lanes, pitch, dw) = (R.laneCount, layout.pitch, g.dilations.width)
        let (flat, phases) = (UnsafePointer(scratch.flat), UnsafePointer(scratch.phases))
        let blocks = (pitch + lanes - 1) / lanes
        let beforeLast = blocks - 2
        let (zero, ones) = (R(broadcasting: 0), R(broadcasting: 1))
        let kept = ones.keepingLanes(below: pitch - lanes - beforeLast * lanes)
        // The sums of filter rows 0, 1 and 2 for filter columns 0, 1 and 2.
        var (s0, s1, s2) = ((zero, zero, zero), (zero, zero, zero), (zero, zero, zero))
        let bandEnd = g.outputHeight / bandRows * bandRows
        var row = 0
        while row < g.outputHeight {
            let banded = row < bandEnd
            for block in 0..<blocks {
                let o = row &* pitch &+ min(block &* lanes, pitch &- lanes)
                let mask = block == beforeLast ? kept : ones
                let gradient = { (i: Int) in zero.multiplyAdd(R(loading: flat + (o &+ i &* pitch)), mask) }
                if banded {
                    let rows = (gradient(0), gradient(1), gradient(2), gradient(3))
                    bandColumn(phases + o, pitch, rows, &s0)
                    bandColumn(phases + (o &+ dw), pitch, rows, &s1)
                    bandColumn(phases + (o &+ 2 &* dw), pitch, rows, &s2)
                } else {
                    let single = gradient(0)
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
