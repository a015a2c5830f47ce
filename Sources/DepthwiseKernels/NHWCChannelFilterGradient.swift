/// The filter gradient of NHWC tensors of small images, one register of output channels at a time.
extension NHWCKernels {
    /// filterGradient[kh, kw, j] = sum over (n, oh, ow) of outputGradient[n, oh, ow, j] * input[n, ih, iw, j / M],
    /// with ih = oh * strideH + kh * dilationH - padTop and iw likewise, for output channels j = c*M + q.
    ///
    /// Each work item is one register of output channels (the last may be narrower). For each
    /// image it copies the input channels they read into zero-padded working memory (each
    /// repeated M times; widened where `L` holds 16-bit values), so that every tap of every
    /// output pixel reads there without a check. Then, for a tile of up to three filter rows by
    /// five taps at a time, it keeps the tile's sums in registers over the image's output
    /// pixels. Each sum runs over (n, oh, ow) in order, and items read only their own channels,
    /// so the result does not depend on the thread count.
    @inlinable
    static func backpropFilterByChannels<L: MemoryFormat>(
        _ g: KernelGeometry, input: UnsafePointer<L.Stored>, outputGradient: UnsafePointer<L.Stored>, format: L.Type,
        filterGradient: UnsafeMutablePointer<T>, threadCount: Int
    ) {
        let k = g.outputChannels
        let (registers, rest) = k.quotientAndRemainder(dividingBy: F.Register.laneCount)
        let narrowTail = rest >= F.Narrow.laneCount ? 1 : 0
        let singles = rest - narrowTail * F.Narrow.laneCount
        let sweep = ChannelSweep<L>(g, input: input, outputGradient: outputGradient, filterGradient: filterGradient)
        Parallel.forEach(registers + narrowTail + singles, threadCount: threadCount, work: g.multiplyAddCount) { items in
            // A padded image of up to a register of channels.
            let elements = sweep.paddedHeight * sweep.paddedWidth * F.Register.laneCount
            Workspace.withMemory(byteCount: elements * MemoryLayout<T>.stride) { memory in
                let padded = memory.bindMemory(to: T.self, capacity: elements)
                var zeroedLanes = 0  // the vector width whose padding `padded` holds as zeros
                func run<V: KernelVector>(_: V.Type, channel: Int) where V.Element == T {
                    if V.laneCount != zeroedLanes {
                        padded.initialize(repeating: 0, count: elements)
                        zeroedLanes = V.laneCount
                    }
                    sweep.run(V.self, channel: channel, padded: padded)
                }
                for item in items {
                    if item < registers {
                        run(F.Register.self, channel: item * F.Register.laneCount)
                    } else if item < registers + narrowTail {
                        run(F.Narrow.self, channel: registers * F.Register.laneCount)
                    } else {
                        run(F.Single.self, channel: k - (registers + narrowTail + singles - item))
                    }
                }
            }
        }
    }

    /// Whether ``backpropFilterByChannels(_:input:outputGradient:format:filterGradient:threadCount:)``
    /// serves `g` better than the row kernels (measured on the suite's layers): padded images of
    /// at most 32x32 pixels. On larger images each register of channels would stream its lines
    /// of whole tensors from the last-level cache or memory, a pixel apart, and strided images
    /// would copy many pixels per output pixel.
    @inlinable
    static func sweepsByChannels(_ g: KernelGeometry) -> Bool {
        guard g.outputHeight > 0 && g.outputWidth > 0 else { return false }
        let padded = paddedImageSize(g)
        let (pixels, overflow) = padded.height.multipliedReportingOverflow(by: padded.width)
        return !overflow && pixels <= 1024
    }

    /// The rows and columns that the output pixels read, from (-padTop, -padLeft).
    @inlinable
    static func paddedImageSize(_ g: KernelGeometry) -> (height: Int, width: Int) {
        (
            (g.outputHeight - 1) * g.strides.height + (g.filterHeight - 1) * g.dilations.height + 1,
            (g.outputWidth - 1) * g.strides.width + (g.filterWidth - 1) * g.dilations.width + 1
        )
    }

    /// A tile of filter rows and taps whose sums a kernel keeps in registers.
    @usableFromInline
    enum TileShape<let rows: Int, let taps: Int> {}

