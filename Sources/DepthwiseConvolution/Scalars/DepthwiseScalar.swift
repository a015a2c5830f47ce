/// An element type of the depthwise convolution: `Float`, `Double`, `Float16` or ``BFloat16``.
///
/// `Float` and `Double` accumulate in their own precision. `Float16` and `BFloat16`
/// accumulate in `Float` and round once, when the result is stored.
///
/// Only the package's scalar types conform; the operations dispatch on ``scalarType``.
public protocol DepthwiseScalar: Sendable, Hashable, CustomStringConvertible {
    /// The element type's name.
    static var scalarType: ScalarType { get }
    /// Zero.
    static var zero: Self { get }
    /// The nearest representable value to `value`, rounding to nearest even.
    init(_ value: Double)
    /// The value, exactly, as a `Double`.
    var doubleValue: Double { get }
}
