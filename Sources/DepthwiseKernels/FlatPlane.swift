/// One channel plane of an NCHW convolution laid out so that every filter tap is a
/// contiguous run of memory: the plane, zero-padded, split into `strideH * strideW` phases.
///
/// Phase (ph, pw) row i, column j holds padded row `i*sh + ph`, column `j*sw + pw` (padded
/// row r is input row r - padTop, padded column x is input column x - padLeft). Output
/// (oh, ow) reads tap (kh, kw) at phase ((kh*dh) % sh, (kw*dw) % sw), row oh + (kh*dh) / sh,
/// column ow + (kw*dw) / sw. With every phase row `pitch` elements long, output (oh, ow) is
/// flat position o = oh * pitch + ow and tap t reads element o + offset(t) of its phase:
/// the whole plane is one flat convolution, whose positions with ow >= outputWidth are
/// computed and discarded.
@usableFromInline
struct FlatPlane {
    @usableFromInline let g: KernelGeometry
    /// Elements of one phase row: the output width plus the widest column offset of a tap.
    @usableFromInline let pitch: Int
    /// Rows of one phase that taps read.
    @usableFromInline let phaseRows: Int
    /// Flat output positions computed: the output rows times the pitch, in whole vectors.
    @usableFromInline let flatCount: Int
    /// Elements of one phase: its rows, then zeros for the reads of the last vectors.
    @usableFromInline let phaseSize: Int

    /// Whether the layout serves: false where the padded copy would be much larger than the
    /// plane (huge strides, dilations or padding); the sizes are then zero.
    @usableFromInline let isUsable: Bool

    /// The layout for `g` with vectors of `lanes` elements.
    ///
    /// Not inlinable, and not an optional: compiled once, for baseline x86-64. Inlined, or as
    /// `FlatPlane?`, each kernel module would compile a copy that the linker may share between them.
    @usableFromInline
    init(_ g: KernelGeometry, lanes: Int) {
        self.g = g
        let (sh, sw) = g.strides
        // A geometry without taps (a stride phase no tap reaches) computes zeros.
        let rowOffset = max(0, g.filterHeight - 1) * g.dilations.height / sh
        let columnOffset = max(0, g.filterWidth - 1) * g.dilations.width / sw
        // Estimated in floating point first, so that no product below can overflow.
        let estimate =
            Double(sh) * Double(sw) * (Double(g.outputHeight) + Double(rowOffset) + 1)
            * (Double(g.outputWidth) + Double(columnOffset) + Double(lanes))
        let planes = Double(g.inputHeight) * Double(g.inputWidth) + Double(g.outputHeight) * Double(g.outputWidth)
        isUsable = estimate <= 4 * planes + 65536 && estimate <= Double(1 << 26)
        guard isUsable else {
            (pitch, phaseRows, flatCount, phaseSize) = (0, 0, 0, 0)
            return
        }
        pitch = g.outputWidth + columnOffset
        phaseRows = g.outputHeight + rowOffset
        let outputs = g.outputHeight * pitch
        flatCount = (outputs + lanes - 1) / lanes * lanes
        phaseSize = flatCount + rowOffset * pitch + columnOffset
    }

    @inlinable var phaseCount: Int { g.strides.height * g.strides.width }
    @inlinable var tapCount: Int { g.filterHeight * g.filterWidth }

    /// Where tap (kh, kw) reads flat position 0, from the start of the phases.
    @inlinable
    func tapOffset(_ kh: Int, _ kw: Int) -> Int {
        let (row, column) = (kh * g.dilations.height, kw * g.dilations.width)
        let phase = (row % g.strides.height) * g.strides.width + column % g.strides.width
        return phase * phaseSize + row / g.strides.height * pitch + column / g.strides.width
    }

    /// Copies one `inputHeight x inputWidth` plane into `phases` (`phaseCount * phaseSize`
    /// elements), whose other elements must be zero: they are the padding, the same for every
    /// plane of the geometry, so a buffer zeroed once serves all of them.
    @inlinable
    func fill<F: VectorFamily>(_: F.Type, _ phases: UnsafeMutablePointer<F.Scalar>, from plane: UnsafePointer<F.Scalar>) {
        fill(F.self, NativeFormat<F.Scalar>.self, phases, from: plane)
    }

