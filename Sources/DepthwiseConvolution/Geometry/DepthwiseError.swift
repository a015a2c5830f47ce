/// An error thrown for a call that cannot be computed, naming the offending values.
///
/// Match on ``code`` to handle a kind of error; ``message`` explains it to a person.
/// New codes may be added without breaking existing code.
public struct DepthwiseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of an error.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A tensor or shape does not have 4 dimensions.
        public static let invalidRank = Code("invalidRank")
        /// A dimension is negative, or a filter dimension is zero.
        public static let invalidShape = Code("invalidShape")
        /// The filter's channel count differs from the input's.
        public static let channelMismatch = Code("channelMismatch")
        /// A stride is not positive, or a TensorFlow-style stride list is malformed.
        public static let invalidStride = Code("invalidStride")
        /// A dilation is not positive, or a TensorFlow-style dilation list is malformed.
        public static let invalidDilation = Code("invalidDilation")
        /// An explicit padding is negative or malformed.
        public static let invalidPadding = Code("invalidPadding")
        /// The computed output size is negative.
        public static let negativeOutputSize = Code("negativeOutputSize")
        /// Gradient operands, or a buffer and its shape, do not agree.
        public static let shapeMismatch = Code("shapeMismatch")
        /// A size or an element count does not fit in `Int`, or is too large to allocate.
        public static let sizeOverflow = Code("sizeOverflow")
        /// An output buffer overlaps an input buffer.
        public static let overlappingBuffers = Code("overlappingBuffers")
        /// A layer argument or a layer configuration (such as a Keras config) is invalid.
        public static let invalidConfiguration = Code("invalidConfiguration")
        /// Any other invalid argument, such as a thread count of zero.
        public static let invalidArgument = Code("invalidArgument")
    }

    /// The kind of error.
    public let code: Code
    /// What went wrong, with the offending values.
    public let message: String

    /// Creates an error of the given kind.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
