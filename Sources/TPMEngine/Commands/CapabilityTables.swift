// SPDX-License-Identifier: Apache-2.0

import TPMWire

/// The fixed lists GetCapability reports. Algorithms and curves come from `TPMImplementation`, the one list
/// the unmarshal checks read too; the attribute bits are the TCG Algorithm Registry's.
enum Capabilities {
    static let algorithms: [TPMSAlgProperty] = TPMImplementation.algorithms.union([.null])
        .sorted { $0.rawValue < $1.rawValue }
        .map { TPMSAlgProperty(alg: $0, algProperties: algorithmAttributes[$0] ?? []) }

    /// TPMA_ALGORITHM of each algorithm this TPM may implement.
    private static let algorithmAttributes: [TPMAlgID: TPMAAlgorithm] = [
        .rsa: [.asymmetric, .object], .ecc: [.asymmetric, .object],
        .keyedHash: [.hash, .object, .signing, .encrypting],
        .symCipher: [.object], .sha1: [.hash], .sha256: [.hash], .sha384: [.hash], .sha512: [.hash],
        .hmac: [.hash, .signing], .aes: [.symmetric], .xor: [.symmetric, .hash], .mgf1: [.hash, .method],
        .kdf1SP800_56A: [.hash, .method], .kdf1SP800_108: [.hash, .method], .rsassa: [.asymmetric, .signing],
        .rsapss: [.asymmetric, .signing], .rsaes: [.asymmetric, .encrypting], .oaep: [.asymmetric, .encrypting],
        .ecdsa: [.asymmetric, .signing], .ecdh: [.asymmetric, .method], .ctr: [.symmetric, .encrypting],
        .ofb: [.symmetric, .encrypting], .cbc: [.symmetric, .encrypting], .cfb: [.symmetric, .encrypting],
        .ecb: [.symmetric, .encrypting],
    ]

    static let eccCurves: [TPMECCCurve] = TPMImplementation.eccCurves

    /// Permanent handles a client can name, ascending (ms-tpm `NextPermanentHandle`).
    static let permanentHandles: [TPMHandle] = [
        .owner, .null, .password, .lockout, .endorsement, .platform, .platformNV,
    ]

    /// TPM_PT_PCR groups this TPM reports, ascending.
    static let pcrPropertyTags: [TPMPTPCR] = [
        .save, .extendL0, .resetL0, .extendL1, .resetL1, .extendL2, .resetL2, .extendL3, .resetL3, .extendL4,
        .resetL4, .noIncrement, .drtmReset, .policy, .auth,
    ]

    /// The PCRs that have property `tag` (ms-tpm `PCRGetProperty`).
    static func pcrProperty(_ tag: TPMPTPCR) -> TPMSTaggedPCRSelect {
        let pcrs = (0..<PCRAttributes.count).filter { pcr in
            let attributes = PCRAttributes.table[pcr]
            switch tag {
            case .save: return attributes.stateSave
            case .extendL0: return attributes.extendLocalities & 0x01 != 0
            case .resetL0: return attributes.resetLocalities & 0x01 != 0
            case .extendL1: return attributes.extendLocalities & 0x02 != 0
            case .resetL1: return attributes.resetLocalities & 0x02 != 0
            case .extendL2: return attributes.extendLocalities & 0x04 != 0
            case .resetL2: return attributes.resetLocalities & 0x04 != 0
            case .extendL3: return attributes.extendLocalities & 0x08 != 0
            case .resetL3: return attributes.resetLocalities & 0x08 != 0
            case .extendL4: return attributes.extendLocalities & 0x10 != 0
            case .resetL4, .drtmReset: return attributes.resetLocalities & 0x10 != 0
            case .noIncrement: return PCRAttributes.isInNoIncrementGroup(pcr)
            case .policy, .auth: return PCRAttributes.isInAuthGroup(pcr)
            default: return false
            }
        }
        return TPMSTaggedPCRSelect(tag: tag, pcrSelect: TPMSPCRSelection(hash: .sha256, pcrs: pcrs).pcrSelect)
    }
}

// MARK: - TPM properties (Part 2, 6.13)

/// Identity of this implementation in TPM_PT_MANUFACTURER and the vendor strings.
public enum ImplementationIdentity {
    /// Four ASCII characters, as TPM_PT_MANUFACTURER packs them.
    public static let manufacturer = "VTPM"
    public static let vendorStrings = ["swif", "t-vt", "pm", ""]
    public static let firmwareVersion: (UInt32, UInt32) = (0x0001_0000, 0)
    /// The specification revision the engine follows: Library 1.59 (Part 1-3), published 2019-11-08.
    public static let specRevision: UInt32 = 159
    public static let specYear: UInt32 = 2019
    public static let specDayOfYear: UInt32 = 312

    static func packed(_ text: String) -> UInt32 {
        let bytes = Array(text.utf8.prefix(4)) + [UInt8](repeating: 0, count: max(0, 4 - text.utf8.count))
        return bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }
}

extension TPMEngine {
    /// TPM_PT_PS_*: the PC Client platform specification, level 0, revision 1.05 of 2020.
    static let platformFamily: UInt32 = 1

