// SPDX-License-Identifier: Apache-2.0

/// TPMI_AES_KEY_BITS — Part 2, 11.1.1 (TPMI_!ALG.S_KEY_BITS): an implemented AES key size in bits.
///
/// Other sizes throw ``TPMRC/value``, as libtpms does.
public struct TPMIAESKeyBits: TPMCodable, Hashable, Sendable, CustomStringConvertible {
    public let bits: UInt16

    public init(_ bits: UInt16) throws(TPMRC) {
        guard TPMImplementation.aesKeyBits.contains(bits) else { throw .value }
        self.bits = bits
    }

    private init(known bits: UInt16) { self.bits = bits }
    public static let aes128 = TPMIAESKeyBits(known: 128)
    public static let aes192 = TPMIAESKeyBits(known: 192)
    public static let aes256 = TPMIAESKeyBits(known: 256)

    /// The key length in bytes.
    public var byteCount: Int { Int(bits) / 8 }

    public func marshal(into writer: inout TPMWriter) { writer.writeInteger(bits) }
    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) { try self.init(try reader.readInteger()) }
    public var description: String { String(bits) }
}

/// TPMI_RSA_KEY_BITS — Part 2, 11.2.4.6: an implemented RSA modulus size in bits.
///
/// Other sizes throw ``TPMRC/value``, as libtpms does (not TPM_RC_KEY_SIZE, which the spec keeps for keys
/// whose material does not match their declared size).
public struct TPMIRSAKeyBits: TPMCodable, Hashable, Sendable, CustomStringConvertible {
    public let bits: UInt16

    public init(_ bits: UInt16) throws(TPMRC) {
        guard TPMImplementation.rsaKeyBits.contains(bits) else { throw .value }
        self.bits = bits
    }

    private init(known bits: UInt16) { self.bits = bits }
    public static let rsa1024 = TPMIRSAKeyBits(known: 1024)
    public static let rsa2048 = TPMIRSAKeyBits(known: 2048)
    public static let rsa3072 = TPMIRSAKeyBits(known: 3072)
    public static let rsa4096 = TPMIRSAKeyBits(known: 4096)

    /// The modulus length in bytes.
    public var byteCount: Int { Int(bits) / 8 }

    public func marshal(into writer: inout TPMWriter) { writer.writeInteger(bits) }
    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) { try self.init(try reader.readInteger()) }
    public var description: String { String(bits) }
}

/// TPMI_ECC_CURVE — Part 2, 11.2.5.5: an implemented curve.
///
/// Other curves, TPM_ECC_NONE included, throw ``TPMRC/curve``.
public struct TPMIECCCurve: TPMCodable, Hashable, Sendable, CustomStringConvertible {
    public let curve: TPMECCCurve

    public init(_ curve: TPMECCCurve) throws(TPMRC) {
        guard TPMImplementation.eccCurves.contains(curve) else { throw .curve }
        self.curve = curve
    }

    private init(known curve: TPMECCCurve) { self.curve = curve }
    public static let nistP256 = TPMIECCCurve(known: .nistP256)
    public static let nistP384 = TPMIECCCurve(known: .nistP384)
    public static let nistP521 = TPMIECCCurve(known: .nistP521)

    /// The size of a coordinate or private scalar in bytes.
    public var byteCount: Int {
        switch curve {
        case .nistP256: 32
        case .nistP384: 48
        default: 66
        }
    }

    public func marshal(into writer: inout TPMWriter) { curve.marshal(into: &writer) }
    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        try self.init(try TPMECCCurve(unmarshalling: &reader))
    }
    public var description: String { curve.description }
}

/// TPMI_RH_HIERARCHY+ — Part 2, 9.13, as tickets carry it: a hierarchy handle or TPM_RH_NULL.
public enum TPMIRHHierarchy {
    public static let members: Set<TPMHandle> = [.owner, .platform, .endorsement, .null]

    /// Throws ``TPMRC/value`` for any other handle (libtpms `TPMI_RH_HIERARCHY_Unmarshal`).
    public static func check(_ handle: TPMHandle) throws(TPMRC) {
        guard members.contains(handle) else { throw .value }
    }

    public static func read(from reader: inout TPMReader) throws(TPMRC) -> TPMHandle {
        let handle = try TPMHandle(unmarshalling: &reader)
        try check(handle)
        return handle
    }
}
