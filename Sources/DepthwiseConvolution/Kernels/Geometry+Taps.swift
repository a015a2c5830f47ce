extension ConvolutionGeometry {
    /// The output columns `ow` whose filter tap `kw` reads inside the input:
    /// `0 <= ow * strideW + kw * dilationW - padLeft < inputWidth`.
    func validOutputColumns(forFilterColumn kw: Int) -> Range<Int> {
        Self.validOutputs(
            tap: kw, stride: strides.width, dilation: dilations.width,
            padBefore: padLeft, input: inputWidth, output: outputWidth)
    }

    /// The output row `oh` that filter tap `kh` maps onto input row `ih`, if there is one:
    /// `oh * strideH + kh * dilationH - padTop == ih`.
    func outputRow(readingInputRow ih: Int, withFilterRow kh: Int) -> Int? {
        let t = ih + padTop - kh * dilations.height
        guard t >= 0, t % strides.height == 0, t / strides.height < outputHeight else { return nil }
        return t / strides.height
    }

    /// The output column that filter tap `kw` maps onto input column `iw`, if there is one.
    func outputColumn(readingInputColumn iw: Int, withFilterColumn kw: Int) -> Int? {
        let t = iw + padLeft - kw * dilations.width
        guard t >= 0, t % strides.width == 0, t / strides.width < outputWidth else { return nil }
        return t / strides.width
    }

    /// The outputs `o` in `0..<output` with `0 <= o * stride + tap * dilation - padBefore < input`.
    private static func validOutputs(tap: Int, stride: Int, dilation: Int, padBefore: Int, input: Int, output: Int) -> Range<Int> {
        let first = padBefore - tap * dilation  // o * stride must be at least this
        let last = input - 1 + padBefore - tap * dilation  // and at most this
        guard last >= 0 else { return 0..<0 }
        let low = first <= 0 ? 0 : (first + stride - 1) / stride
        let high = min(output, last / stride + 1)
        return low < high ? low..<high : 0..<0
    }
}
