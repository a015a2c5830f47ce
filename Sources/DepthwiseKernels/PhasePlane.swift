/// The stride phases of an NCHW input gradient, all reading one zero-padded copy of the
/// output-gradient plane.
///
/// Phase (a, b) position (r, j) reads its tap (th, tw) at output-gradient row
/// r + th*dh - padBefore(a) and column j + tw*dw - padBefore(b), with the phases' dilations
/// dh, dw (``StridePhases``). A copy padded above by the largest padBefore of any row phase,
/// P, and left by the largest of any column phase, Q, serves every phase: there the tap reads
/// padded row r + rowBase(a) + th*dh, with rowBase(a) = P - padBefore(a) >= 0, and padded
/// column j + columnBase(b) + tw*dw likewise.
///
/// Not inlinable: set-up arithmetic, compiled once for baseline x86-64.
@usableFromInline
struct PhasePlane {
    @usableFromInline let phases: StridePhases
    /// The padded plane, laid out for a unit-stride convolution whose padding is (P, Q) and
    /// whose filter spans the taps of every phase.
    @usableFromInline let layout: FlatPlane
    /// Phase p = a * columnPhases + b has taps tapStarts[p] ..< tapStarts[p + 1], tap (th, tw)
    /// at tapStarts[p] + th * columnTaps + tw.
    @usableFromInline let tapStarts: [Int]
    /// Where each tap reads position (0, 0) of its phase: rowBase(a) + th*dh rows and
    /// columnBase(b) + tw*dw columns into the padded plane.
    @usableFromInline let tapOffsets: [Int]

    @inlinable var phaseCount: Int { tapStarts.count - 1 }

    @usableFromInline
    init(_ g: KernelGeometry, lanes: Int) {
        let phases = StridePhases(g)
        let (rows, columns) = (Self.cover(phases.rows), Self.cover(phases.columns))
        let covering = KernelGeometry(
            batch: g.batch, inputHeight: g.outputHeight, inputWidth: g.outputWidth, channels: g.outputChannels,
            multiplier: 1, filterHeight: rows.extent, filterWidth: columns.extent,
            outputHeight: phases.rows.map(\.positions).max() ?? 0,
            outputWidth: phases.columns.map(\.positions).max() ?? 0, strides: (1, 1), dilations: (1, 1),
            padTop: rows.pad, padLeft: columns.pad)
        let layout = FlatPlane(covering, lanes: lanes)
        (self.phases, self.layout) = (phases, layout)
        var (starts, offsets) = ([0], [Int]())
        for a in phases.rows.indices {
            for b in phases.columns.indices {
                let (row, column) = (phases.rows[a], phases.columns[b])
                for th in 0..<row.taps {
                    for tw in 0..<column.taps {
                        offsets.append(
                            (rows.bases[a] + th * row.dilation) * layout.pitch + columns.bases[b] + tw * column.dilation)
                    }
                }
                starts.append(offsets.count)
            }
        }
        (tapStarts, tapOffsets) = (starts, offsets)
    }

    /// The padding before the copy along one axis, each phase's base (pad - padBefore), and
    /// the filter extent that reaches every tap of every phase.
    private static func cover(_ axes: [PhaseAxis]) -> (pad: Int, bases: [Int], extent: Int) {
        let reaching = axes.filter { $0.taps > 0 }
        let pad = reaching.map(\.padBefore).max() ?? 0
        let extent = reaching.map { pad - $0.padBefore + ($0.taps - 1) * $0.dilation + 1 }.max() ?? 1
        return (pad, axes.map { pad - $0.padBefore }, extent)
    }
}

extension FlatScratch {
    /// The bytes of memory ``init(_:memory:)`` takes for `plane`.
    @inlinable
    static func byteCount(_ plane: PhasePlane) -> Int {
        let (layout, taps) = (plane.layout, plane.tapOffsets.count)
        return MemoryParts.byteCount(T.self, layout.phaseSize) + MemoryParts.byteCount(T.self, plane.phaseCount * layout.flatCount)
            + MemoryParts.byteCount(T.self, taps) + MemoryParts.byteCount(Int.self, taps)
    }

    /// Working memory for ``PhasePlane``, carved out of `memory` (`byteCount(plane)` bytes,
    /// 64-byte aligned): the padded plane as `phases`, zeroed (the fills leave its padding
    /// zero); each stride phase's flat result in turn in `flat`, `layout.flatCount` apart;
    /// and each tap's weight and offset. Always inlined: a copy of its own, specialized for one
    /// scalar type only, would be shared between the kernel modules.
    @inlinable @inline(__always)
    init(_ plane: PhasePlane, memory: UnsafeMutableRawPointer) {
        let (layout, taps) = (plane.layout, plane.tapOffsets.count)
        var parts = MemoryParts(memory)
        phases = parts.take(T.self, layout.phaseSize)
        flat = parts.take(T.self, plane.phaseCount * layout.flatCount)
        weights = parts.take(T.self, taps)
        offsets = parts.take(Int.self, taps)
        phases.initialize(repeating: 0, count: layout.phaseSize)
        for t in 0..<taps { offsets[t] = plane.tapOffsets[t] }
    }
}
