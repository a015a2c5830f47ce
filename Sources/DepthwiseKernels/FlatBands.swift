/// A filter height known at compile time, so that the loops over it unroll.
@usableFromInline
protocol FilterRows {
    static var count: Int { get }
}

extension FilterRows {
    /// Output rows per band of ``NCHWKernels/convolveBands(_:_:to:adding:)``: the band's sums,
    /// two registers per row, and the weights of one filter column take 15 of 16 registers
    /// (6 rows for a filter height of 3, 5 for 5, 4 for 7).
    @inlinable static var bandRows: Int { (15 - count) / 2 }
}

@usableFromInline
enum ThreeRows: FilterRows {
    @inlinable static var count: Int { 3 }
}

@usableFromInline
enum FiveRows: FilterRows {
    @inlinable static var count: Int { 5 }
}

@usableFromInline
enum SevenRows: FilterRows {
    @inlinable static var count: Int { 7 }
}

extension NCHWKernels {
    /// Gradient rows per band of ``bandDots(_:_:_:into:)``.
    @inlinable static var bandRows: Int { 4 }

    /// Whether ``convolveBands(_:_:to:adding:)`` serves `layout`: unit strides, unit row dilation,
    /// a filter height of 3, 5 or 7, and at least a band of rows and a register of columns.
    @inlinable
    static func bandsServe(_ layout: FlatPlane) -> Bool {
        let g = layout.g
        let bandRows =
            switch g.filterHeight {
            case 3: ThreeRows.bandRows
            case 5: FiveRows.bandRows
            case 7: SevenRows.bandRows
            default: Int.max
            }
        return g.strides == (1, 1) && g.dilations.height == 1 && g.outputHeight >= bandRows
            && layout.pitch >= F.Register.laneCount
    }

    /// plane[oh * outputWidth + ow] = sum over taps (kh, kw), in order of kw, then kh, of
    /// weights[kh*KW + kw] * phases[(oh + kh) * pitch + ow + kw*dw], or += where `adding`
    ///
    /// The unit-stride convolution of ``convolve(_:_:)``, a band of B output rows
    /// (``FilterRows/bandRows``) by two registers at a time: each register loaded from the phase
    /// serves every row of the band that reads it (row i reads band row t with filter row t - i),
    /// so that loads fall from one per multiply-add to (KH + B - 1) / (B KH). The last band and
    /// the last registers of a row may overlap the ones before (they compute the same values
    /// again); so the sums go straight into the plane, unless they are added to it: then into
    /// the flat result, which is added.
    @inlinable
    static func convolveBands(
        _ layout: FlatPlane, _ scratch: FlatScratch<T>, to plane: UnsafeMutablePointer<T>, adding: Bool
    ) {
        if !adding && layout.g.outputWidth >= F.Register.laneCount {
            return convolveBands(layout, scratch, into: plane, pitch: layout.g.outputWidth, width: layout.g.outputWidth)
        }
        convolveBands(layout, scratch, into: scratch.flat, pitch: layout.pitch, width: layout.pitch)
        layout.copyRows(F.self, scratch.flat, to: plane, adding: adding)
    }

    /// target[oh * pitch + ow] = the sums of ``convolveBands(_:_:to:adding:)``, for ow < width.
    @inlinable
    static func convolveBands(
        _ layout: FlatPlane, _ scratch: FlatScratch<T>, into target: UnsafeMutablePointer<T>, pitch: Int, width: Int
    ) {
        switch layout.g.filterHeight {
        case 3: convolveBands(ThreeRows.self, layout, scratch, target, pitch, width)
        case 5: convolveBands(FiveRows.self, layout, scratch, target, pitch, width)
        default: convolveBands(SevenRows.self, layout, scratch, target, pitch, width)
        }
    }

    @inlinable
    static func convolveBands<K: FilterRows>(
        _: K.Type, _ layout: FlatPlane, _ scratch: FlatScratch<T>, _ target: UnsafeMutablePointer<T>, _ targetPitch: Int,
        _ width: Int
    ) {
        typealias R = F.Register
        let g = layout.g
        let (lanes, pitch) = (R.laneCount, layout.pitch)
        let (phases, weights) = (UnsafePointer(scratch.phases), UnsafePointer(scratch.weights))
        // A block's second register starts a register after its first, or closer in rows of
        // fewer than two registers, which one block then covers.
        let second = min(lanes, width - lanes)
        var band = 0
        while band < g.outputHeight {
            band = min(band, g.outputHeight - K.bandRows)
            var column = 0
            while column < width {
                column = min(column, width - second - lanes)
                let o = band * pitch + column
                var sums = InlineArray<12, R>(repeating: R(broadcasting: 0))  // row i, register j at 2i + j
                for kw in 0..<g.filterWidth {
                    let source = phases + (o + kw * g.dilations.width)
                    let tapWeights = weights + kw
                    // Band rows t = 0 ..< B + KH - 1 (at most 10), written out so that every index is a constant.
                    bandRow(K.self, second, 0, source, pitch, tapWeights, g.filterWidth, &sums)
                    bandRow(K.self, second, 1, source, pitch, tapWeights, g.filterWidth, &sums)
                    bandRow(K.self, second, 2, source, pitch, tapWeights, g.filterWidth, &sums)
                    bandRow(K.self, second, 3, source, pitch, tapWeights, g.filterWidth, &sums)
                    bandRow(K.self, second, 4, source, pitch, tapWeights, g.filterWidth, &sums)
                    bandRow(K.self, second, 5, source, pitch, tapWeights, g.filterWidth, &sums)
                    bandRow(K.self, second, 6, source, pitch, tapWeights, g.filterWidth, &sums)
                    bandRow(K.self, second, 7, source, pitch, tapWeights, g.filterWidth, &sums)
                    bandRow(K.self, second, 8, source, pitch, tapWeights, g.filterWidth, &sums)
                    bandRow(K.self, second, 9, source, pitch, tapWeights, g.filterWidth, &sums)
                }
                for i in 0..<K.bandRows {
                    let out = target + ((band + i) * targetPitch + column)
                    sums[2 * i].store(to: out)
                    sums[2 * i + 1].store(to: out + second)
                }
                column += second + lanes
            }
            band += K.bandRows
        }
    }

    /// Band row t of one tap column: its two registers, times filter row t - i, into each row i
    /// of the band that reads it.
    @inlinable @inline(__always)
    static func bandRow<K: FilterRows>(
        _: K.Type, _ second: Int, _ t: Int, _ source: UnsafePointer<T>, _ pitch: Int, _ tapWeights: UnsafePointer<T>, _ filterWidth: Int,
        _ sums: inout InlineArray<12, F.Register>
    ) {
        typealias R = F.Register
        guard t < K.bandRows + K.count - 1 else { return }
        let row = source + t &* pitch
        let (v0, v1) = (R(loading: row), R(loading: row + second))
        for i in 0..<K.bandRows where t - i >= 0 && t - i < K.count {
            let w = R(broadcasting: tapWeights[(t - i) &* filterWidth])
            sums[2 * i] = sums[2 * i].multiplyAdd(v0, w)
            sums[2 * i + 1] = sums[2 * i + 1].multiplyAdd(v1, w)
        }
    }
}