    /// The filter gradient of one vector of channels.
    @usableFromInline
    struct ChannelSweep<L: MemoryFormat> {
        @usableFromInline let g: KernelGeometry
        @usableFromInline let input: UnsafePointer<L.Stored>
        @usableFromInline let outputGradient: UnsafePointer<L.Stored>
        @usableFromInline let filterGradient: UnsafeMutablePointer<T>
        /// The rows and columns of a padded image: all that the output pixels read.
        @usableFromInline let paddedHeight: Int
        @usableFromInline let paddedWidth: Int

        @inlinable
        init(
            _ g: KernelGeometry, input: UnsafePointer<L.Stored>, outputGradient: UnsafePointer<L.Stored>,
            filterGradient: UnsafeMutablePointer<T>
        ) {
            (self.g, self.input, self.outputGradient, self.filterGradient) = (g, input, outputGradient, filterGradient)
            (paddedHeight, paddedWidth) = paddedImageSize(g)
        }

        /// filterGradient[kh, kw, channel ..< channel + V.laneCount] for every tap.
        @inlinable
        func run<V: KernelVector>(_: V.Type, channel c: Int, padded: UnsafeMutablePointer<T>) where V.Element == T {
            let sharesInputs = g.strides.width == g.dilations.width && F.registerCount >= 32
            for image in 0..<g.batch {
                pad(V.self, image: image, channel: c, into: padded)
                var kh = 0
                while kh < g.filterHeight {
                    let rows = min(3, g.filterHeight - kh)
                    var kw = 0
                    while kw < g.filterWidth {
                        let taps = min(5, g.filterWidth - kw)
                        let tile = (image, kh, kw, c, UnsafePointer(padded))
                        switch (rows, taps) {  // constant counts, so that the sums stay in registers
                        case (3, 5) where sharesInputs: sumSharing(V.self, TileShape<3, 5>.self, tile)
                        case (3, 5): sum(V.self, TileShape<3, 5>.self, tile)
                        case (3, 4): sum(V.self, TileShape<3, 4>.self, tile)
                        case (3, 3) where sharesInputs: sumSharing(V.self, TileShape<3, 3>.self, tile)
                        case (3, 3): sum(V.self, TileShape<3, 3>.self, tile)
                        case (3, 2): sum(V.self, TileShape<3, 2>.self, tile)
                        case (3, _): sum(V.self, TileShape<3, 1>.self, tile)
                        case (2, 5): sum(V.self, TileShape<2, 5>.self, tile)
                        case (2, 4): sum(V.self, TileShape<2, 4>.self, tile)
                        case (2, 3): sum(V.self, TileShape<2, 3>.self, tile)
                        case (2, 2): sum(V.self, TileShape<2, 2>.self, tile)
                        case (2, _): sum(V.self, TileShape<2, 1>.self, tile)
                        case (_, 5): sum(V.self, TileShape<1, 5>.self, tile)
                        case (_, 4): sum(V.self, TileShape<1, 4>.self, tile)
                        case (_, 3): sum(V.self, TileShape<1, 3>.self, tile)
                        case (_, 2): sum(V.self, TileShape<1, 2>.self, tile)
                        default: sum(V.self, TileShape<1, 1>.self, tile)
                        }
                        kw += taps
                    }
                    kh += rows
                }
            }
            if !allFinite(V.self, channel: c) { sumValidTaps(lanes: V.laneCount, channel: c) }
        }

        /// Whether filterGradient[kh, kw, channel ..< channel + V.laneCount] is finite for every
        /// tap: the sum of each times 0, which is NaN where one is infinite or NaN.
        @inlinable
        func allFinite<V: KernelVector>(_: V.Type, channel c: Int) -> Bool where V.Element == T {
            let zero = V(broadcasting: 0)
            var products = zero
            for tap in 0..<(g.filterHeight * g.filterWidth) {
                products = products.multiplyAdd(V(loading: filterGradient + tap * g.outputChannels + c), zero)
            }
            return products.laneSum().isFinite
        }

