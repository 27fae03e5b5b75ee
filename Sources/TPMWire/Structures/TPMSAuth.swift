// SPDX-License-Identifier: Apache-2.0

/// TPMS_AUTH_COMMAND — Part 2, 10.13.2: one entry of a command's authorization area.
public struct TPMSAuthCommand: TPMCodable, Hashable, Sendable {
    /// TPMI_SH_AUTH_SESSION+: an HMAC or policy session, or TPM_RS_PW.
    public var sessionHandle: TPMHandle
    public var nonce: TPM2BNonce
    public var sessionAttributes: TPMASession
    /// The HMAC, or the password for TPM_RS_PW.
    public var hmac: TPM2BAuth

    public init(sessionHandle: TPMHandle, nonce: TPM2BNonce, sessionAttributes: TPMASession, hmac: TPM2BAuth) {
        self.sessionHandle = sessionHandle
        self.nonce = nonce
        self.sessionAttributes = sessionAttributes
        self.hmac = hmac
    }

    /// A password authorization (TPM_RS_PW) with `password`.
    public static func password(_ password: TPM2BAuth = .empty) -> TPMSAuthCommand {
        TPMSAuthCommand(sessionHandle: .password, nonce: .empty, sessionAttributes: [], hmac: password)
    }

    public func marshal(into writer: inout TPMWriter) {
        sessionHandle.marshal(into: &writer)
        nonce.marshal(into: &writer)
        sessionAttributes.marshal(into: &writer)
        hmac.marshal(into: &writer)
    }

    /// Reads the fields; the handle's type is checked by the session layer, which knows what is loaded.
    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        sessionHandle = try TPMHandle(unmarshalling: &reader)
        nonce = try TPM2BNonce(unmarshalling: &reader)
        sessionAttributes = try TPMASession(unmarshalling: &reader)
        hmac = try TPM2BAuth(unmarshalling: &reader)
    }
}

/// TPMS_AUTH_RESPONSE — Part 2, 10.13.3.
public struct TPMSAuthResponse: TPMCodable, Hashable, Sendable {
    public var nonce: TPM2BNonce
    public var sessionAttributes: TPMASession
    public var hmac: TPM2BAuth

    public init(nonce: TPM2BNonce, sessionAttributes: TPMASession, hmac: TPM2BAuth) {
        self.nonce = nonce
        self.sessionAttributes = sessionAttributes
        self.hmac = hmac
    }

    public func marshal(into writer: inout TPMWriter) {
        nonce.marshal(into: &writer)
        sessionAttributes.marshal(into: &writer)
        hmac.marshal(into: &writer)
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        nonce = try TPM2BNonce(unmarshalling: &reader)
        sessionAttributes = try TPMASession(unmarshalling: &reader)
        hmac = try TPM2BAuth(unmarshalling: &reader)
    }
}
