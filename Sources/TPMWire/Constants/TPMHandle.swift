// SPDX-License-Identifier: Apache-2.0

/// TPM_HANDLE — Part 2, 7.1: a 32-bit handle whose top byte is its type (TPM_HT).
public struct TPMHandle: RawRepresentable, TPMCodable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public var rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }

    public var type: TPMHT { TPMHT(rawValue: UInt8(rawValue >> 24)) }
    /// The low 24 bits: the index within its type's range.
    public var index: UInt32 { rawValue & 0x00FF_FFFF }

    public func marshal(into writer: inout TPMWriter) { writer.writeInteger(rawValue) }
    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) { rawValue = try reader.readInteger() }

    public static func < (lhs: TPMHandle, rhs: TPMHandle) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        if let name = Self.permanentNames[rawValue] { return name }
        return "0x" + String(rawValue, radix: 16)
    }

    /// The handle of PCR `index`.
    public static func pcr(_ index: Int) -> TPMHandle { TPMHandle(UInt32(index)) }

    // MARK: - TPM_RH and TPM_RS (Part 2, 7.4)

    public static let owner = TPMHandle(0x4000_0001)
    public static let null = TPMHandle(0x4000_0007)
    public static let unassigned = TPMHandle(0x4000_0008)
    public static let password = TPMHandle(0x4000_0009)
    public static let lockout = TPMHandle(0x4000_000A)
    public static let endorsement = TPMHandle(0x4000_000B)
    public static let platform = TPMHandle(0x4000_000C)
    public static let platformNV = TPMHandle(0x4000_000D)

    // MARK: - TPM_HR ranges (Part 2, 7.3)

    public static let firstPCR = TPMHandle(0x0000_0000)
    public static let firstNVIndex = TPMHandle(0x0100_0000)
    public static let firstHMACSession = TPMHandle(0x0200_0000)
    public static let firstPolicySession = TPMHandle(0x0300_0000)
    public static let firstPermanent = TPMHandle(0x4000_0000)
    public static let firstTransient = TPMHandle(0x8000_0000)
    public static let firstPersistent = TPMHandle(0x8100_0000)

    static let permanentNames: [UInt32: String] = [
        0x4000_0001: "TPM_RH_OWNER", 0x4000_0007: "TPM_RH_NULL", 0x4000_0008: "TPM_RH_UNASSIGNED",
        0x4000_0009: "TPM_RS_PW", 0x4000_000A: "TPM_RH_LOCKOUT", 0x4000_000B: "TPM_RH_ENDORSEMENT",
        0x4000_000C: "TPM_RH_PLATFORM", 0x4000_000D: "TPM_RH_PLATFORM_NV",
    ]
}