    /// ``fill(_:_:from:)`` from a plane of format `I`.
    @inlinable
    func fill<F: VectorFamily, I: InputFormat>(
        _: F.Type, _ format: I.Type, _ phases: UnsafeMutablePointer<F.Scalar>, from plane: UnsafePointer<I.Stored>
    ) {
        let sw = g.strides.width
        if phaseCount == 1 { return fillOnePhase(F.self, I.self, phases, from: plane) }
        if sw == 2 { return fillColumnPairs(F.self, I.self, phases, from: plane) }
        for pw in 0..<sw {
            let columns = inputColumns(phase: pw)
            guard !columns.isEmpty else { continue }
            let (first, target) = (columns.lowerBound * sw + pw - g.padLeft, pw * phaseSize + columns.lowerBound)
            for (row, phaseRow) in rowPairs {
                copyColumns(F.self, I.self, columns.count, from: plane + (row + first), to: phases + (phaseRow + target))
            }
        }
    }

    /// ``fill(_:_:from:)`` for unit strides: consecutive input rows into consecutive rows of
    /// the one phase.
    @inlinable
    func fillOnePhase<F: VectorFamily, I: InputFormat>(
        _: F.Type, _ format: I.Type, _ phases: UnsafeMutablePointer<F.Scalar>, from plane: UnsafePointer<I.Stored>
    ) {
        let columns = inputColumns(phase: 0)
        let firstRow = min(g.inputHeight, max(0, -g.padTop))
        let rowCount = min(g.inputHeight, phaseRows - g.padTop) - firstRow
        guard !columns.isEmpty && rowCount > 0 else { return }
        let source = firstRow * g.inputWidth + columns.lowerBound - g.padLeft
        let target = (firstRow + g.padTop) * pitch + columns.lowerBound
        Self.copyRows(
            F.self, I.self, rowCount, of: columns.count, from: plane + source, pitch: g.inputWidth,
            within: g.inputHeight * g.inputWidth - source, to: phases + target, pitch: pitch, within: phaseSize - target)
    }

    /// ``fill(_:_:from:)`` for column stride 2, reading each input row once: phase (ph, 0) row
    /// i, column j takes its column 2j - padLeft, and phase (ph, 1) column 2j + 1 - padLeft.
    @inlinable
    func fillColumnPairs<F: VectorFamily, I: InputFormat>(
        _: F.Type, _ format: I.Type, _ phases: UnsafeMutablePointer<F.Scalar>, from plane: UnsafePointer<I.Stored>
    ) {
        let (evenColumns, oddColumns) = (inputColumns(phase: 0), inputColumns(phase: 1))
        // Vectors over the columns both phases hold, then single elements for the columns left.
        let low = max(evenColumns.lowerBound, oddColumns.lowerBound)
        let shared = low..<max(low, min(evenColumns.upperBound, oddColumns.upperBound))
        let (evenBefore, evenAfter) = (evenColumns.clamped(to: Int.min..<low), evenColumns.clamped(to: shared.upperBound..<Int.max))
        let (oddBefore, oddAfter) = (oddColumns.clamped(to: Int.min..<low), oddColumns.clamped(to: shared.upperBound..<Int.max))
        for (rowOffset, phaseRow) in rowPairs {
            let (row, even) = (plane + rowOffset, phases + phaseRow)
            let odd = even + phaseSize
            if shared.count >= F.Register.laneCount {
                deinterleave(F.Register.self, I.self, shared, from: row, to: even, odd)
            } else if shared.count >= F.Narrow.laneCount {
                deinterleave(F.Narrow.self, I.self, shared, from: row, to: even, odd)
            } else {
                deinterleave(F.Single.self, I.self, shared, from: row, to: even, odd)
            }
            let element = { (column: Int) in Self.element(F.self, I.self, row + column) }
            for j in evenBefore { even[j] = element(2 * j - g.padLeft) }
            for j in evenAfter { even[j] = element(2 * j - g.padLeft) }
            for j in oddBefore { odd[j] = element(2 * j + 1 - g.padLeft) }
            for j in oddAfter { odd[j] = element(2 * j + 1 - g.padLeft) }
        }
    }

