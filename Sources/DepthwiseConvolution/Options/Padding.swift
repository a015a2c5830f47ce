/// How the input is padded with zeros before the filter slides over it.
///
/// The output size along one spatial dimension, with `effective = (k - 1) * d + 1`
/// for filter size `k` and dilation `d`, is
///
/// - `.valid`: `(in - effective + stride) / stride`
/// - `.same`: `(in + stride - 1) / stride`, with `max((out - 1) * stride + effective - in, 0)`
///   padding split as TensorFlow splits it: the odd pixel goes to the bottom or right.
/// - `.explicit`: `(in + before + after - effective + stride) / stride`
///
/// The divisions truncate toward zero, as in TensorFlow. A negative size is an error;
/// zero gives an empty output.
public enum Padding: Hashable, Sendable {
    /// No padding: the filter stays inside the input.
    case valid
    /// Enough padding for `ceil(in / stride)` outputs, split with the extra pixel at the end.
    case same
    /// The given number of zero rows and columns on each side; all must be non-negative.
    case explicit(top: Int, bottom: Int, left: Int, right: Int)
}

extension Padding: CustomStringConvertible {
    public var description: String {
        switch self {
        case .valid: "VALID"
        case .same: "SAME"
        case .explicit(let top, let bottom, let left, let right): "[\(top), \(bottom), \(left), \(right)]"
        }
    }
}
