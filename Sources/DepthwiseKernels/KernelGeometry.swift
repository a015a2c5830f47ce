/// The sizes of one convolution as the kernels see them, already validated: every
/// dimension non-negative, the filter non-empty, every element count and every offset
/// into the padded input representable in `Int`.
///
/// The public layer validates a geometry and hands it over; kernels never check again.
public struct KernelGeometry: Sendable {
    public var batch: Int
    public var inputHeight: Int
    public var inputWidth: Int
    public var channels: Int
    public var multiplier: Int
    public var filterHeight: Int
    public var filterWidth: Int
    public var outputHeight: Int
    public var outputWidth: Int
    public var strides: (height: Int, width: Int)
    public var dilations: (height: Int, width: Int)
    /// Zero rows above the input and zero columns left of it; the bottom and right padding
    /// follow from the output size.
    public var padTop: Int
    public var padLeft: Int

    @inlinable
    public init(
        batch: Int, inputHeight: Int, inputWidth: Int, channels: Int, multiplier: Int,
        filterHeight: Int, filterWidth: Int, outputHeight: Int, outputWidth: Int,
        strides: (height: Int, width: Int), dilations: (height: Int, width: Int), padTop: Int, padLeft: Int
    ) {
        (self.batch, self.inputHeight, self.inputWidth, self.channels, self.multiplier) =
            (batch, inputHeight, inputWidth, channels, multiplier)
        (self.filterHeight, self.filterWidth, self.outputHeight, self.outputWidth) =
            (filterHeight, filterWidth, outputHeight, outputWidth)
        (self.strides, self.dilations, self.padTop, self.padLeft) = (strides, dilations, padTop, padLeft)
    }

    @inlinable public var outputChannels: Int { channels * multiplier }

    /// The offset of filter element (kh, kw, c, q); the filter is always `[KH, KW, C, M]`.
    @inlinable @inline(__always)
    public func filterOffset(_ kh: Int, _ kw: Int, _ c: Int, _ q: Int) -> Int {
        ((kh * filterWidth + kw) * channels + c) * multiplier + q
    }

    @inlinable public var inputCount: Int { batch * inputHeight * inputWidth * channels }
    @inlinable public var filterCount: Int { filterHeight * filterWidth * outputChannels }
    @inlinable public var outputCount: Int { batch * outputHeight * outputWidth * outputChannels }

    /// Multiply-adds in one pass of the convolution, saturating at `Int.max`.
    @inlinable public var multiplyAddCount: Int {
        let (count, overflow) = outputCount.multipliedReportingOverflow(by: filterHeight * filterWidth)
        return overflow ? .max : count
    }

    /// The filter taps `kh` in `0..<filterHeight` whose input row `oh * stride + kh * dilation - padTop`
    /// lies inside the input, for output row `oh`.
    @inlinable
    public func validFilterRows(forOutputRow oh: Int) -> Range<Int> {
        Self.validTaps(
            output: oh, stride: strides.height, dilation: dilations.height, padBefore: padTop, input: inputHeight,
            filter: filterHeight)
    }

    /// The filter taps `kw` whose input column lies inside the input, for output column `ow`.
    @inlinable
    public func validFilterColumns(forOutputColumn ow: Int) -> Range<Int> {
        Self.validTaps(
            output: ow, stride: strides.width, dilation: dilations.width, padBefore: padLeft, input: inputWidth,
            filter: filterWidth)
    }

    /// The output columns `ow` whose filter tap `kw` reads inside the input:
    /// `0 <= ow * strideW + kw * dilationW - padLeft < inputWidth`.
    @inlinable
    public func validOutputColumns(forFilterColumn kw: Int) -> Range<Int> {
        Self.validOutputs(
            tap: kw, stride: strides.width, dilation: dilations.width, padBefore: padLeft, input: inputWidth,
            output: outputWidth)
    }