    /// even[j] = row[2j - padLeft] and odd[j] = row[2j + 1 - padLeft] for j in `columns` (at
    /// least a vector of them), a vector at a time, the last one overlapping the one before.
    @inlinable @inline(__always)
    func deinterleave<V: KernelVector, I: InputFormat>(
        _: V.Type, _: I.Type, _ columns: Range<Int>, from row: UnsafePointer<I.Stored>, to even: UnsafeMutablePointer<V.Element>,
        _ odd: UnsafeMutablePointer<V.Element>
    ) {
        guard columns.count >= V.laneCount else { return }
        var j = columns.lowerBound
        while true {
            let pair = row + (2 &* j &- g.padLeft)
            let (evens, odds) = I.load(V.self, pair).deinterleaved(with: I.load(V.self, pair + V.laneCount))
            evens.store(to: even + j)
            odds.store(to: odd + j)
            if j == columns.upperBound &- V.laneCount { break }
            j = min(j &+ V.laneCount, columns.upperBound &- V.laneCount)
        }
    }

    /// The input rows that a phase holds: for each, the offset of the row in the plane and the
    /// offset of its row in phase (ph, 0).
    @inlinable
    var rowPairs: RowPairs { RowPairs(self) }

    /// The columns j of phase `pw` whose input column j*sw + pw - padLeft lies in 0..<inputWidth.
    @inlinable
    func inputColumns(phase pw: Int) -> Range<Int> {
        let sw = g.strides.width
        let low = min(pitch, max(0, Self.ceilingDivide(g.padLeft - pw, sw)))
        let high = max(low, min(pitch, Self.floorDivide(g.inputWidth - 1 + g.padLeft - pw, sw) + 1))
        return low..<high
    }

    /// target[j] = source[j * sw], as format `I` reads it, for j in 0..<count.
    @inlinable @inline(__always)
    func copyColumns<F: VectorFamily, I: InputFormat>(
        _: F.Type, _: I.Type, _ count: Int, from source: UnsafePointer<I.Stored>, to target: UnsafeMutablePointer<F.Scalar>
    ) {
        let sw = g.strides.width
        if sw == 1 { return Self.copy(F.self, I.self, NativeFormat<F.Scalar>.self, count, from: source, to: target) }
        for j in 0..<count { target[j] = Self.element(F.self, I.self, source + j * sw) }
    }

    /// The element at `pointer`, as format `I` reads it.
    @inlinable @inline(__always)
    static func element<F: VectorFamily, I: InputFormat>(_: F.Type, _: I.Type, _ pointer: UnsafePointer<I.Stored>) -> F.Scalar {
        I.load(F.Single.self, pointer).lane(0)
    }

    @inlinable
    static func floorDivide(_ a: Int, _ b: Int) -> Int {
        let (q, r) = a.quotientAndRemainder(dividingBy: b)
        return r < 0 ? q - 1 : q
    }

    @inlinable
    static func ceilingDivide(_ a: Int, _ b: Int) -> Int { -floorDivide(-a, b) }
}

extension FlatPlane {
    /// flat[oh * pitch + ow] = gradient[oh, ow] (as format `I` reads it) for the output's rows
    /// and columns: the output gradient laid out like the flat convolution's result. Every other flat position must be
    /// zero; the fills leave them zero, so a buffer zeroed once serves every plane.
    @inlinable
    func fillFlat<F: VectorFamily, I: InputFormat>(
        _: F.Type, _: I.Type, _ flat: UnsafeMutablePointer<F.Scalar>, from gradient: UnsafePointer<I.Stored>
    ) {
        Self.copyRows(
            F.self, I.self, g.outputHeight, of: g.outputWidth, from: gradient, pitch: g.outputWidth,
            within: g.outputHeight * g.outputWidth, to: flat, pitch: pitch, within: flatCount)
    }

