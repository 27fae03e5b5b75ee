// SPDX-License-Identifier: Apache-2.0

import TPMWire

/// TPM Reset, Restart and Resume — Part 1, 36.5–36.7 (ms-tpm `TPM2_Startup` and its subsystem startups).
extension TPMEngine {
    enum StartupKind {
        /// Startup(CLEAR) after Shutdown(CLEAR) or no shutdown.
        case reset
        /// Startup(CLEAR) after Shutdown(STATE).
        case restart
        /// Startup(STATE) after Shutdown(STATE).
        case resume
    }

    mutating func startup(_ type: TPMSU, locality: UInt8) throws(TPMRC) {
        guard locality == 0 || locality == 3 else { throw .locality }
        let locality3 = locality == 3
        let previous = permanent.orderlyState
        previousShutdownWasOrderly = previous.isOrderly
        let saved = previous == .state ? savedState : nil
        if type == .state {
            guard let saved else { throw TPMRC.value.atParameter(1) }
            guard saved.startupLocality3 == locality3 else { throw .locality }
        }
        startupLocality3 = locality3

        let kind: StartupKind
        if let saved {
            stateReset = saved.stateReset
            if type == .state {
                stateClear = saved.stateClear
                kind = .resume
            } else {
                kind = .restart
            }
        } else {
            kind = .reset
        }

        if !previous.isOrderly {
            clockSafe = false
        }
        startDictionaryAttack(kind)
        startHierarchies(kind)
        startPCRs(kind, locality: locality, saved: saved)

        switch kind {
        case .resume:
            stateReset.restartCount &+= 1
        case .restart:
            stateReset.clearCount &+= 1
            stateReset.restartCount &+= 1
        case .reset:
            stateReset.objectContextID = 0
            stateReset.clearCount = 0
            stateReset.restartCount = 0
            permanent.resetCount &+= 1
            permanent.totalResetCount &+= 1
        }

        // From here until the next orderly Shutdown, a power loss is a non-orderly shutdown.
        permanent.orderlyState = .none
        savedState = nil
        permanent.clock = clock
        durableStateChanged = true
        phase = .operational
    }

    mutating func shutdown(_ type: TPMSU) throws(TPMRC) {
        // A changed PCR allocation must take effect at the next Startup, which only CLEAR guarantees.
        guard !(pcrReconfigured && type == .state) else { throw TPMRC.type.atParameter(1) }
        permanent.orderlyState = OrderlyState(rawValue: type.rawValue)
        if type == .state {
            savedState = SavedState(
                stateClear: stateClear, stateReset: stateReset,
                pcrValues: pcrs.stateSavedValues(), startupLocality3: startupLocality3)
        } else {
            savedState = nil
        }
        permanent.clock = clock
        durableStateChanged = true
    }

    /// After an orderly Shutdown, changing state that the shutdown saved makes it non-orderly
    /// (ms-tpm `RETURN_IF_ORDERLY`).
    mutating func invalidateOrderlyShutdown() {
        guard permanent.orderlyState.isOrderly else { return }
        permanent.orderlyState = .none
        savedState = nil
        durableStateChanged = true
    }

    private mutating func startHierarchies(_ kind: StartupKind) {
        switch kind {
        case .reset, .restart:
            stateClear = StateClearData()
            if kind == .reset {
                stateReset.nullSeed = random(Self.seedSize)
                stateReset.nullProof = random(Self.seedSize)
            }
        case .resume:
            break
        }
        phEnable = true
    }

    private mutating func startPCRs(_ kind: StartupKind, locality: UInt8, saved: SavedState?) {
        if kind == .reset {
            stateReset.pcrCounter = 0
        }
        pcrs = PCRBanks(allocation: permanent.pcrAllocation)
        var savedIndex = 0
        for pcr in 0..<PCRAttributes.count {
            let attributes = PCRAttributes.table[pcr]
            if kind == .resume, attributes.stateSave, let saved {
                for hash in pcrs.allocatedHashes {
                    if let values = saved.pcrValues[hash], savedIndex < values.count {
                        pcrs.setValue(pcr, in: hash, to: values[savedIndex])
                    }
                }
                savedIndex += 1
                continue
            }
            if attributes.stateSave { savedIndex += 1 }
            // Every PCR that is not restored counts as changed (ms-tpm PCRStartup).
            pcrChanged(pcr)
            if attributes.startsAsOnes {
                pcrs.setValue(pcr, lastByte: -1)
            } else {
                pcrs.setValue(pcr, lastByte: pcr == PCRAttributes.hcrtmIndex ? Int8(locality) : 0)
            }
        }
    }

    private mutating func startDictionaryAttack(_ kind: StartupKind) {
        if kind == .reset, permanent.dictionaryAttack.lockoutRecovery == 0,
            !permanent.dictionaryAttack.lockoutAuthEnabled
        {
            permanent.dictionaryAttack.lockoutAuthEnabled = true
        }
        dictionaryAttackTimers = DictionaryAttackTimers(selfHeal: time, lockout: time)
    }

    // MARK: - Time and Clock (Part 1, 36.3)

    /// NV_CLOCK_UPDATE_INTERVAL: Clock reaches NV whenever it crosses a 2^12 ms boundary.
    static let clockUpdateMask: UInt64 = (1 << 12) - 1

    /// Advances Clock by the platform time since the last command; crossing an update boundary makes
    /// Clock "safe" again. Like libtpms, Clock alone does not force a state write: it is stored with the
    /// next write and at shutdown.
    mutating func advanceClock() {
        let now = platform.monotonicMilliseconds()
        let elapsed = now &- clockAdvancedAt
        clockAdvancedAt = now
        let newClock = clock &+ elapsed
        if newClock | Self.clockUpdateMask > clock | Self.clockUpdateMask {
            clockSafe = true
            permanent.clock = newClock
        }
        clock = newClock
        if phase == .operational {
            healDictionaryAttack()
        }
    }

    var clockInfo: TPMSClockInfo {
        TPMSClockInfo(
            clock: clock, resetCount: permanent.resetCount, restartCount: stateReset.restartCount,
            safe: clockSafe)
    }
}
