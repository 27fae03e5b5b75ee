// SPDX-License-Identifier: Apache-2.0

import TPMWire

/// Dictionary-attack protection — Part 1, 19.8 (ms-tpm DA.c and SessionProcess.c).
extension TPMEngine {
    /// Permanent handles other than lockout, and PCRs, are exempt; objects are unless noDA is clear.
    func isDictionaryAttackExempt(_ handle: TPMHandle) -> Bool {
        switch handle.type {
        case .permanent: return handle != .lockout
        case .pcr: return true
        case .transient, .persistent: return objects[handle]?.isDictionaryAttackExempt ?? true
        default: return false
        }
    }

    /// TPM_RC_LOCKOUT while the relevant DA state forbids authorization.
    func checkLockedOut(lockoutAuth: Bool) throws(TPMRC) {
        if lockoutAuth {
            guard permanent.dictionaryAttack.lockoutAuthEnabled else { throw .lockout }
        } else {
            guard !permanent.dictionaryAttack.isLockedOut else { throw .lockout }
        }
    }

    /// Records a failed authorization of `handle` and returns the code to answer with: TPM_RC_BAD_AUTH
    /// when the failure does not count (DA-exempt entity, or the authValue was not involved), TPM_RC_AUTH_FAIL
    /// when it does (ms-tpm `IncrementLockout`). A session bound to a DA-protected entity always counts.
    mutating func registerAuthorizationFailure(
        _ entity: TPMHandle, session: AuthSession?,
        includedAuth: Bool
    ) -> TPMRC {
        var handle = entity
        if let session {
            if session.isLockoutBound { handle = .lockout }
            if !session.isDictionaryAttackBound, isDictionaryAttackExempt(handle) || !includedAuth { return .badAuth }
        } else if isDictionaryAttackExempt(handle) {
            return .badAuth
        }
        if handle == .lockout {
            permanent.dictionaryAttack.lockoutAuthEnabled = false
            dictionaryAttackTimers.lockout = time
            if permanent.dictionaryAttack.lockoutRecovery != 0 {
                durableStateChanged = true
            }
        } else if permanent.dictionaryAttack.recoveryTime != 0 {
            permanent.dictionaryAttack.failedTries += 1
            dictionaryAttackTimers.selfHeal = time
            durableStateChanged = true
        }
        return .authFail
    }

    /// Heals one failure per recoveryTime and re-enables lockoutAuth after lockoutRecovery
    /// (ms-tpm `DASelfHeal`), measured in Time since the last failure.
    mutating func healDictionaryAttack() {
        guard permanent.dictionaryAttack.failedTries > 0 || !permanent.dictionaryAttack.lockoutAuthEnabled else {
            return
        }
        var state = permanent.dictionaryAttack
        let now = time
        if state.recoveryTime != 0, state.failedTries > 0 {
            let period = UInt64(state.recoveryTime) * 1000
            let healed = (now &- dictionaryAttackTimers.selfHeal) / period
            if healed > 0 {
                state.failedTries -= UInt32(min(UInt64(state.failedTries), healed))
                dictionaryAttackTimers.selfHeal &+= healed * period
            }
        }
        if !state.lockoutAuthEnabled, state.lockoutRecovery != 0,
            now &- dictionaryAttackTimers.lockout >= UInt64(state.lockoutRecovery) * 1000
        {
            state.lockoutAuthEnabled = true
        }
        if state != permanent.dictionaryAttack {
            permanent.dictionaryAttack = state
            durableStateChanged = true
        }
    }
}

/// When the DA timers last started, in Time (volatile: they restart at every _TPM_Init, Part 1, 19.8.6).
struct DictionaryAttackTimers: Hashable, Sendable {
    var selfHeal: UInt64 = 0
    var lockout: UInt64 = 0
}
