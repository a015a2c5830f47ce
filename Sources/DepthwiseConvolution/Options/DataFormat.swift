/// The order of the dimensions of the input and output tensors.
///
/// The filter is always `[filterHeight, filterWidth, channels, multiplier]`.
public enum DataFormat: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// `[batch, height, width, channels]`, TensorFlow's default.
    case nhwc = "NHWC"
    /// `[batch, channels, height, width]`.
    case nchw = "NCHW"

    public var description: String { rawValue }

    /// The position of the height dimension in a 4-D shape.
    public var heightAxis: Int { self == .nhwc ? 1 : 2 }
    /// The position of the width dimension in a 4-D shape.
    public var widthAxis: Int { self == .nhwc ? 2 : 3 }
    /// The position of the channel dimension in a 4-D shape.
    public var channelAxis: Int { self == .nhwc ? 3 : 1 }

    /// Four per-dimension values (sizes, strides, padding pairs) in this layout's order.
    public func shape<Element>(batch: Element, height: Element, width: Element, channels: Element) -> [Element] {
        switch self {
        case .nhwc: [batch, height, width, channels]
        case .nchw: [batch, channels, height, width]
        }
    }
}
