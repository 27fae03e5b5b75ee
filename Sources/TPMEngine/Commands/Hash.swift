// SPDX-License-Identifier: Apache-2.0

import TPMCrypto
import TPMWire

/// Part 3, 15.4 (TPM2_Hash) and 17: Hash/HMAC/Event Sequences.
enum HashCommands {
    static let all = [
        CommandDescriptor(Hash.self), CommandDescriptor(HashSequenceStart.self, responseHandle: true),
        CommandDescriptor(SequenceUpdate.self), CommandDescriptor(SequenceComplete.self),
        CommandDescriptor(EventSequenceComplete.self),
    ]
}

/// TPM2_Hash — Part 3, 15.4: one-shot digest with a hashcheck ticket.
enum Hash: TPMCommand {
    static let code = TPMCC.hash
    static let flags: CommandFlags = [.decryptCommand, .encryptResponse]

    struct Request: CommandRequest {
        var data: TPM2BMaxBuffer
        var hashAlg: TPMIAlgHash
        var hierarchy: TPMHandle
        init(parameters: inout ParameterReader) throws(TPMRC) {
            data = try parameters.next()
            hashAlg = try parameters.next()
            hierarchy = try parameters.next(TPMIRHHierarchy.read)
        }
    }

    struct Response: CommandResponse {
        var outHash: TPM2BDigest
        var validation: TPMTTKHashcheck
        func marshal(into writer: inout TPMWriter) {
            outHash.marshal(into: &writer)
            validation.marshal(into: &writer)
        }
    }

    static func run(_ request: Request, _ command: CommandInfo, _ tpm: inout TPMEngine) throws(TPMRC) -> Response {
        let digest = try TPM2BDigest(TPMHash.digest(request.hashAlg, request.data.buffer))
        // Unlike a sequence, short data may earn a ticket; only a TPM_GENERATED_VALUE prefix is refused.
        let safe =
            request.data.count < HashSequence.generatedValue.count || HashSequence.isTicketSafe(request.data.buffer)
        let ticket = try tpm.hashcheckTicket(request.hierarchy, hashAlg: request.hashAlg, digest: digest, safe: safe)
        return Response(outHash: digest, validation: ticket)
    }
}

/// TPM2_HashSequenceStart — Part 3, 17.3. TPM_ALG_NULL starts an event sequence.
///
/// - TPM_RC_OBJECT_MEMORY: no free transient slot.
enum HashSequenceStart: TPMCommand {
    static let code = TPMCC.hashSequenceStart
    static let flags: CommandFlags = [.decryptCommand]

    struct Request: CommandRequest {
        var auth: TPM2BAuth
        var hashAlg: TPMIAlgHash?
        init(parameters: inout ParameterReader) throws(TPMRC) {
            auth = try parameters.next()
            hashAlg = try parameters.nextNullable()
        }
    }

    struct Response: CommandResponse {
        var sequenceHandle: TPMHandle
        var responseHandle: TPMHandle? { sequenceHandle }
        func marshal(into writer: inout TPMWriter) {}
    }

    static func run(_ request: Request, _ command: CommandInfo, _ tpm: inout TPMEngine) throws(TPMRC) -> Response {
        let kind: LoadedObject.Kind
        if let hashAlg = request.hashAlg {
            kind = .hashSequence(HashSequence(state: TPMHashState(hashAlg)))
        } else {
            kind = .eventSequence(TPMIAlgHash.implemented.map { TPMHashState($0) })
        }
        let object = LoadedObject(kind: kind, authValue: request.auth, hierarchy: nil, isDictionaryAttackExempt: true)
        return Response(sequenceHandle: try tpm.objects.insert(object))
    }
}

/// TPM2_SequenceUpdate — Part 3, 17.4.
///
/// - TPM_RC_MODE (handle 1): the object is not a sequence.
enum SequenceUpdate: TPMCommand {
    static let code = TPMCC.sequenceUpdate
    static let handles = [HandleSpec(.object, auth: .user)]
    static let flags: CommandFlags = [.decryptCommand]

    struct Request: CommandRequest {
        var buffer: TPM2BMaxBuffer
        init(parameters: inout ParameterReader) throws(TPMRC) { buffer = try parameters.next() }
    }

    static func run(_ request: Request, _ command: CommandInfo, _ tpm: inout TPMEngine) throws(TPMRC) -> NoParameters {
        let handle = command.handles[0]
        guard var object = tpm.objects[handle] else { throw .referenceHandle(0) }
        switch object.kind {
        case .hashSequence(var sequence):
            sequence.update(request.buffer.buffer)
            object.kind = .hashSequence(sequence)
        case .eventSequence(var states):
            for index in states.indices {
                states[index].update(request.buffer.buffer)
            }
            object.kind = .eventSequence(states)
        case .key:
            throw TPMRC.mode.atHandle(1)
        }
        tpm.objects[handle] = object
        return NoParameters()
    }
}

