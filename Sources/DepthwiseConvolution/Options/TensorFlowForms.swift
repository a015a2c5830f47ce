// TensorFlow's argument forms, converted at the edges (the tool, fixture files) into the
// package's own types.

extension HeightWidth {
    /// Strides in one of TensorFlow's forms: `[s]`, `[sh, sw]`, or four values in the
    /// layout's order whose batch and channel entries are 1 (`[1, sh, sw, 1]` for NHWC,
    /// `[1, 1, sh, sw]` for NCHW).
    ///
    /// - Throws: ``DepthwiseError`` with code `invalidStride` for any other form.
    public init(tensorFlowStrides values: [Int], dataFormat: DataFormat) throws {
        self = try Self.spatialPair(values, dataFormat, name: "strides", code: .invalidStride)
    }

    /// Dilations in one of TensorFlow's forms: `[d]`, `[dh, dw]`, or four values in the
    /// layout's order whose batch and channel entries are 1.
    ///
    /// - Throws: ``DepthwiseError`` with code `invalidDilation` for any other form.
    public init(tensorFlowDilations values: [Int], dataFormat: DataFormat) throws {
        self = try Self.spatialPair(values, dataFormat, name: "dilations", code: .invalidDilation)
    }

    private static func spatialPair(
        _ values: [Int], _ dataFormat: DataFormat, name: String, code: DepthwiseError.Code
    ) throws -> HeightWidth {
        switch values.count {
        case 1:
            return HeightWidth(values[0])
        case 2:
            return HeightWidth(height: values[0], width: values[1])
        case 4:
            guard values[0] == 1, values[dataFormat.channelAxis] == 1 else {
                throw DepthwiseError(
                    code,
                    "\(name) in the batch and channel dimensions must be 1, got \(values) for \(dataFormat)")
            }
            return HeightWidth(height: values[dataFormat.heightAxis], width: values[dataFormat.widthAxis])
        default:
            throw DepthwiseError(code, "\(name) must have 1, 2 or 4 values, got \(values.count): \(values)")
        }
    }
}

extension Padding {
    /// `"SAME"` or `"VALID"`, in any letter case.
    ///
    /// - Throws: ``DepthwiseError`` with code `invalidPadding` for any other name.
    public init(tensorFlowName name: String) throws {
        switch name.uppercased() {
        case "SAME": self = .same
        case "VALID": self = .valid
        default: throw DepthwiseError(.invalidPadding, "padding must be SAME, VALID or explicit, got '\(name)'")
        }
    }

    /// Explicit padding in TensorFlow's form: `[before, after]` pairs for all four dimensions
    /// in the layout's order, with zeros for the batch and channel dimensions.
    ///
    /// - Throws: ``DepthwiseError`` with code `invalidPadding` for another form or a negative value.
    public init(tensorFlowPairs pairs: [[Int]], dataFormat: DataFormat) throws {
        guard pairs.count == 4, pairs.allSatisfy({ $0.count == 2 }) else {
            throw DepthwiseError(.invalidPadding, "explicit padding must be 4 [before, after] pairs, got \(pairs)")
        }
        guard pairs[0] == [0, 0], pairs[dataFormat.channelAxis] == [0, 0] else {
            throw DepthwiseError(
                .invalidPadding,
                "explicit padding in the batch and channel dimensions must be 0, got \(pairs) for \(dataFormat)")
        }
        let (rows, columns) = (pairs[dataFormat.heightAxis], pairs[dataFormat.widthAxis])
        guard (rows + columns).allSatisfy({ $0 >= 0 }) else {
            throw DepthwiseError(.invalidPadding, "explicit padding must be non-negative, got \(pairs)")
        }
        self = .explicit(top: rows[0], bottom: rows[1], left: columns[0], right: columns[1])
    }
}