    /// output[oh, ow] = flat[oh * pitch + ow], or += where `adding`: the convolution's result
    /// without the positions past the output width.
    @inlinable
    func copyRows<F: VectorFamily>(
        _: F.Type, _ flat: UnsafePointer<F.Scalar>, to output: UnsafeMutablePointer<F.Scalar>, adding: Bool
    ) {
        if !adding {
            return Self.copyRows(
                F.self, g.outputHeight, of: g.outputWidth, from: flat, pitch: pitch, within: flatCount, to: output,
                pitch: g.outputWidth, within: g.outputHeight * g.outputWidth)
        }
        for oh in 0..<g.outputHeight {
            Self.copy(
                F.self, NativeFormat<F.Scalar>.self, Accumulating<F.Scalar>.self, g.outputWidth, from: flat + oh * pitch,
                to: output + oh * g.outputWidth)
        }
    }

    /// target[r * targetPitch + j] = source[r * sourcePitch + j] for r in 0..<rows, j in 0..<count.
    ///
    /// Rows of at most two registers, whose tails would take most of the copy in narrow
    /// vectors and single lanes, go in order as whole registers, the lanes past the row stored
    /// as zeros, while those registers stay within the first `sourceCount` elements of `source`
    /// and `targetCount` of `target`. So the positions up to a register past each row must be
    /// padding (zero) or belong to a later row. The rest go by ``copy(_:_:from:to:adding:)``.
    @inlinable
    static func copyRows<F: VectorFamily>(
        _: F.Type, _ rows: Int, of count: Int, from source: UnsafePointer<F.Scalar>, pitch sourcePitch: Int,
        within sourceCount: Int, to target: UnsafeMutablePointer<F.Scalar>, pitch targetPitch: Int, within targetCount: Int
    ) {
        copyRows(
            F.self, NativeFormat<F.Scalar>.self, rows, of: count, from: source, pitch: sourcePitch, within: sourceCount,
            to: target, pitch: targetPitch, within: targetCount)
    }

    /// ``copyRows(_:_:of:from:pitch:within:to:pitch:within:)`` from a source of format `I`.
    @inlinable
    static func copyRows<F: VectorFamily, I: InputFormat>(
        _: F.Type, _ format: I.Type, _ rows: Int, of count: Int, from source: UnsafePointer<I.Stored>, pitch sourcePitch: Int,
        within sourceCount: Int, to target: UnsafeMutablePointer<F.Scalar>, pitch targetPitch: Int, within targetCount: Int
    ) {
        typealias R = F.Register
        guard count > 0 else { return }
        let lanes = R.laneCount
        let registers = (count + lanes - 1) / lanes
        let (span, last) = (registers * lanes, (registers - 1) * lanes)
        var r = 0
        while registers <= 2 && r < rows && r * sourcePitch + span <= sourceCount && r * targetPitch + span <= targetCount {
            let (from, to) = (source + r * sourcePitch, target + r * targetPitch)
            if last > 0 { I.load(R.self, from).store(to: to) }
            I.load(R.self, from + last).keepingLanes(below: count - last).store(to: to + last)
            r += 1
        }
        while r < rows {
            copy(F.self, I.self, NativeFormat<F.Scalar>.self, count, from: source + r * sourcePitch, to: target + r * targetPitch)
            r += 1
        }
    }

    /// target[i] = source[i] as format `I` reads it and format `O` stores it, for i in 0..<count,
    /// in registers, narrow vectors and lanes.
    @inlinable
    static func copy<F: VectorFamily, I: InputFormat, O: OutputFormat>(
        _: F.Type, _: I.Type, _: O.Type, _ count: Int, from source: UnsafePointer<I.Stored>,
        to target: UnsafeMutablePointer<O.Stored>
    ) {
        var i = 0
        copy(F.Register.self, I.self, O.self, count, source, target, &i)
        copy(F.Narrow.self, I.self, O.self, count, source, target, &i)
        copy(F.Single.self, I.self, O.self, count, source, target, &i)
    }

    @inlinable @inline(__always)
    static func copy<V: KernelVector, I: InputFormat, O: OutputFormat>(
        _: V.Type, _: I.Type, _: O.Type, _ count: Int, _ source: UnsafePointer<I.Stored>,
        _ target: UnsafeMutablePointer<O.Stored>, _ i: inout Int
    ) {
        while i + V.laneCount <= count {
            O.store(I.load(V.self, source + i), to: target + i)
            i += V.laneCount
        }
    }
}

