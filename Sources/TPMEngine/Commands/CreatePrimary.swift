// SPDX-License-Identifier: Apache-2.0

import TPMCrypto
import TPMWire

/// Part 3, 24.1: the hierarchy command that creates primary objects.
enum PrimaryObjectCommands {
    static let all = [CommandDescriptor(CreatePrimary.self, responseHandle: true)]
}

/// TPM2_CreatePrimary — Part 3, 24.1: a primary object derived from the hierarchy's seed and loaded.
///
/// The same template and sensitive data give the same key for as long as the seed lasts: across restarts for
/// the endorsement, owner (until TPM2_Clear) and platform hierarchies, until the next TPM Reset for the null
/// hierarchy.
///
/// - TPM_RC_SIZE (parameter 1): userAuth longer than a nameAlg digest.
/// - TPM_RC_ATTRIBUTES, TPM_RC_SCHEME, TPM_RC_SYMMETRIC, TPM_RC_KDF, TPM_RC_HASH (parameter 2): an inconsistent
///   template.
enum CreatePrimary: TPMCommand {
    static let code = TPMCC.createPrimary
    static let handles = [HandleSpec(.permanent(allowed: TPMIRHHierarchy.members), auth: .user)]
    static let flags: CommandFlags = [.decryptCommand, .encryptResponse]

    typealias Request = Create.Request

    struct Response: CommandResponse {
        var objectHandle: TPMHandle
        var outPublic: TPMTPublic
        var creationData: TPMSCreationData
        var creationHash: [UInt8]
        var creationTicket: TPMTTKCreation
        var name: [UInt8]
        var responseHandle: TPMHandle? { objectHandle }
        func marshal(into writer: inout TPMWriter) {
            TPM2BPublic(outPublic).marshal(into: &writer)
            TPM2BCreationData(creationData).marshal(into: &writer)
            writer.writeSizedBytes(creationHash)
            creationTicket.marshal(into: &writer)
            writer.writeSizedBytes(name)
        }
    }

    static func run(_ request: Request, _ command: CommandInfo, _ tpm: inout TPMEngine) throws(TPMRC) -> Response {
        let hierarchy = command.handles[0]
        let object = try tpm.createPrimary(
            template: request.create.inPublic, sensitive: request.create.inSensitive, hierarchy: hierarchy)
        let creation = try tpm.creation(
            of: object, hierarchy: hierarchy,
            parent: (.null, hierarchy.marshalled(), hierarchy.marshalled()),
            outsideInfo: request.outsideInfo, pcrSelection: request.creationPCR, locality: command.locality)
        let handle = try tpm.objects.insert(LoadedObject(key: object, hierarchy: hierarchy))
        return Response(
            objectHandle: handle, outPublic: object.publicArea, creationData: creation.data,
            creationHash: creation.hash, creationTicket: creation.ticket, name: object.name)
    }
}
