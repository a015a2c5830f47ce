/// The element types the operations support, named as NumPy and TensorFlow name them.
public enum ScalarType: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case float16, bfloat16, float32, float64

    /// The size of one element in bytes.
    public var byteCount: Int {
        switch self {
        case .float16, .bfloat16: 2
        case .float32: 4
        case .float64: 8
        }
    }

    public var description: String { rawValue }
}