        /// filterGradient[kh, kw, channel ..< channel + lanes] from the products of valid taps
        /// only, in the same order, lane by lane. The padded sums differ only where an infinite
        /// or NaN output gradient meets the padding's zeros (0 * inf is NaN); the sums are then
        /// no longer finite, which is when this runs.
        @inlinable
        func sumValidTaps(lanes: Int, channel: Int) {
            let k = g.outputChannels
            for c in channel..<(channel + lanes) {
                for kh in 0..<g.filterHeight {
                    for kw in 0..<g.filterWidth {
                        let columns = g.validOutputColumns(forFilterColumn: kw)
                        var sum = F.Single(broadcasting: 0)
                        for image in 0..<g.batch {
                            for oh in 0..<g.outputHeight where g.validFilterRows(forOutputRow: oh).contains(kh) {
                                let ih = oh * g.strides.height + kh * g.dilations.height - g.padTop
                                let gradients = outputGradient + (image * g.outputHeight + oh) * g.outputWidth * k + c
                                for ow in columns {
                                    let iw = ow * g.strides.width + kw * g.dilations.width - g.padLeft
                                    let x = input + ((image * g.inputHeight + ih) * g.inputWidth + iw) * g.channels + c / g.multiplier
                                    sum = sum.multiplyAdd(L.load(F.Single.self, gradients + ow * k), L.load(F.Single.self, x))
                                }
                            }
                        }
                        sum.store(to: filterGradient + (kh * g.filterWidth + kw) * k + c)
                    }
                }
            }
        }

        /// padded[pr, pc, i] = input[image, pr - padTop, pc - padLeft, (c + i) / multiplier] for
        /// i in 0 ..< V.laneCount, where that pixel lies inside the input. The others, the
        /// padding, must be zero: they are the same for every image and channel, so memory zeroed
        /// once for a vector width serves every pad of that width.
        @inlinable @inline(__always)
        func pad<V: KernelVector>(_: V.Type, image: Int, channel c: Int, into padded: UnsafeMutablePointer<T>)
        where V.Element == T {
            let (k, m, lanes) = (g.channels, g.multiplier, V.laneCount)
            let inside = max(0, min(paddedWidth, g.padLeft))..<max(0, min(paddedWidth, g.inputWidth + g.padLeft))
            for pr in 0..<paddedHeight {
                let ih = pr - g.padTop
                let row = padded + pr * paddedWidth * lanes
                guard ih >= 0 && ih < g.inputHeight else { continue }
                // The offset of column pc = 0 (negative where it lies in the padding).
                let origin = ((image * g.inputHeight + ih) * g.inputWidth - g.padLeft) * k
                switch m {  // constant multipliers, whose repeated lanes compile to shuffles
                case 1:
                    var (source, target) = (input + (origin + inside.lowerBound * k + c), row + inside.lowerBound * lanes)
                    for _ in inside {
                        L.load(V.self, source).store(to: target)
                        (source, target) = (source + k, target + lanes)
                    }
                case 2: expand(V.self, times: 2, inside, from: origin + c / 2, into: row)
                case 4: expand(V.self, times: 4, inside, from: origin + c / 4, into: row)
                default: expand(V.self, times: m, inside, from: origin, firstChannel: c, into: row)
                }
            }
        }

        /// row[pc, i] = input[origin + pc * channels + (firstChannel + i) / m] for the pixels `pixels`.
        ///
        /// A whole vector load and shuffles where the elements are `T` and the load stays inside
        /// the input; lane by lane otherwise.
        @inlinable @inline(__always)
        func expand<V: KernelVector>(
            _: V.Type, times m: Int, _ pixels: Range<Int>, from origin: Int, firstChannel: Int = 0,
            into row: UnsafeMutablePointer<T>
        ) where V.Element == T {
            let lanes = V.laneCount
            for pc in pixels {
                let pixel = origin + pc * g.channels
                if L.self == NativeFormat<T>.self && firstChannel == 0 && pixel + lanes <= g.inputCount {
                    let elements = UnsafeRawPointer(input + pixel).assumingMemoryBound(to: T.self)
                    V(loadingRepeating: elements, times: m).store(to: row + pc * lanes)
                } else {
                    for i in 0..<lanes {
                        L.load(F.Single.self, input + (pixel + (firstChannel + i) / m)).store(to: row + pc * lanes + i)
                    }
                }
            }
        }

