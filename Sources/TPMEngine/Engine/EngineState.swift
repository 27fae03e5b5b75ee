// SPDX-License-Identifier: Apache-2.0

import TPMWire

/// Values that survive every power cycle (ms-tpm's PERSISTENT_DATA, Part 1, 37). Written to the
/// instance's durable state whenever they change, before the response leaves the TPM.
public struct PermanentState: Hashable, Sendable {
    /// Primary seeds (Part 1, 14.3): endorsement, storage and platform.
    public var endorsementSeed: [UInt8]
    public var storageSeed: [UInt8]
    public var platformSeed: [UInt8]
    /// Proof values that make tickets and context blobs hierarchy-specific (Part 1, 14.4).
    public var endorsementProof: [UInt8]
    public var storageProof: [UInt8]
    public var platformProof: [UInt8]

    public var ownerAuth: TPM2BAuth = .empty
    public var endorsementAuth: TPM2BAuth = .empty
    public var lockoutAuth: TPM2BAuth = .empty
    public var ownerPolicy = HierarchyPolicy.none
    public var endorsementPolicy = HierarchyPolicy.none
    public var lockoutPolicy = HierarchyPolicy.none

    /// TPM2_ClearControl: when set, TPM2_Clear is refused.
    public var disableClear = false
    /// The PCR banks and PCRs that TPM2_Startup will allocate (TPM2_PCR_Allocate writes it).
    public var pcrAllocation: [TPMSPCRSelection]

    public var resetCount: UInt32 = 0
    public var totalResetCount: UInt32 = 0
    /// Clock as last written (Part 1, 36.3); the running value lives in ``TPMEngine``.
    public var clock: UInt64 = 0
    /// How the TPM was last shut down: TPM_SU_CLEAR, TPM_SU_STATE or ``OrderlyState/none``.
    public var orderlyState: OrderlyState = .none

    public var dictionaryAttack = DictionaryAttackState()
    /// Commands that need physical presence when authorized by the platform (TPM2_PP_Commands); none by
    /// default, since this TPM does not implement TPM2_PP_Commands itself.
    public var ppCommands: Set<TPMCC> = []
    /// Objects made persistent by TPM2_EvictControl, by persistent handle.
    public var persistentObjects: [TPMHandle: PersistentObject] = [:]

    public init(
        endorsementSeed: [UInt8], storageSeed: [UInt8], platformSeed: [UInt8], endorsementProof: [UInt8],
        storageProof: [UInt8], platformProof: [UInt8], pcrAllocation: [TPMSPCRSelection]
    ) {
        self.endorsementSeed = endorsementSeed
        self.storageSeed = storageSeed
        self.platformSeed = platformSeed
        self.endorsementProof = endorsementProof
        self.storageProof = storageProof
        self.platformProof = platformProof
        self.pcrAllocation = pcrAllocation
    }
}

/// An authorization policy of a hierarchy: a digest and the hash that made it (TPM2_SetPrimaryPolicy).
public struct HierarchyPolicy: Hashable, Sendable {
    public var hashAlg: TPMIAlgHash?
    public var digest: TPM2BDigest

    public static let none = HierarchyPolicy(hashAlg: nil, digest: .empty)
}

/// The orderly-shutdown marker kept in NV (ms-tpm's `gp.orderlyState`).
public struct OrderlyState: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let clear = OrderlyState(rawValue: TPMSU.clear.rawValue)
    public static let state = OrderlyState(rawValue: TPMSU.state.rawValue)
    /// No orderly shutdown since the last Startup (SU_NONE_VALUE).
    public static let none = OrderlyState(rawValue: 0xFFFF)

    public var isOrderly: Bool { self != .none }
}

/// Dictionary-attack protection state — Part 1, 19.8.
public struct DictionaryAttackState: Hashable, Sendable {
    public var failedTries: UInt32 = 0
    public var maxTries: UInt32 = 3
    /// Seconds for one failure to heal; 0 disables DA protection.
    public var recoveryTime: UInt32 = 1000
    /// Seconds after a failed lockoutAuth before lockoutAuth may be used again; 0 means until TPM Reset.
    public var lockoutRecovery: UInt32 = 1000
    public var lockoutAuthEnabled = true

    public var isLockedOut: Bool { failedTries >= maxTries }
}

/// Values reset by TPM2_Startup(CLEAR) and restored by a Resume (ms-tpm's STATE_CLEAR_DATA).
public struct StateClearData: Hashable, Sendable {
    public var shEnable = true
    public var ehEnable = true
    public var phEnableNV = true
    public var platformAuth: TPM2BAuth = .empty
    public var platformPolicy = HierarchyPolicy.none

    public init() {}
}

/// Values reset only by a TPM Reset (ms-tpm's STATE_RESET_DATA).
public struct StateResetData: Hashable, Sendable {
    /// Seed and proof of the null hierarchy: new after every TPM Reset (Part 1, 14.5).
    public var nullSeed: [UInt8]
    public var nullProof: [UInt8]
    public var clearCount: UInt32 = 0
    public var restartCount: UInt32 = 0
    /// Incremented whenever a PCR (outside the no-increment group) changes (Part 3, 22.4).
    public var pcrCounter: UInt32 = 0
    public var objectContextID: UInt64 = 0

    public init(nullSeed: [UInt8], nullProof: [UInt8]) {
        self.nullSeed = nullSeed
        self.nullProof = nullProof
    }
}

/// What TPM2_Shutdown(STATE) saves for the next TPM2_Startup (ms-tpm's NV copies of gc and gr plus the
/// saved PCRs). Durable, like ``PermanentState``.
public struct SavedState: Hashable, Sendable {
    public var stateClear: StateClearData
    public var stateReset: StateResetData
    /// Values of the state-saved PCRs, per allocated bank.
    public var pcrValues: [TPMIAlgHash: [[UInt8]]]
    /// Startup at locality 3 (Part 3, 9.3.1): a Resume must use the same locality.
    public var startupLocality3: Bool

    public init(
        stateClear: StateClearData, stateReset: StateResetData, pcrValues: [TPMIAlgHash: [[UInt8]]],
        startupLocality3: Bool
    ) {
        self.stateClear = stateClear
        self.stateReset = stateReset
        self.pcrValues = pcrValues
        self.startupLocality3 = startupLocality3
    }
}
