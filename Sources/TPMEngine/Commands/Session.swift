// SPDX-License-Identifier: Apache-2.0

import TPMCrypto
import TPMWire

/// Part 3, 11: Session Commands.
enum SessionCommands {
    static let all = [CommandDescriptor(StartAuthSession.self, responseHandle: true)]
}

/// TPM2_StartAuthSession — Part 3, 11.1.
///
/// - TPM_RC_SIZE (parameter 1): nonceCaller shorter than 16 octets or longer than the authHash digest.
/// - TPM_RC_VALUE (parameter 2): a salt without a key to decrypt it.
/// - TPM_RC_MODE (parameter 4): a block cipher in a mode other than CFB.
/// - TPM_RC_SESSION_HANDLES: every session slot is in use.
/// Salted sessions need a loaded decryption key; keys arrive in a later stage, so tpmKey can only be
/// TPM_RH_NULL today (any other handle is not loaded).
enum StartAuthSession: TPMCommand {
    static let code = TPMCC.startAuthSession
    static let handles = [HandleSpec(.objectOrNull, auth: .none), HandleSpec(.entityOrNull, auth: .none)]
    static let flags: CommandFlags = [.decryptCommand, .encryptResponse]

    struct Request: CommandRequest {
        var nonceCaller: TPM2BNonce
        var encryptedSalt: TPM2BEncryptedSecret
        var sessionType: TPMSE
        var symmetric: TPMTSymDef?
        var authHash: TPMIAlgHash
        init(parameters: inout ParameterReader) throws(TPMRC) {
            nonceCaller = try parameters.next()
            encryptedSalt = try parameters.next()
            sessionType = try parameters.next { reader throws(TPMRC) in
                let type = try TPMSE(unmarshalling: &reader)
                guard [TPMSE.hmac, .policy, .trial].contains(type) else { throw .value }
                return type
            }
            symmetric = try parameters.nextNullable()
            authHash = try parameters.next()
        }
    }

    struct Response: CommandResponse {
        var sessionHandle: TPMHandle
        var nonceTPM: TPM2BNonce
        var responseHandle: TPMHandle? { sessionHandle }
        func marshal(into writer: inout TPMWriter) { nonceTPM.marshal(into: &writer) }
    }

    static func run(_ request: Request, _ command: CommandInfo, _ tpm: inout TPMEngine) throws(TPMRC) -> Response {
        let nonceCaller = request.nonceCaller.buffer
        guard (16...request.authHash.digestSize).contains(nonceCaller.count) else { throw TPMRC.size.atParameter(1) }
        guard request.encryptedSalt.isEmpty else { throw TPMRC.value.atParameter(2) }
        if let symmetric = request.symmetric, symmetric.algorithm != .xor, symmetric.mode != TPMIAlgSymMode.cfb {
            throw TPMRC.mode.atParameter(4)
        }
        let bind = command.handles[1]
        let nonceTPM = tpm.random(nonceCaller.count)
        var sessionKey: [UInt8] = []
        if bind != .null {
            sessionKey = KDF.kdfa(
                request.authHash, key: tpm.authValue(of: bind), label: "ATH", contextU: nonceTPM,
                contextV: nonceCaller, bits: request.authHash.digestSize * 8)
        }
        let kind: AuthSession.Kind =
            switch request.sessionType {
            case .hmac: .hmac
            case .policy: .policy
            default: .trial
            }
        let daBound = bind != .null && !tpm.isDictionaryAttackExempt(bind)
        let session = AuthSession(
            kind: kind, authHash: request.authHash, nonceTPM: nonceTPM, sessionKey: sessionKey,
            symmetric: request.symmetric,
            boundEntity: bind != .null && kind == .hmac ? tpm.boundEntity(of: bind) : nil,
            isDictionaryAttackBound: daBound, isLockoutBound: daBound && bind == .lockout,
            policyDigest: [UInt8](repeating: 0, count: request.authHash.digestSize))
        let handle = try tpm.sessions.insert(session)
        return Response(sessionHandle: handle, nonceTPM: try TPM2BNonce(nonceTPM))
    }
}