/// Working memory for the flat convolution of one plane: the phases, the flat result, and
/// each tap's weight and offset, carved out of a thread's workspace.
@usableFromInline
struct FlatScratch<T: KernelScalar> {
    @usableFromInline let phases: UnsafeMutablePointer<T>
    @usableFromInline let flat: UnsafeMutablePointer<T>
    @usableFromInline let weights: UnsafeMutablePointer<T>
    @usableFromInline let offsets: UnsafeMutablePointer<Int>

    /// The bytes of memory ``init(_:memory:)`` takes.
    @inlinable
    static func byteCount(_ layout: FlatPlane) -> Int {
        MemoryParts.byteCount(T.self, layout.phaseCount * layout.phaseSize) + MemoryParts.byteCount(T.self, layout.flatCount)
            + MemoryParts.byteCount(T.self, layout.tapCount) + MemoryParts.byteCount(Int.self, layout.tapCount)
    }

    /// Carves the parts out of `memory` (``byteCount(_:)`` bytes, 64-byte aligned), zeroes
    /// the phases (whose padding the fills leave zero) and computes the tap offsets.
    @inlinable
    init(_ layout: FlatPlane, memory: UnsafeMutableRawPointer) {
        let phaseCount = layout.phaseCount * layout.phaseSize
        var parts = MemoryParts(memory)
        phases = parts.take(T.self, phaseCount)
        flat = parts.take(T.self, layout.flatCount)
        weights = parts.take(T.self, layout.tapCount)
        offsets = parts.take(Int.self, layout.tapCount)
        phases.initialize(repeating: 0, count: phaseCount)
        for tap in 0..<layout.tapCount {
            let (kh, kw) = tap.quotientAndRemainder(dividingBy: layout.g.filterWidth)
            offsets[tap] = layout.tapOffset(kh, kw)
        }
    }
}

/// Consecutive parts of one block of 64-byte-aligned memory, each starting on a 64-byte boundary.
@usableFromInline
struct MemoryParts {
    @usableFromInline var next: UnsafeMutableRawPointer

    @inlinable
    init(_ memory: UnsafeMutableRawPointer) { next = memory }

    /// The bytes of a part of `count` elements of `E`: rounded up to 64.
    @inlinable @inline(__always)
    static func byteCount<E>(_: E.Type, _ count: Int) -> Int { (count * MemoryLayout<E>.stride + 63) & ~63 }

    /// The next part: `count` elements of `E`.
    @inlinable @inline(__always)
    mutating func take<E>(_: E.Type, _ count: Int) -> UnsafeMutablePointer<E> {
        defer { next += Self.byteCount(E.self, count) }
        return next.bindMemory(to: E.self, capacity: count)
    }
}

extension FlatPlane {
    /// The rows of ``FlatPlane/rowPairs``: input row r is padded row r + padTop = i*sh + ph,
    /// which phase (ph, pw) holds as its row i.
    @usableFromInline
    struct RowPairs: Sequence, IteratorProtocol {
        @usableFromInline let layout: FlatPlane
        @usableFromInline var (row, i, ph): (Int, Int, Int)

        /// Not inlinable: compiled once, for baseline x86-64 (see ``FlatPlane/init(_:lanes:)``).
        @usableFromInline
        init(_ layout: FlatPlane) {
            self.layout = layout
            let g = layout.g
            row = Swift.min(g.inputHeight, Swift.max(0, -g.padTop))
            (i, ph) = (row + g.padTop).quotientAndRemainder(dividingBy: g.strides.height)
        }

        @inlinable @inline(__always)
        mutating func next() -> (input: Int, phase: Int)? {
            let g = layout.g
            guard row < g.inputHeight && i < layout.phaseRows else { return nil }
            defer {
                row += 1
                ph += 1
                if ph == g.strides.height { (i, ph) = (i + 1, 0) }
            }
            return (row * g.inputWidth, ph * g.strides.width * layout.phaseSize + i * layout.pitch)
        }
    }
}