/// TPM2_SequenceComplete — Part 3, 17.5: the digest, a hashcheck ticket, and the sequence is flushed.
///
/// - TPM_RC_MODE (handle 1): the object is not a hash sequence.
enum SequenceComplete: TPMCommand {
    static let code = TPMCC.sequenceComplete
    static let handles = [HandleSpec(.object, auth: .user)]
    static let flags: CommandFlags = [.flushed, .decryptCommand, .encryptResponse]

    struct Request: CommandRequest {
        var buffer: TPM2BMaxBuffer
        var hierarchy: TPMHandle
        init(parameters: inout ParameterReader) throws(TPMRC) {
            buffer = try parameters.next()
            hierarchy = try parameters.next(TPMIRHHierarchy.read)
        }
    }

    typealias Response = Hash.Response

    static func run(_ request: Request, _ command: CommandInfo, _ tpm: inout TPMEngine) throws(TPMRC) -> Response {
        let handle = command.handles[0]
        guard case .hashSequence(var sequence) = tpm.objects[handle]?.kind else {
            throw TPMRC.mode.atHandle(1)
        }
        let wasFirstBlock = !sequence.sawFirstBlock
        sequence.state.update(request.buffer.buffer)
        if wasFirstBlock {
            sequence.ticketSafe = HashSequence.isTicketSafe(request.buffer.buffer)
        }
        let digest = try TPM2BDigest(sequence.state.finalize())
        let ticket = try tpm.hashcheckTicket(
            request.hierarchy, hashAlg: sequence.state.algorithm, digest: digest,
            safe: sequence.ticketSafe)
        tpm.objects.remove(handle)
        return Response(outHash: digest, validation: ticket)
    }
}

/// TPM2_EventSequenceComplete — Part 3, 17.6: digests in every implemented hash, extended into the PCR.
///
/// - TPM_RC_MODE (handle 2): the object is not an event sequence.
/// - TPM_RC_LOCALITY: the PCR may not be extended at this locality.
enum EventSequenceComplete: TPMCommand {
    static let code = TPMCC.eventSequenceComplete
    static let handles = [HandleSpec(.pcr(allowNull: true), auth: .user), HandleSpec(.object, auth: .user)]
    static let flags: CommandFlags = [.nvWrite, .flushed, .decryptCommand]

    struct Request: CommandRequest {
        var buffer: TPM2BMaxBuffer
        init(parameters: inout ParameterReader) throws(TPMRC) { buffer = try parameters.next() }
    }

    typealias Response = PCREvent.Response

    static func run(_ request: Request, _ command: CommandInfo, _ tpm: inout TPMEngine) throws(TPMRC) -> Response {
        let pcrHandle = command.handles[0]
        let sequenceHandle = command.handles[1]
        guard case .eventSequence(var states) = tpm.objects[sequenceHandle]?.kind else {
            throw TPMRC.mode.atHandle(2)
        }
        let pcr = pcrHandle == .null ? nil : Int(pcrHandle.rawValue)
        if let pcr {
            try tpm.prepareExtend(pcr, locality: command.locality)
        }
        var digests: [TPMTHA] = []
        for index in states.indices {
            states[index].update(request.buffer.buffer)
            let digest = states[index].finalize()
            digests.append(try TPMTHA(hashAlg: states[index].algorithm, digest: digest))
            if let pcr {
                tpm.extendPCR(pcr, in: states[index].algorithm, with: digest)
            }
        }
        tpm.objects.remove(sequenceHandle)
        return Response(digests: try TPMLDigestValues(digests))
    }
}

// MARK: - Tickets

extension TPMEngine {
    /// A TPMT_TK_HASHCHECK — Part 3, 15.4 and Part 1, 12.4: HMAC_SHA512(proof(hierarchy),
    /// TPM_ST_HASHCHECK || hashAlg || digest); a null ticket for TPM_RH_NULL or unsafe data.
    func hashcheckTicket(
        _ hierarchy: TPMHandle, hashAlg: TPMIAlgHash, digest: TPM2BDigest,
        safe: Bool
    ) throws(TPMRC) -> TPMTTKHashcheck {
        guard hierarchy != .null, safe, let proof = proof(of: hierarchy) else { return .null }
        var writer = TPMWriter()
        TPMST.hashcheck.marshal(into: &writer)
        hashAlg.marshal(into: &writer)
        writer.writeBytes(digest.buffer)
        let hmac = TPMHash.hmac(Self.contextIntegrityHash, key: proof, writer.bytes)
        return try TPMTTKHashcheck(hierarchy: hierarchy, digest: try TPM2BDigest(hmac))
    }

    /// CONTEXT_INTEGRITY_HASH_ALG: the strongest implemented hash, as in libtpms.
    static let contextIntegrityHash = TPMIAlgHash.sha512

    /// The proof value of a hierarchy (Part 1, 14.4), or nil for TPM_RH_NULL.
    func proof(of hierarchy: TPMHandle) -> [UInt8]? {
        switch hierarchy {
        case .owner: permanent.storageProof
        case .endorsement: permanent.endorsementProof
        case .platform: permanent.platformProof
        case .null: stateReset.nullProof
        default: nil
        }
    }
}
