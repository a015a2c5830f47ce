extension HalfPrecisionKernels {
    /// An NCHW forward pass or input gradient on 16-bit tensors, in groups of channels of one
    /// image, each on one thread.
    ///
    /// A group widens its part of both operands into the thread's workspace, runs the `Float`
    /// kernels on it as a call of its own, and rounds its part of the result into place. Channels
    /// never meet in a depthwise convolution, so each result is the `Float` kernels' sum for its
    /// group, rounded once. The groups follow from the geometry alone, not the thread count.
    @inlinable
    static func runNCHW(
        _ call: KernelRun, _ a: UnsafePointer<UInt16>, _ b: UnsafePointer<UInt16>, _ result: UnsafeMutablePointer<UInt16>
    ) {
        let g = call.geometry
        let channelGroups = nchwChannelGroupCount(g)
        Parallel.forEach(g.batch * channelGroups, threadCount: call.threadCount, work: g.multiplyAddCount) { items in
            for item in items {
                let (image, channelGroup) = item.quotientAndRemainder(dividingBy: channelGroups)
                let channels = ChannelBlocks<F>.channels(ofBlock: channelGroup, of: channelGroups, g)
                let slices = NCHWSlices(g, call.operation, images: image..<image + 1, channels: channels)
                let (countA, countB) = (slices.a.elementCount, slices.b.elementCount)
                let total = countA + countB + slices.result.elementCount
                Workspace.withMemory(byteCount: total * MemoryLayout<Float>.stride) { memory in
                    let wideA = memory.bindMemory(to: Float.self, capacity: total)
                    let (wideB, wideResult) = (wideA + countA, wideA + countA + countB)
                    slices.a.forEachRun { tensor, slice, count in widen(a + tensor, into: wideA + slice, count: count) }
                    slices.b.forEachRun { tensor, slice, count in widen(b + tensor, into: wideB + slice, count: count) }
                    var group = call
                    (group.geometry, group.precision, group.threadCount) = (slices.geometry, .float32, 1)
                    (group.a, group.b, group.result) = (.init(wideA), .init(wideB), .init(wideResult))
                    group.run(F.self)
                    slices.result.forEachRun { tensor, slice, count in
                        narrow(wideResult + slice, into: result + tensor, count: count)
                    }
                }
            }
        }
    }

    /// The channel groups of each image: as few as keep a group's widened tensors within
    /// ``nchwGroupElementLimit`` elements, and at least two groups in all, in whole registers of
    /// channels. More would add the `Float` kernels' costs per call and per row on small planes.
    @inlinable
    static func nchwChannelGroupCount(_ g: KernelGeometry) -> Int {
        let planes = g.inputHeight * g.inputWidth + g.multiplier * g.outputHeight * g.outputWidth
        let perChannel = Double(planes + g.filterHeight * g.filterWidth * g.multiplier)
        let bySize = min(perChannel * Double(g.channels) / Double(nchwGroupElementLimit), Double(Int.max / 2))
        let forTwoThreads = g.batch == 1 ? 2 : 1
        return min(max(Int(bySize.rounded(.up)), forTwoThreads), ChannelBlocks<F>.registerCount(g))
    }

    /// The most elements a group's widened tensors take, unless one channel needs more: a
    /// megabyte of `Float`s, a core's cache.
    @inlinable static var nchwGroupElementLimit: Int { 1 << 18 }
}

/// The parts of an NCHW computation's tensors that a group of images and channels takes,
/// and the computation on them.
@usableFromInline
struct NCHWSlices {
    /// The group's computation: `images.count` images of `channels.count` channels.
    @usableFromInline let geometry: KernelGeometry
    @usableFromInline let a: ChannelSlice
    @usableFromInline let b: ChannelSlice
    @usableFromInline let result: ChannelSlice

    /// Not inlinable: compiled once, for baseline x86-64 (see ``FlatPlane/init(_:lanes:)``).
    @usableFromInline
    init(_ g: KernelGeometry, _ operation: KernelOperation, images: Range<Int>, channels: Range<Int>) {
        let input = ChannelSlice(pieces: images, channels: channels, of: g.channels, perChannel: g.inputHeight * g.inputWidth)
        let output = ChannelSlice(
            pieces: images, channels: channels, of: g.channels, perChannel: g.multiplier * g.outputHeight * g.outputWidth)
        let filter = ChannelSlice(
            pieces: 0..<g.filterHeight * g.filterWidth, channels: channels, of: g.channels, perChannel: g.multiplier)
        switch operation {
        case .forward: (a, b, result) = (input, filter, output)
        case .backpropInput: (a, b, result) = (output, filter, input)
        case .backpropFilter: (a, b, result) = (input, output, filter)
        }
        var geometry = g
        (geometry.batch, geometry.channels) = (images.count, channels.count)
        self.geometry = geometry
    }
}

/// Some channels of a tensor that is runs ("pieces") of channel blocks of `perChannel`
/// elements each: NCHW activations are images of channel planes (`M` planes per input
/// channel for the output), a filter `[KH, KW, C, M]` is taps of `M` weights per channel.
@usableFromInline
struct ChannelSlice {
    @usableFromInline let pieces: Range<Int>
    @usableFromInline let channels: Range<Int>
    /// The tensor's channels per piece.
    @usableFromInline let channelCount: Int
    @usableFromInline let perChannel: Int

    @inlinable @inline(__always)
    init(pieces: Range<Int>, channels: Range<Int>, of channelCount: Int, perChannel: Int) {
        (self.pieces, self.channels, self.channelCount, self.perChannel) = (pieces, channels, channelCount, perChannel)
    }

    /// The elements of the slice, which holds its pieces' runs one after the other.
    @inlinable @inline(__always)
    var elementCount: Int { pieces.count * runCount }

    /// The elements of one piece's run: its channels' blocks.
    @inlinable @inline(__always)
    var runCount: Int { channels.count * perChannel }

    /// Calls `body(tensorOffset, sliceOffset, count)` for each piece's run.
    @inlinable @inline(__always)
    func forEachRun(_ body: (Int, Int, Int) -> Void) {
        for (index, piece) in pieces.enumerated() {
            body((piece * channelCount + channels.lowerBound) * perChannel, index * runCount, runCount)
        }
    }
}
