extension ConvolutionGeometry {
    /// The offset of input element (n, h, w, c) in the layout's order.
    @inline(__always)
    func inputOffset(_ n: Int, _ h: Int, _ w: Int, _ c: Int) -> Int {
        switch dataFormat {
        case .nhwc: ((n * inputHeight + h) * inputWidth + w) * channels + c
        case .nchw: ((n * channels + c) * inputHeight + h) * inputWidth + w
        }
    }

    /// The offset of output element (n, h, w, channel k) in the layout's order.
    @inline(__always)
    func outputOffset(_ n: Int, _ h: Int, _ w: Int, _ k: Int) -> Int {
        switch dataFormat {
        case .nhwc: ((n * outputHeight + h) * outputWidth + w) * outputChannels + k
        case .nchw: ((n * outputChannels + k) * outputHeight + h) * outputWidth + w
        }
    }

    /// The offset of filter element (kh, kw, c, q); the filter is always `[KH, KW, C, M]`.
    @inline(__always)
    func filterOffset(_ kh: Int, _ kw: Int, _ c: Int, _ q: Int) -> Int {
        ((kh * filterWidth + kw) * channels + c) * multiplier + q
    }
}