        /// The sums of filter rows kh ..< kh + rowCount, taps kw ..< kw + tapCount, channels
        /// from c, added over one padded image's output pixels.
        @inlinable
        func sum<V: KernelVector, let rowCount: Int, let tapCount: Int>(
            _: V.Type, _: TileShape<rowCount, tapCount>.Type,
            _ tile: (image: Int, kh: Int, kw: Int, c: Int, padded: UnsafePointer<T>)
        ) where V.Element == T {
            let (k, lanes) = (g.outputChannels, V.laneCount)
            let (columnStep, tapStep) = (g.strides.width * lanes, g.dilations.width * lanes)
            func tap(_ r: Int, _ t: Int) -> UnsafeMutablePointer<T> {
                filterGradient + ((tile.kh + r) * g.filterWidth + tile.kw + t) * k + tile.c
            }
            var s = InlineArray<15, V>(repeating: V(broadcasting: 0))
            if tile.image > 0 {
                for r in 0..<rowCount {
                    for t in 0..<tapCount { s[r * 5 + t] = V(loading: tap(r, t)) }
                }
            }
            for oh in 0..<g.outputHeight {
                var gradients = outputGradient + (tile.image * g.outputHeight + oh) * g.outputWidth * k + tile.c
                // Tile row r's tap 0 for output column 0.
                let (top, left) = (oh * g.strides.height + tile.kh * g.dilations.height, tile.kw * g.dilations.width)
                var inputs = InlineArray<3, UnsafePointer<T>>(repeating: tile.padded)
                for r in 0..<rowCount {
                    inputs[r] = tile.padded + ((top + r * g.dilations.height) * paddedWidth + left) * lanes
                }
                for _ in 0..<g.outputWidth {
                    let gradient = L.load(V.self, gradients)
                    for r in 0..<rowCount {
                        for t in 0..<tapCount {
                            s[r * 5 + t] = s[r * 5 + t].multiplyAdd(gradient, V(loading: inputs[r] + t &* tapStep))
                        }
                        inputs[r] += columnStep
                    }
                    gradients += k
                }
            }
            for r in 0..<rowCount {
                for t in 0..<tapCount { s[r * 5 + t].store(to: tap(r, t)) }
            }
        }

        /// ``sum(_:_:_:)`` for three filter rows of `tapCount` taps one input column apart (stride =
        /// dilation): tap t of column ow reads the vector that tap t + 1 of column ow - 1 read, so
        /// each padded input vector is loaded once per filter row and kept in a register for the
        /// taps that read it. Each sum still takes its products pixel by pixel. Not inlined, so
        /// that the tile shapes stay inlined in the caller.
        @inlinable @inline(never)
        func sumSharing<V: KernelVector, let tapCount: Int>(
            _: V.Type, _: TileShape<3, tapCount>.Type, _ tile: (image: Int, kh: Int, kw: Int, c: Int, padded: UnsafePointer<T>)
        ) where V.Element == T {
            let (k, lanes) = (g.outputChannels, V.laneCount)
            let step = g.dilations.width * lanes
            func tap(_ r: Int, _ t: Int) -> UnsafeMutablePointer<T> {
                filterGradient + ((tile.kh + r) * g.filterWidth + tile.kw + t) * k + tile.c
            }
            var s = InlineArray<15, V>(repeating: V(broadcasting: 0))
            if tile.image > 0 {
                for r in 0..<3 {
                    for t in 0..<tapCount { s[r * 5 + t] = V(loading: tap(r, t)) }
                }
            }
            for oh in 0..<g.outputHeight {
                var gradients = outputGradient + (tile.image * g.outputHeight + oh) * g.outputWidth * k + tile.c
                // Tile row r's tap 0 for output column 0.
                let (top, left) = (oh * g.strides.height + tile.kh * g.dilations.height, tile.kw * g.dilations.width)
                var inputs = InlineArray<3, UnsafePointer<T>>(repeating: tile.padded)
                // The vectors of taps 0 ..< tapCount - 1 of each filter row for the next column.
                var window = InlineArray<12, V>(repeating: V(broadcasting: 0))
                for r in 0..<3 {
                    inputs[r] = tile.padded + ((top + r * g.dilations.height) * paddedWidth + left) * lanes
                    for t in 0..<(tapCount - 1) { window[r * 4 + t] = V(loading: inputs[r] + t * step) }
                }
                for _ in 0..<g.outputWidth {
                    let gradient = L.load(V.self, gradients)
                    for r in 0..<3 {
                        let last = V(loading: inputs[r] + (tapCount - 1) * step)
                        for t in 0..<(tapCount - 1) { s[r * 5 + t] = s[r * 5 + t].multiplyAdd(gradient, window[r * 4 + t]) }
                        s[r * 5 + tapCount - 1] = s[r * 5 + tapCount - 1].multiplyAdd(gradient, last)
                        for t in 0..<(tapCount - 2) { window[r * 4 + t] = window[r * 4 + t + 1] }
                        window[r * 4 + tapCount - 2] = last
                        inputs[r] += step
                    }
                    gradients += k
                }
            }
            for r in 0..<3 {
                for t in 0..<tapCount { s[r * 5 + t].store(to: tap(r, t)) }
            }
        }
    }
}