    /// The output columns whose every filter tap reads inside the input.
    @inlinable
    public var interiorOutputColumns: Range<Int> {
        let first = validOutputColumns(forFilterColumn: 0)
        let last = validOutputColumns(forFilterColumn: filterWidth - 1)
        let (lower, upper) = (max(first.lowerBound, last.lowerBound), min(first.upperBound, last.upperBound))
        return lower < upper ? lower..<upper : 0..<0
    }

    /// The output rows whose every filter row reads inside the input.
    @inlinable
    public var interiorOutputRows: Range<Int> {
        let first = Self.validOutputs(
            tap: 0, stride: strides.height, dilation: dilations.height, padBefore: padTop, input: inputHeight, output: outputHeight)
        let last = Self.validOutputs(
            tap: filterHeight - 1, stride: strides.height, dilation: dilations.height, padBefore: padTop, input: inputHeight,
            output: outputHeight)
        let (lower, upper) = (max(first.lowerBound, last.lowerBound), min(first.upperBound, last.upperBound))
        return lower < upper ? lower..<upper : 0..<0
    }

    /// With unit strides, the input gradient is a forward convolution of the output gradient
    /// (all `outputChannels` channels, multiplier 1) with the filter turned by 180 degrees:
    /// with kh' = KH-1-kh, inputGradient[ih, iw, k] = sum over (kh', kw') of filter[KH-1-kh', KW-1-kw', k]
    /// * outputGradient[ih + kh'*dh - ((KH-1)*dh - padTop), iw + kw'*dw - ((KW-1)*dw - padLeft), k],
    /// then summed over the multiplier. This is that convolution's geometry.
    @inlinable public var inputGradientAsForward: KernelGeometry {
        KernelGeometry(
            batch: batch, inputHeight: outputHeight, inputWidth: outputWidth, channels: outputChannels, multiplier: 1,
            filterHeight: filterHeight, filterWidth: filterWidth, outputHeight: inputHeight, outputWidth: inputWidth,
            strides: (1, 1), dilations: dilations, padTop: (filterHeight - 1) * dilations.height - padTop,
            padLeft: (filterWidth - 1) * dilations.width - padLeft)
    }

    /// The output row `oh` that filter tap `kh` maps onto input row `ih`, if there is one:
    /// `oh * strideH + kh * dilationH - padTop == ih`.
    @inlinable
    public func outputRow(readingInputRow ih: Int, withFilterRow kh: Int) -> Int? {
        let t = ih + padTop - kh * dilations.height
        guard t >= 0, t % strides.height == 0, t / strides.height < outputHeight else { return nil }
        return t / strides.height
    }

    /// The output column that filter tap `kw` maps onto input column `iw`, if there is one.
    @inlinable
    public func outputColumn(readingInputColumn iw: Int, withFilterColumn kw: Int) -> Int? {
        let t = iw + padLeft - kw * dilations.width
        guard t >= 0, t % strides.width == 0, t / strides.width < outputWidth else { return nil }
        return t / strides.width
    }

    /// The taps `k` with `0 <= o * stride + k * dilation - padBefore < input`.
    @inlinable
    static func validTaps(output o: Int, stride: Int, dilation: Int, padBefore: Int, input: Int, filter: Int) -> Range<Int> {
        let start = o * stride - padBefore  // input position of tap 0
        // First tap with start + k * dilation >= 0, last with start + k * dilation <= input - 1.
        let low = start >= 0 ? 0 : (-start + dilation - 1) / dilation
        let high = input - 1 - start < 0 ? 0 : min(filter, (input - 1 - start) / dilation + 1)
        return low < high ? low..<high : 0..<0
    }

    /// The outputs `o` in `0..<output` with `0 <= o * stride + tap * dilation - padBefore < input`.
    @inlinable
    static func validOutputs(tap: Int, stride: Int, dilation: Int, padBefore: Int, input: Int, output: Int) -> Range<Int> {
        let first = padBefore - tap * dilation  // o * stride must be at least this
        let last = input - 1 + padBefore - tap * dilation  // and at most this
        guard last >= 0 else { return 0..<0 }
        let low = first <= 0 ? 0 : (first + stride - 1) / stride
        let high = min(output, last / stride + 1)
        return low < high ? low..<high : 0..<0
    }
}
