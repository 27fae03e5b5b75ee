// SPDX-License-Identifier: Apache-2.0

/// A TPMA bit field — Part 2, 8: an option set over the spec's width whose reserved bits must be clear.
public protocol TPMAttributes: OptionSet, TPMCodable, Hashable, Sendable
where RawValue: FixedWidthInteger & UnsignedInteger & Sendable {
    /// Bits the spec reserves; unmarshalling a value with any of them set throws ``TPMRC/reservedBits``.
    static var reservedMask: RawValue { get }
}

extension TPMAttributes {
    @inlinable
    public func marshal(into writer: inout TPMWriter) { writer.writeInteger(rawValue) }

    @inlinable
    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        let raw = try reader.readInteger(as: RawValue.self)
        guard raw & Self.reservedMask == 0 else { throw .reservedBits }
        self.init(rawValue: raw)
    }
}

/// TPMA_ALGORITHM — Part 2, 8.2.
public struct TPMAAlgorithm: TPMAttributes {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let reservedMask: UInt32 = 0xFFFF_F8F0

    public static let asymmetric = TPMAAlgorithm(rawValue: 1 << 0)
    public static let symmetric = TPMAAlgorithm(rawValue: 1 << 1)
    public static let hash = TPMAAlgorithm(rawValue: 1 << 2)
    public static let object = TPMAAlgorithm(rawValue: 1 << 3)
    public static let signing = TPMAAlgorithm(rawValue: 1 << 8)
    public static let encrypting = TPMAAlgorithm(rawValue: 1 << 9)
    public static let method = TPMAAlgorithm(rawValue: 1 << 10)
}

/// TPMA_OBJECT — Part 2, 8.3.
public struct TPMAObject: TPMAttributes {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let reservedMask: UInt32 = 0xFFF0_F309

    public static let fixedTPM = TPMAObject(rawValue: 1 << 1)
    public static let stClear = TPMAObject(rawValue: 1 << 2)
    public static let fixedParent = TPMAObject(rawValue: 1 << 4)
    public static let sensitiveDataOrigin = TPMAObject(rawValue: 1 << 5)
    public static let userWithAuth = TPMAObject(rawValue: 1 << 6)
    public static let adminWithPolicy = TPMAObject(rawValue: 1 << 7)
    public static let noDA = TPMAObject(rawValue: 1 << 10)
    public static let encryptedDuplication = TPMAObject(rawValue: 1 << 11)
    public static let restricted = TPMAObject(rawValue: 1 << 16)
    public static let decrypt = TPMAObject(rawValue: 1 << 17)
    public static let signEncrypt = TPMAObject(rawValue: 1 << 18)
    public static let x509Sign = TPMAObject(rawValue: 1 << 19)
}

/// TPMA_SESSION — Part 2, 8.4.
public struct TPMASession: TPMAttributes {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let reservedMask: UInt8 = 0x18

    public static let continueSession = TPMASession(rawValue: 1 << 0)
    public static let auditExclusive = TPMASession(rawValue: 1 << 1)
    public static let auditReset = TPMASession(rawValue: 1 << 2)
    public static let decrypt = TPMASession(rawValue: 1 << 5)
    public static let encrypt = TPMASession(rawValue: 1 << 6)
    public static let audit = TPMASession(rawValue: 1 << 7)
}

/// TPMA_LOCALITY — Part 2, 8.5. Values of 32 and above are extended localities, not a bit map.
public struct TPMALocality: TPMAttributes {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let reservedMask: UInt8 = 0

    public static let zero = TPMALocality(rawValue: 1 << 0)
    public static let one = TPMALocality(rawValue: 1 << 1)
    public static let two = TPMALocality(rawValue: 1 << 2)
    public static let three = TPMALocality(rawValue: 1 << 3)
    public static let four = TPMALocality(rawValue: 1 << 4)

    /// The attribute that selects exactly `locality` (0...4), or the extended locality value (32...255).
    public init(locality: UInt8) {
        self.init(rawValue: locality < 5 ? 1 << locality : locality)
    }

    /// True if a command at `locality` satisfies this selection.
    public func permits(_ locality: UInt8) -> Bool {
        if rawValue >= 32 { return rawValue == locality }
        return locality < 5 && rawValue & (1 << locality) != 0
    }
}

/// TPMA_PERMANENT — Part 2, 8.6.
public struct TPMAPermanent: TPMAttributes {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let reservedMask: UInt32 = 0xFFFF_F8F8

    public static let ownerAuthSet = TPMAPermanent(rawValue: 1 << 0)
    public static let endorsementAuthSet = TPMAPermanent(rawValue: 1 << 1)
    public static let lockoutAuthSet = TPMAPermanent(rawValue: 1 << 2)
    public static let disableClear = TPMAPermanent(rawValue: 1 << 8)
    public static let inLockout = TPMAPermanent(rawValue: 1 << 9)
    public static let tpmGeneratedEPS = TPMAPermanent(rawValue: 1 << 10)
}

/// TPMA_STARTUP_CLEAR — Part 2, 8.7.
public struct TPMAStartupClear: TPMAttributes {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let reservedMask: UInt32 = 0x7FFF_FFF0

    public static let phEnable = TPMAStartupClear(rawValue: 1 << 0)
    public static let shEnable = TPMAStartupClear(rawValue: 1 << 1)
    public static let ehEnable = TPMAStartupClear(rawValue: 1 << 2)
    public static let phEnableNV = TPMAStartupClear(rawValue: 1 << 3)
    public static let orderly = TPMAStartupClear(rawValue: 1 << 31)
}

/// TPMA_MEMORY — Part 2, 8.8.
public struct TPMAMemory: TPMAttributes {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let reservedMask: UInt32 = 0xFFFF_FFF8

    public static let sharedRAM = TPMAMemory(rawValue: 1 << 0)
    public static let sharedNV = TPMAMemory(rawValue: 1 << 1)
    public static let objectCopiedToRam = TPMAMemory(rawValue: 1 << 2)
}

/// TPMA_CC — Part 2, 8.9: a command's code and attributes, as GetCapability(TPM_CAP_COMMANDS) reports them.
public struct TPMACC: TPMAttributes {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let reservedMask: UInt32 = 0xC03F_0000

    public static let nv = TPMACC(rawValue: 1 << 22)
    public static let extensive = TPMACC(rawValue: 1 << 23)
    public static let flushed = TPMACC(rawValue: 1 << 24)
    public static let rHandle = TPMACC(rawValue: 1 << 28)
    public static let vendor = TPMACC(rawValue: 1 << 29)

    /// Builds the attribute word for `commandCode` with `handles` handles in its handle area.
    public init(commandCode: TPMCC, handles: Int, flags: TPMACC) {
        let index = commandCode.rawValue & 0xFFFF
        let vendor: UInt32 = commandCode.rawValue & 0x2000_0000 != 0 ? 1 << 29 : 0
        self.init(rawValue: index | UInt32(handles & 7) << 25 | flags.rawValue | vendor)
    }

    public var commandIndex: UInt16 { UInt16(rawValue & 0xFFFF) }
    public var handleCount: Int { Int(rawValue >> 25 & 7) }
}

/// TPMA_MODES — Part 2, 8.10.
public struct TPMAModes: TPMAttributes {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let reservedMask: UInt32 = 0

    public static let fips140_2 = TPMAModes(rawValue: 1 << 0)
}
