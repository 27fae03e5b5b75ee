// SPDX-License-Identifier: Apache-2.0

/// An open set of spec values over an unsigned integer (TPM_CC, TPM_ALG_ID, TPM_ST ...).
///
/// These are structs with static lets, not enums, because GetCapability and vendors produce values
/// that no closed enum can carry.
public protocol TPMConstant: RawRepresentable, TPMCodable, Hashable, Sendable, CustomStringConvertible
where RawValue: FixedWidthInteger & UnsignedInteger & Sendable {
    init(rawValue: RawValue)
    static var knownNames: [RawValue: String] { get }
}

extension TPMConstant {
    @inlinable
    public func marshal(into writer: inout TPMWriter) { writer.writeInteger(rawValue) }

    @inlinable
    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        self.init(rawValue: try reader.readInteger(as: RawValue.self))
    }

    /// The spec name (`TPM_CC_Startup`), or the hex value for values the spec does not name.
    public var description: String {
        Self.knownNames[rawValue] ?? "0x" + String(rawValue, radix: 16)
    }

    /// The spec name, if the value has one.
    public var specName: String? { Self.knownNames[rawValue] }
}

/// TPM_CC — Part 2, 6.5.2: a command code.
public struct TPMCC: TPMConstant {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
}

/// TPM_ALG_ID — Part 2, 6.3 (values in the TCG Algorithm Registry).
public struct TPMAlgID: TPMConstant {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
}

/// TPM_ST — Part 2, 6.9: structure tags.
public struct TPMST: TPMConstant {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
}

extension TPMST {
    /// Reads a TPM_ST that must be one of the values Part 2 defines (TPM_RC_VALUE otherwise), as the
    /// reference unmarshal does before a command tag is judged.
    public static func validated(from reader: inout TPMReader) throws(TPMRC) -> TPMST {
        let tag = try TPMST(unmarshalling: &reader)
        guard tag.isDefined else { throw .value }
        return tag
    }

    /// True for the structure tags of Part 2, 6.9 that a reference TPM accepts.
    public var isDefined: Bool {
        switch rawValue {
        case 0x00C4, 0x8000, 0x8001, 0x8002, 0x8014...0x801A, 0x8021...0x8025: true
        default: false
        }
    }
}

/// TPM_CAP — Part 2, 6.12: GetCapability groups.
public struct TPMCap: TPMConstant {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
}

/// TPM_PT — Part 2, 6.13: TPM property tags.
public struct TPMPT: TPMConstant {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
}

/// TPM_PT_PCR — Part 2, 6.14: PCR property tags.
public struct TPMPTPCR: TPMConstant {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
}

/// TPM_ECC_CURVE — Part 2, 6.4.
public struct TPMECCCurve: TPMConstant {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
}

/// TPM_HT — Part 2, 7.2: the handle type, the top byte of a handle.
public struct TPMHT: TPMConstant {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
}

/// TPM_SU — Part 2, 6.10: the Startup/Shutdown type.
public struct TPMSU: TPMConstant {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let clear = TPMSU(rawValue: 0x0000)
    public static let state = TPMSU(rawValue: 0x0001)
    public static let knownNames: [UInt16: String] = [0x0000: "TPM_SU_CLEAR", 0x0001: "TPM_SU_STATE"]

    /// Reads a TPM_SU that must be CLEAR or STATE (TPM_RC_VALUE otherwise).
    public static func validated(from reader: inout TPMReader) throws(TPMRC) -> TPMSU {
        let value = try TPMSU(unmarshalling: &reader)
        guard value == .clear || value == .state else { throw .value }
        return value
    }
}

/// TPM_SE — Part 2, 6.11: session type.
public struct TPMSE: TPMConstant {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let hmac = TPMSE(rawValue: 0x00)
    public static let policy = TPMSE(rawValue: 0x01)
    public static let trial = TPMSE(rawValue: 0x03)
    public static let knownNames: [UInt8: String] = [0x00: "TPM_SE_HMAC", 0x01: "TPM_SE_POLICY", 0x03: "TPM_SE_TRIAL"]
}
