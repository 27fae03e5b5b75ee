// SPDX-License-Identifier: Apache-2.0

import TPMWire

/// Part 3, 24: Hierarchy Commands.
enum HierarchyCommands {
    static let all = [CommandDescriptor(Clear.self), CommandDescriptor(ClearControl.self)]
}

/// TPMI_RH_CLEAR — Part 2, 9.17: the handles that may authorize TPM2_Clear and TPM2_ClearControl.
private let clearAuthorities: Set<TPMHandle> = [.lockout, .platform]

/// TPM2_Clear — Part 3, 24.6: new storage seed and proofs, owner and endorsement auths and policies
/// reset, their objects and NV indices removed, Clock zeroed.
///
/// - TPM_RC_DISABLED: TPM2_ClearControl has disabled Clear.
enum Clear: TPMCommand {
    static let code = TPMCC.clear
    static let handles = [HandleSpec(.permanent(allowed: clearAuthorities), auth: .user)]
    static let flags: CommandFlags = [.nvWrite, .extensive, .physicalPresence]

    static func run(
        _ request: NoParameters, _ command: CommandInfo, _ tpm: inout TPMEngine
    ) throws(TPMRC) -> NoParameters {
        guard !tpm.permanent.disableClear else { throw .disabled }
        tpm.clearOwnerHierarchies()
        return NoParameters()
    }
}

/// TPM2_ClearControl — Part 3, 24.7: sets or clears disableClear.
///
/// - TPM_RC_AUTH_FAIL: lockout tried to re-enable Clear (only platform may).
enum ClearControl: TPMCommand {
    static let code = TPMCC.clearControl
    static let handles = [HandleSpec(.permanent(allowed: clearAuthorities), auth: .user)]
    static let flags: CommandFlags = [.nvWrite, .physicalPresence]

    struct Request: CommandRequest {
        var disable: Bool
        init(parameters: inout ParameterReader) throws(TPMRC) { disable = try parameters.next() }
    }

    static func run(_ request: Request, _ command: CommandInfo, _ tpm: inout TPMEngine) throws(TPMRC) -> NoParameters {
        guard !(command.handles[0] == .lockout && !request.disable) else { throw .authFail }
        tpm.permanent.disableClear = request.disable
        tpm.durableStateChanged = true
        return NoParameters()
    }
}

extension TPMEngine {
    /// The effects of TPM2_Clear (Part 3, 24.6.1).
    mutating func clearOwnerHierarchies() {
        permanent.storageSeed = random(Self.seedSize)
        permanent.storageProof = random(Self.seedSize)
        permanent.endorsementProof = random(Self.seedSize)
        stateClear.shEnable = true
        stateClear.ehEnable = true
        permanent.ownerAuth = .empty
        permanent.endorsementAuth = .empty
        permanent.lockoutAuth = .empty
        permanent.ownerPolicy = .none
        permanent.endorsementPolicy = .none
        permanent.lockoutPolicy = .none
        objects.flush(hierarchy: .owner)
        objects.flush(hierarchy: .endorsement)
        objects.removePersistent(hierarchy: .owner)
        objects.removePersistent(hierarchy: .endorsement)
        permanent.persistentObjects = permanent.persistentObjects.filter { $0.value.hierarchy == .platform }
        permanent.dictionaryAttack = DictionaryAttackState()
        clock = 0
        permanent.clock = 0
        clockSafe = true
        permanent.resetCount = 0
        stateReset.restartCount = 0
        stateReset.clearCount = 0
        pcrChanged(0)
        invalidateOrderlyShutdown()
        durableStateChanged = true
    }
}
