/// Integer arithmetic that throws ``DepthwiseError/Code-swift.struct/sizeOverflow`` instead of trapping.
enum Checked {
    static func add(_ a: Int, _ b: Int, _ what: @autoclosure () -> String) throws -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard !overflow else { throw overflowError(what()) }
        return sum
    }

    static func multiply(_ a: Int, _ b: Int, _ what: @autoclosure () -> String) throws -> Int {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        guard !overflow else { throw overflowError(what()) }
        return product
    }

    /// The product of non-negative sizes, or an error naming them if it overflows.
    static func product(_ sizes: [Int], _ what: @autoclosure () -> String) throws -> Int {
        try sizes.reduce(1) { try multiply($0, $1, "\(what()) \(sizes)") }
    }

    private static func overflowError(_ what: String) -> DepthwiseError {
        DepthwiseError(.sizeOverflow, "\(what) overflows a \(Int.bitWidth)-bit integer")
    }
}
