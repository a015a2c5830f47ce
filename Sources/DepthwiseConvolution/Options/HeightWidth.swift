/// A pair of values for the two spatial dimensions, such as strides or dilations.
///
/// An integer literal sets both dimensions:
///
/// ```swift
/// let strides: HeightWidth = 2                       // 2 along height and width
/// let dilations = HeightWidth(height: 2, width: 1)   // atrous along height only
/// ```
public struct HeightWidth: Hashable, Sendable, ExpressibleByIntegerLiteral, CustomStringConvertible {
    /// The value along the height (rows).
    public var height: Int
    /// The value along the width (columns).
    public var width: Int

    /// Creates a pair from its height and width values.
    public init(height: Int, width: Int) {
        self.height = height
        self.width = width
    }

    /// Creates a pair with the same value for height and width.
    public init(_ both: Int) {
        self.init(height: both, width: both)
    }

    /// Creates a pair with the same value for height and width.
    public init(integerLiteral value: Int) {
        self.init(value)
    }

    public var description: String { "(\(height), \(width))" }
}
