// SPDX-License-Identifier: Apache-2.0

/// A TPMI type whose "+" form lets TPM_ALG_NULL (or another null value) stand for "none".
///
/// In Swift the "+" lives in the type: a nullable field is `Optional<Self>`, unmarshalled with
/// ``unmarshalNullable(from:)``.
public protocol TPMNullable: TPMCodable {
    associatedtype RawNull: FixedWidthInteger & UnsignedInteger
    static var nullRawValue: RawNull { get }
}

extension Optional where Wrapped: TPMNullable {
    public func marshal(into writer: inout TPMWriter) {
        if let value = self {
            value.marshal(into: &writer)
        } else {
            writer.writeInteger(Wrapped.nullRawValue)
        }
    }

    public static func unmarshalNullable(from reader: inout TPMReader) throws(TPMRC) -> Wrapped? {
        if reader.peekInteger(as: Wrapped.RawNull.self) == Wrapped.nullRawValue {
            try reader.skip(Wrapped.RawNull.bitWidth / 8)
            return nil
        }
        return try Wrapped(unmarshalling: &reader)
    }
}

/// TPMI_ALG_HASH — Part 2, 9.27: a hash algorithm this TPM implements.
///
/// Unmarshalling any other algorithm throws ``TPMRC/hash``.
public struct TPMIAlgHash: TPMNullable, Hashable, Sendable, CustomStringConvertible {
    public let algorithm: TPMAlgID

    public static let sha1 = TPMIAlgHash(checked: .sha1)
    public static let sha256 = TPMIAlgHash(checked: .sha256)
    public static let sha384 = TPMIAlgHash(checked: .sha384)
    public static let sha512 = TPMIAlgHash(checked: .sha512)

    /// The implemented hashes, in the order GetCapability and PCR banks list them.
    public static let implemented: [TPMIAlgHash] = [.sha1, .sha256, .sha384, .sha512]

    public static let nullRawValue: UInt16 = TPMAlgID.null.rawValue

    private init(checked algorithm: TPMAlgID) { self.algorithm = algorithm }

    /// Validates `algorithm` as an implemented hash; throws ``TPMRC/hash`` otherwise.
    public init(_ algorithm: TPMAlgID) throws(TPMRC) {
        guard let known = Self.implemented.first(where: { $0.algorithm == algorithm }) else { throw .hash }
        self = known
    }

    /// The digest size in bytes.
    public var digestSize: Int {
        switch algorithm {
        case .sha1: 20
        case .sha256: 32
        case .sha384: 48
        default: 64
        }
    }

    /// The block size in bytes (for HMAC).
    public var blockSize: Int {
        switch algorithm {
        case .sha384, .sha512: 128
        default: 64
        }
    }

    public func marshal(into writer: inout TPMWriter) { algorithm.marshal(into: &writer) }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        try self.init(try TPMAlgID(unmarshalling: &reader))
    }

    public var description: String { algorithm.description }
}