    /// The value of `property`, or nil if this TPM does not define it (ms-tpm `TPMPropertyIsDefined`).
    func tpmProperty(_ property: TPMPT) -> UInt32? {
        switch property {
        case .familyIndicator: return ImplementationIdentity.packed("2.0")
        case .level: return 0
        case .revision: return ImplementationIdentity.specRevision
        case .dayOfYear: return ImplementationIdentity.specDayOfYear
        case .year: return ImplementationIdentity.specYear
        case .manufacturer: return ImplementationIdentity.packed(ImplementationIdentity.manufacturer)
        case .vendorString1: return ImplementationIdentity.packed(ImplementationIdentity.vendorStrings[0])
        case .vendorString2: return ImplementationIdentity.packed(ImplementationIdentity.vendorStrings[1])
        case .vendorString3: return ImplementationIdentity.packed(ImplementationIdentity.vendorStrings[2])
        case .vendorString4: return ImplementationIdentity.packed(ImplementationIdentity.vendorStrings[3])
        case .vendorTpmType: return 1
        case .firmwareVersion1: return ImplementationIdentity.firmwareVersion.0
        case .firmwareVersion2: return ImplementationIdentity.firmwareVersion.1
        case .inputBuffer: return UInt32(TPM2BMaxBuffer.maxSize)
        case .hrTransientMin: return UInt32(ObjectTable.capacity)
        case .hrPersistentMin: return UInt32(ObjectTable.persistentCapacity)
        case .hrLoadedMin: return UInt32(SessionTable.capacity)
        case .activeSessionsMax: return UInt32(SessionTable.capacity)
        case .pcrCount: return UInt32(PCRAttributes.count)
        case .pcrSelectMin: return UInt32(TPMSPCRSelection.selectSize)
        case .contextGapMax: return 0xFFFF
        case .nvCountersMax: return 0
        case .nvIndexMax: return 2048
        case .memory: return TPMAMemory([.sharedNV, .objectCopiedToRam]).rawValue
        case .clockUpdate: return UInt32(Self.clockUpdateMask + 1)
        case .contextHash: return UInt32(Self.contextIntegrityHash.algorithm.rawValue)
        case .contextSym: return UInt32(TPMAlgID.aes.rawValue)
        case .contextSymSize: return 256
        case .orderlyCount: return 255
        case .maxCommandSize: return UInt32(Self.maxCommandSize)
        case .maxResponseSize: return UInt32(Self.maxResponseSize)
        case .maxDigest: return UInt32(TPM2BDigest.maxSize)
        case .maxObjectContext: return 2680
        case .maxSessionContext: return 404
        case .psFamilyIndicator: return Self.platformFamily
        case .psLevel: return 0
        case .psRevision: return 0x105
        case .psDayOfYear: return 0
        case .psYear: return 0
        case .splitMax: return 0
        case .totalCommands, .libraryCommands: return UInt32(commandTable.sortedCodes.count)
        case .vendorCommands: return 0
        case .nvBufferMax: return UInt32(TPM2BMaxNVBuffer.maxSize)
        case .modes: return 0
        case .maxCapBuffer: return 1024
        case .permanent: return permanentAttributes.rawValue
        case .startupClear: return startupClearAttributes.rawValue
        case .hrNvIndex: return 0
        case .hrLoaded, .hrActive: return UInt32(sessions.count)
        case .hrLoadedAvail, .hrActiveAvail: return UInt32(SessionTable.capacity - sessions.count)
        case .hrTransientAvail: return UInt32(ObjectTable.capacity - objects.count)
        case .hrPersistent: return UInt32(objects.persistentHandles.count)
        case .hrPersistentAvail: return UInt32(ObjectTable.persistentCapacity - objects.persistentHandles.count)
        case .nvCounters: return 0
        case .nvCountersAvail: return 0
        case .algorithmSet: return 0
        case .loadedCurves: return UInt32(Capabilities.eccCurves.count)
        case .lockoutCounter: return permanent.dictionaryAttack.failedTries
        case .maxAuthFail: return permanent.dictionaryAttack.maxTries
        case .lockoutInterval: return permanent.dictionaryAttack.recoveryTime
        case .lockoutRecovery: return permanent.dictionaryAttack.lockoutRecovery
        case .nvWriteRecovery: return 0
        case .auditCounter0, .auditCounter1: return 0
        default: return nil
        }
    }

    /// TPM_CAP_TPM_PROPERTIES: properties from `start` to the end of its group (fixed or variable).
    func tpmProperties(startingAt start: UInt32, limit: Int) -> ([TPMSTaggedProperty], Bool) {
        let group: UInt32 = 0x100
        let first = max(start, TPMPT.fixed.rawValue)
        guard first < TPMPT.var.rawValue + group else { return ([], false) }
        let end = (first / group + 1) * group
        var list: [TPMSTaggedProperty] = []
        for raw in first..<end {
            guard let value = tpmProperty(TPMPT(rawValue: raw)) else { continue }
            guard list.count < limit else { return (list, true) }
            list.append(TPMSTaggedProperty(property: TPMPT(rawValue: raw), value: value))
        }
        return (list, false)
    }

    var permanentAttributes: TPMAPermanent {
        var flags: TPMAPermanent = [.tpmGeneratedEPS]
        if !permanent.ownerAuth.isEmpty { flags.insert(.ownerAuthSet) }
        if !permanent.endorsementAuth.isEmpty { flags.insert(.endorsementAuthSet) }
        if !permanent.lockoutAuth.isEmpty { flags.insert(.lockoutAuthSet) }
        if permanent.disableClear { flags.insert(.disableClear) }
        if permanent.dictionaryAttack.isLockedOut { flags.insert(.inLockout) }
        return flags
    }

    var startupClearAttributes: TPMAStartupClear {
        var flags: TPMAStartupClear = []
        if phEnable { flags.insert(.phEnable) }
        if stateClear.shEnable { flags.insert(.shEnable) }
        if stateClear.ehEnable { flags.insert(.ehEnable) }
        if stateClear.phEnableNV { flags.insert(.phEnableNV) }
        if previousShutdownWasOrderly { flags.insert(.orderly) }
        return flags
    }
}
