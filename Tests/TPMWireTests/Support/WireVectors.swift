// SPDX-License-Identifier: Apache-2.0

import TPMWire
import Testing

/// One known-answer row: `hex` must decode to `value`, and `value` must marshal to `hex`.
///
/// Rows of different types share one table through the closures, so each family file can list all its
/// types in a single parameterized test.
struct WireVector: Sendable, CustomTestStringConvertible {
    let name: String
    let hex: String
    let marshalled: @Sendable () -> String
    let decodesToValue: @Sendable ([UInt8]) throws(TPMRC) -> Bool

    init<T: TPMCodable & Equatable & Sendable>(_ name: String, _ hex: String, _ value: T) {
        self.init(name, hex, value, decode: { bytes throws(TPMRC) in try T(unmarshalling: bytes) })
    }

    /// A row whose decoding needs a custom reader (e.g. a "+" flag), still consuming every byte.
    init<T: TPMMarshal & Equatable & Sendable>(
        _ name: String, _ hex: String, _ value: T,
        decode: @escaping @Sendable ([UInt8]) throws(TPMRC) -> T
    ) {
        self.name = name
        self.hex = hex.filter { !$0.isWhitespace }.lowercased()
        marshalled = { value.marshalled().hex }
        decodesToValue = { bytes throws(TPMRC) in try decode(bytes) == value }
    }

    /// A row for the "+" form of a nullable type: nil is the type's null value.
    init<T: TPMNullable & Equatable & Sendable>(_ name: String, _ hex: String, nullable value: T?) {
        self.name = name
        self.hex = hex.filter { !$0.isWhitespace }.lowercased()
        marshalled = {
            var writer = TPMWriter()
            value.marshal(into: &writer)
            return writer.bytes.hex
        }
        decodesToValue = { bytes throws(TPMRC) in
            var reader = TPMReader(bytes)
            let decoded = try Optional<T>.unmarshalNullable(from: &reader)
            guard reader.isAtEnd else { throw .size }
            return decoded == value
        }
    }

    var testDescription: String { name }

    /// Checks both directions.
    func check(sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(marshalled() == hex, "marshal \(name)", sourceLocation: sourceLocation)
        do {
            #expect(try decodesToValue([UInt8](hex: hex)), "unmarshal \(name)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unmarshal \(name) threw \(error)", sourceLocation: sourceLocation)
        }
    }
}

/// One negative row: decoding `hex` must throw exactly `expected`.
struct WireFailure: Sendable, CustomTestStringConvertible {
    let name: String
    let hex: String
    let expected: TPMRC
    let decode: @Sendable ([UInt8]) throws(TPMRC) -> Void

    init<T: TPMUnmarshal & Sendable>(_ name: String, _ hex: String, _ expected: TPMRC, as type: T.Type) {
        self.init(name, hex, expected) { bytes throws(TPMRC) in _ = try T(unmarshalling: bytes) }
    }

    /// A row for the "+" form of a nullable type.
    init<T: TPMNullable & Sendable>(_ name: String, _ hex: String, _ expected: TPMRC, nullable type: T.Type) {
        self.init(name, hex, expected) { bytes throws(TPMRC) in
            var reader = TPMReader(bytes)
            _ = try Optional<T>.unmarshalNullable(from: &reader)
            guard reader.isAtEnd else { throw .size }
        }
    }

    init(
        _ name: String, _ hex: String, _ expected: TPMRC,
        decode: @escaping @Sendable ([UInt8]) throws(TPMRC) -> Void
    ) {
        self.name = name
        self.hex = hex.filter { !$0.isWhitespace }
        self.expected = expected
        self.decode = decode
    }

    var testDescription: String { "\(name) -> \(expected)" }

    func check(sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            try decode([UInt8](hex: hex))
            Issue.record("\(name): decoded, expected \(expected)", sourceLocation: sourceLocation)
        } catch {
            #expect(error == expected, "\(name)", sourceLocation: sourceLocation)
        }
    }
}

extension Array where Element == UInt8 {
    init(hex: String) {
        let digits = [Character](hex.filter { !$0.isWhitespace })
        self = stride(from: 0, to: digits.count - 1, by: 2).map { index in
            UInt8(String(digits[index]) + String(digits[index + 1]), radix: 16) ?? 0
        }
    }

    var hex: String {
        map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}

/// `count` bytes counting up from `start`, wrapping, as the libtss2-mu oracle program fills its buffers.
func counting(_ count: Int, from start: UInt8) -> [UInt8] {
    (0..<count).map { start &+ UInt8(truncatingIfNeeded: $0) }
}

/// A hex string of `count` counting bytes, for building expected rows.
func countingHex(_ count: Int, from start: UInt8) -> String {
    counting(count, from: start).hex
}

/// Builders for test values whose inits throw only when a limit is broken; a test that breaks one fails here.
func digest(_ bytes: [UInt8]) -> TPM2BDigest { try! TPM2BDigest(bytes) }
func name(_ bytes: [UInt8]) -> TPM2BName { try! TPM2BName(bytes) }
func eccParameter(_ bytes: [UInt8]) -> TPM2BECCParameter { try! TPM2BECCParameter(bytes) }
