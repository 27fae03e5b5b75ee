// SPDX-License-Identifier: Apache-2.0

import TPMCrypto
import TPMWire

/// One TPM 2.0: an explicit value with no global state, so a process can host thousands.
///
/// A TPM runs one command at a time, so the engine has no locks: its owner (a `VTPMInstance`)
/// serializes calls to ``execute(_:locality:)``. After each command the owner checks
/// ``durableStateChanged`` and stores ``durableState()`` before it releases the response.
public struct TPMEngine: TPMCommandExecutor, Sendable {
    /// Where the TPM is in its power and startup cycle (Part 1, 36).
    public enum Phase: Hashable, Sendable {
        /// After _TPM_Init, waiting for TPM2_Startup.
        case initialized
        /// TPM2_Startup succeeded; commands run.
        case operational
        /// An internal check failed: only GetTestResult and GetCapability answer (Part 1, 36.6).
        case failure
    }

    public internal(set) var phase: Phase = .initialized
    public internal(set) var permanent: PermanentState
    public internal(set) var savedState: SavedState?
    var stateClear = StateClearData()
    var stateReset: StateResetData
    var pcrs: PCRBanks
    /// g_phEnable: SET by every TPM2_Startup.
    var phEnable = true
    var objects = ObjectTable()
    var sessions = SessionTable()

    /// The TPM's only random source (Part 1, 11.4.10).
    var drbg: RandomPool
    let platform: any TPMPlatform
    let commandTable: CommandTable

    /// Milliseconds of platform time at the last _TPM_Init (Time counts from there).
    var timeEpoch: UInt64
    /// The running Clock, and the platform time it was last advanced at.
    var clock: UInt64
    var clockAdvancedAt: UInt64
    /// FALSE after a non-orderly shutdown until Clock is next written to NV (Part 1, 36.3).
    var clockSafe = true

    var dictionaryAttackTimers = DictionaryAttackTimers()
    var startupLocality3 = false
    /// Whether the shutdown before the last Startup was orderly (TPMA_STARTUP_CLEAR.orderly).
    var previousShutdownWasOrderly = false
    /// TPM2_PCR_Allocate changed the pending allocation; Shutdown(STATE) is refused until a TPM Reset.
    var pcrReconfigured = false
    var selfTestDone = false

    /// Durable state changed during the last command and must be stored before its response is released.
    public internal(set) var durableStateChanged = false

    // MARK: - Creating an instance

    /// Manufactures a new TPM: draws its seeds and proofs from a DRBG seeded by the platform (Part 1, 14.3).
    public static func manufacture(platform: any TPMPlatform, commandTable: CommandTable = .standard) -> TPMEngine {
        var drbg = CTRDRBG(
            entropy: platform.entropySource.entropy(count: CTRDRBG.seedLength),
            personalization: Array("swift-vtpm manufacture".utf8))
        let seeds = (0..<6).map { _ in drbg.generate(Self.seedSize) }
        let allocation = TPMIAlgHash.implemented.map { TPMSPCRSelection(hash: $0, pcrs: 0..<PCRAttributes.count) }
        let manufactured = PermanentState(
            endorsementSeed: seeds[0], storageSeed: seeds[1], platformSeed: seeds[2],
            endorsementProof: seeds[3], storageProof: seeds[4], platformProof: seeds[5],
            pcrAllocation: allocation)
        var permanent = manufactured
        // A new TPM has never lost power uncleanly: it reports an orderly state and a safe Clock.
        permanent.orderlyState = .clear
        var engine = TPMEngine(permanent: permanent, savedState: nil, platform: platform, commandTable: commandTable)
        engine.durableStateChanged = true
        return engine
    }

    /// Recreates a TPM from its durable state and performs _TPM_Init, as a power-on does.
    public init(
        permanent: PermanentState, savedState: SavedState?, platform: any TPMPlatform,
        commandTable: CommandTable = .standard
    ) {
        var drbg = CTRDRBG(
            entropy: platform.entropySource.entropy(count: CTRDRBG.seedLength),
            personalization: Array("swift-vtpm instance".utf8))
        self.permanent = permanent
        self.savedState = savedState
        self.stateReset = StateResetData(
            nullSeed: drbg.generate(Self.seedSize), nullProof: drbg.generate(Self.seedSize))
        self.pcrs = PCRBanks(allocation: permanent.pcrAllocation)
        self.drbg = RandomPool(drbg)
        self.platform = platform
        self.commandTable = commandTable
        let now = platform.monotonicMilliseconds()
        self.timeEpoch = now
        self.clock = permanent.clock
        self.clockAdvancedAt = now
        initialize()
    }

    /// Size of primary seeds and proofs: twice the strength of SHA-512 is more than any key needs.
    static let seedSize = 64

    // MARK: - Power and reset (_TPM_Init, Part 1, 36.2)

    /// _TPM_Init: the TPM was powered on or reset and waits for TPM2_Startup. Volatile state is
    /// discarded; durable state is what was stored.
    public mutating func initialize() {
        if !permanent.orderlyState.isOrderly {
            clockSafe = false
        }
        phase = .initialized
        pcrs = PCRBanks(allocation: permanent.pcrAllocation)
        pcrReconfigured = false
        objects = ObjectTable()
        loadPersistentObjects()
        sessions = SessionTable()
        stateClear = StateClearData()
        phEnable = true
        selfTestDone = false
        let now = platform.monotonicMilliseconds()
        timeEpoch = now
        clockAdvancedAt = now
    }

    /// Makes the persistent objects of durable state usable (their areas were checked when the state was
    /// decoded; one that no longer makes a key is left out rather than trap).
    mutating func loadPersistentObjects() {
        for (handle, stored) in permanent.persistentObjects {
            objects[handle] = try? stored.loaded()
        }
    }

    /// Marks the durable state as stored by the owner.
    public mutating func durableStateStored() {
        durableStateChanged = false
    }

    /// Enters failure mode (Part 1, 36.6): used when an internal invariant or the state store fails.
    public mutating func enterFailureMode() {
        phase = .failure
    }

    /// Milliseconds since the last _TPM_Init, as of the start of the current command (one clock read per
    /// command, in ``advanceClock()``).
    var time: UInt64 { clockAdvancedAt &- timeEpoch }

    mutating func random(_ count: Int) -> [UInt8] {
        if drbg.needsReseed {
            drbg.reseed(entropy: platform.entropySource.entropy(count: CTRDRBG.seedLength))
        }
        return drbg.bytes(count)
    }
}
