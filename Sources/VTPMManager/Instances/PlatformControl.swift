// SPDX-License-Identifier: Apache-2.0

/// What a host does to a TPM besides sending commands: the mssim platform port's signals and the swtpm
/// control channel's verbs, in one vocabulary. Each transport maps its messages onto these.
public enum PlatformControl: Hashable, Sendable {
    /// Power on; already on changes nothing (the reference simulator's behaviour).
    case powerOn
    case powerOff
    /// _TPM_Init on a powered TPM (mssim TPM_SIGNAL_RESET); ignored when off.
    case reset
    /// swtpm CMD_INIT: power on if needed, then _TPM_Init. `deleteVolatile` drops saved volatile state.
    case initialize(deleteVolatile: Bool)
    /// swtpm CMD_STOP: the TPM stops answering until the next initialize.
    case stop
    case nvOn, nvOff
    case cancelOn, cancelOff
    case physicalPresenceOn, physicalPresenceOff
    /// The locality for commands that do not carry one (swtpm data channel).
    case setLocality(UInt8)
    /// swtpm CMD_RESET_TPMESTABLISHED from `locality`.
    case resetEstablished(locality: UInt8)
}

/// Why a control verb was refused.
public enum PlatformControlError: Error, Hashable, Sendable {
    /// The locality is out of range (above 4).
    case badLocality
    /// The verb needs a powered, initialized TPM.
    case notRunning
}
