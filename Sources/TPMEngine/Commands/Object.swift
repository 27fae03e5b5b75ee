// SPDX-License-Identifier: Apache-2.0

import TPMCrypto
import TPMWire

/// Part 3, 12: Object Commands.
enum ObjectCommands {
    static let all = [
        CommandDescriptor(Create.self), CommandDescriptor(Load.self, responseHandle: true),
        CommandDescriptor(CreateLoaded.self, responseHandle: true),
        CommandDescriptor(LoadExternal.self, responseHandle: true), CommandDescriptor(ReadPublic.self),
        CommandDescriptor(Unseal.self), CommandDescriptor(ObjectChangeAuth.self),
    ]
}

/// The parameters Create, CreatePrimary and CreateLoaded share.
struct CreateParameters {
    var inSensitive: TPMSSensitiveCreate
    var inPublic: TPMTPublic
    init(_ parameters: inout ParameterReader) throws(TPMRC) {
        inSensitive = try parameters.next(TPM2BSensitiveCreate.self).sensitive
        inPublic = try parameters.next(TPM2BPublic.self).publicArea
    }
}

/// TPM2_Create — Part 3, 12.1: a new object under a loaded storage parent, returned as a protected private
/// area and its public area (not loaded).
///
/// - TPM_RC_TYPE (handle 1): the parent is not a storage key.
/// - TPM_RC_SIZE (parameter 1): userAuth longer than a nameAlg digest.
/// - TPM_RC_ATTRIBUTES, TPM_RC_SCHEME, TPM_RC_SYMMETRIC, TPM_RC_KDF (parameter 2): an inconsistent template.
/// - TPM_RC_KEY_SIZE (parameter 1): a symmetric key of the wrong size.
enum Create: TPMCommand {
    static let code = TPMCC.create
    static let handles = [HandleSpec(.object, auth: .user)]
    static let flags: CommandFlags = [.decryptCommand, .encryptResponse]

    struct Request: CommandRequest {
        var create: CreateParameters
        var outsideInfo: TPM2BData
        var creationPCR: TPMLPCRSelection
        init(parameters: inout ParameterReader) throws(TPMRC) {
            create = try CreateParameters(&parameters)
            outsideInfo = try parameters.next()
            creationPCR = try parameters.next()
        }
    }

    struct Response: CommandResponse {
        var outPrivate: TPM2BPrivate
        var outPublic: TPMTPublic
        var creationData: TPMSCreationData
        var creationHash: [UInt8]
        var creationTicket: TPMTTKCreation
        func marshal(into writer: inout TPMWriter) {
            outPrivate.marshal(into: &writer)
            TPM2BPublic(outPublic).marshal(into: &writer)
            TPM2BCreationData(creationData).marshal(into: &writer)
            writer.writeSizedBytes(creationHash)
            creationTicket.marshal(into: &writer)
        }
    }

    static func run(_ request: Request, _ command: CommandInfo, _ tpm: inout TPMEngine) throws(TPMRC) -> Response {
        let (parentObject, parent) = try tpm.key(at: command.handles[0], number: 1)
        guard parent.isStorageParent else { throw TPMRC.type.atHandle(1) }
        let (object, outPrivate) = try tpm.createOrdinary(
            template: request.create.inPublic, sensitive: request.create.inSensitive, parent: parent)
        let hierarchy = parentObject.hierarchy ?? .null
        let creation = try tpm.creation(
            of: object, hierarchy: hierarchy,
            parent: (parent.nameAlg?.algorithm ?? .null, parent.name, parent.qualifiedName),
            outsideInfo: request.outsideInfo, pcrSelection: request.creationPCR, locality: command.locality)
        return Response(
            outPrivate: outPrivate, outPublic: object.publicArea, creationData: creation.data,
            creationHash: creation.hash, creationTicket: creation.ticket)
    }
}

/// TPM2_Load — Part 3, 12.2: loads an object created under a storage parent.
///
/// - TPM_RC_TYPE (handle 1): the parent is not a storage key.
/// - TPM_RC_INTEGRITY (parameter 1): the private area was changed, or belongs to another parent or public area.
/// - TPM_RC_SENSITIVE, TPM_RC_BINDING (parameter 1): the private area does not decrypt to a sensitive area, or
///   its secret does not match the public area.
/// - TPM_RC_ATTRIBUTES ... (parameter 2): a public area that fails the object checks.
enum Load: TPMCommand {
    static let code = TPMCC.load
    static let handles = [HandleSpec(.object, auth: .user)]
    static let flags: CommandFlags = [.decryptCommand]

    struct Request: CommandRequest {
        var inPrivate: TPM2BPrivate
        var inPublic: TPMTPublic
        init(parameters: inout ParameterReader) throws(TPMRC) {
            inPrivate = try parameters.next()
            inPublic = try parameters.next(TPM2BPublic.self).publicArea
        }
    }

    struct Response: CommandResponse {
        var objectHandle: TPMHandle
        var name: [UInt8]
        var responseHandle: TPMHandle? { objectHandle }
        func marshal(into writer: inout TPMWriter) { writer.writeSizedBytes(name) }
    }

    static func run(_ request: Request, _ command: CommandInfo, _ tpm: inout TPMEngine) throws(TPMRC) -> Response {
        let (parentObject, parent) = try tpm.key(at: command.handles[0], number: 1)
        guard parent.isStorageParent else { throw TPMRC.type.atHandle(1) }
        let object = try tpm.loadChild(request.inPublic, private: request.inPrivate, parent: parent)
        let handle = try tpm.objects.insert(LoadedObject(key: object, hierarchy: parentObject.hierarchy ?? .null))
        return Response(objectHandle: handle, name: object.name)
    }
}

extension TPMEngine {
    /// Unwraps and checks a child's areas under `parent` (Load, and ObjectChangeAuth's re-wrap).
    func loadChild(_ publicArea: TPMTPublic, private blob: TPM2BPrivate, parent: KeyObject) throws(TPMRC) -> KeyObject {
        do throws(TPMRC) {
            try PublicAreaChecks.check(publicArea, parent: parent.publicArea)
        } catch {
            throw error.atParameter(2)
        }
        let name = KeyObject.name(of: publicArea)
        let wrap = try OuterWrap(parent: parent)
        do throws(TPMRC) {
            let sensitive = try wrap.unprotect(blob, name: name)
            guard let nameAlg = publicArea.nameAlg,
                sensitive.authValue.buffer.withoutTrailingZeros.count <= nameAlg.digestSize
            else { throw TPMRC.size }
            return try KeyObject(
                publicArea: publicArea, sensitive: sensitive, parentQualifiedName: parent.qualifiedName)
        } catch {
            throw error.atParameter(1)
        }
    }
}

/// TPM2_CreateLoaded — Part 3, 12.9: Create and Load in one command, or CreatePrimary when the parent is a
/// hierarchy (then outPrivate is empty). Derived objects (a derivation parent) are not implemented:
/// TPM_RC_TYPE for a parent that is not a storage key.
enum CreateLoaded: TPMCommand {
    static let code = TPMCC.createLoaded
    static let handles = [HandleSpec(.parent, auth: .user)]
    static let flags: CommandFlags = [.decryptCommand, .encryptResponse]

    struct Request: CommandRequest {
        var create: CreateParameters
        init(parameters: inout ParameterReader) throws(TPMRC) { create = try CreateParameters(&parameters) }
    }

    struct Response: CommandResponse {
        var objectHandle: TPMHandle
        var outPrivate: TPM2BPrivate
        var outPublic: TPMTPublic
        var name: [UInt8]
        var responseHandle: TPMHandle? { objectHandle }
        func marshal(into writer: inout TPMWriter) {
            outPrivate.marshal(into: &writer)
            TPM2BPublic(outPublic).marshal(into: &writer)
            writer.writeSizedBytes(name)
        }
    }

    static func run(_ request: Request, _ command: CommandInfo, _ tpm: inout TPMEngine) throws(TPMRC) -> Response {
        let parentHandle = command.handles[0]
        if parentHandle.type == .permanent {
            let object = try tpm.createPrimary(
                template: request.create.inPublic, sensitive: request.create.inSensitive, hierarchy: parentHandle)
            let handle = try tpm.objects.insert(LoadedObject(key: object, hierarchy: parentHandle))
            return Response(objectHandle: handle, outPrivate: .empty, outPublic: object.publicArea, name: object.name)
        }
        let (parentObject, parent) = try tpm.key(at: parentHandle, number: 1)
        guard parent.isStorageParent else { throw TPMRC.type.atHandle(1) }
        let (object, outPrivate) = try tpm.createOrdinary(
            template: request.create.inPublic, sensitive: request.create.inSensitive, parent: parent)
        let handle = try tpm.objects.insert(LoadedObject(key: object, hierarchy: parentObject.hierarchy ?? .null))
        return Response(objectHandle: handle, outPrivate: outPrivate, outPublic: object.publicArea, name: object.name)
    }
}

/// TPM2_LoadExternal — Part 3, 12.3: loads a public area, optionally with its secret in the clear.
///
/// - TPM_RC_HIERARCHY (parameter 3): a secret loaded into a hierarchy other than TPM_RH_NULL, or a disabled
///   hierarchy.
/// - TPM_RC_ATTRIBUTES (parameter 2): a secret with fixedTPM or fixedParent SET, or inconsistent attributes.
/// - TPM_RC_BINDING, TPM_RC_TYPE, TPM_RC_KEY_SIZE: the two areas do not belong together.
enum LoadExternal: TPMCommand {
    static let code = TPMCC.loadExternal
    static let flags: CommandFlags = [.decryptCommand]

    struct Request: CommandRequest {
        var inPrivate: TPMTSensitive?
        var inPublic: TPMTPublic
        var hierarchy: TPMHandle
        init(parameters: inout ParameterReader) throws(TPMRC) {
            inPrivate = try parameters.next(TPM2BSensitive.self).sensitiveArea
            inPublic = try parameters.next { reader throws(TPMRC) in
                try TPM2BPublic(unmarshalling: &reader, allowNullNameAlg: true).publicArea
            }
            hierarchy = try parameters.next { reader throws(TPMRC) in try TPMIRHHierarchy.read(from: &reader) }
        }
    }

    typealias Response = Load.Response

    static func run(_ request: Request, _ command: CommandInfo, _ tpm: inout TPMEngine) throws(TPMRC) -> Response {
        let publicArea = request.inPublic
        do throws(TPMRC) {
            try tpm.checkHierarchyEnabled(request.hierarchy, number: 0)
        } catch {
            throw TPMRC.hierarchy.atParameter(3)
        }
        if request.inPrivate != nil {
            guard request.hierarchy == .null else { throw TPMRC.hierarchy.atParameter(3) }
            guard publicArea.objectAttributes.isDisjoint(with: [.fixedTPM, .fixedParent]) else {
                throw TPMRC.attributes.atParameter(2)
            }
        }
        do throws(TPMRC) {
            try PublicAreaChecks.check(publicArea, parent: nil)
        } catch {
            throw error.atParameter(2)
        }
        var object: KeyObject
        do throws(TPMRC) {
            object = try KeyObject(
                publicArea: publicArea, sensitive: request.inPrivate,
                parentQualifiedName: request.hierarchy.marshalled())
        } catch {
            throw error.atParameter(request.inPrivate == nil ? 2 : 1)
        }
        object.isExternal = true
        let handle = try tpm.objects.insert(LoadedObject(key: object, hierarchy: request.hierarchy))
        return Response(objectHandle: handle, name: object.name)
    }
}

/// TPM2_ReadPublic — Part 3, 12.4: an object's public area, Name and qualified Name.
///
/// - TPM_RC_SEQUENCE (handle 1): a sequence object has no public area.
enum ReadPublic: TPMCommand {
    static let code = TPMCC.readPublic
    static let handles = [HandleSpec(.object, auth: .none)]
    static let flags: CommandFlags = [.encryptResponse]

    struct Response: CommandResponse {
        var outPublic: TPMTPublic
        var name: [UInt8]
        var qualifiedName: [UInt8]
        func marshal(into writer: inout TPMWriter) {
            TPM2BPublic(outPublic).marshal(into: &writer)
            writer.writeSizedBytes(name)
            writer.writeSizedBytes(qualifiedName)
        }
    }

    static func run(_ request: NoParameters, _ command: CommandInfo, _ tpm: inout TPMEngine) throws(TPMRC) -> Response {
        guard let key = tpm.objects[command.handles[0]]?.key else { throw TPMRC.sequence.atHandle(1) }
        return Response(outPublic: key.publicArea, name: key.name, qualifiedName: key.qualifiedName)
    }
}

/// TPM2_Unseal — Part 3, 12.7: the data of a sealed data object.
///
/// - TPM_RC_TYPE (handle 1): not a keyed-hash object.
/// - TPM_RC_ATTRIBUTES (handle 1): sign, decrypt or restricted SET (a key, not sealed data).
enum Unseal: TPMCommand {
    static let code = TPMCC.unseal
    static let handles = [HandleSpec(.object, auth: .user)]
    static let flags: CommandFlags = [.encryptResponse]

    struct Response: CommandResponse {
        var outData: TPM2BSensitiveData
        func marshal(into writer: inout TPMWriter) { outData.marshal(into: &writer) }
    }

    static func run(_ request: NoParameters, _ command: CommandInfo, _ tpm: inout TPMEngine) throws(TPMRC) -> Response {
        let (_, key) = try tpm.key(at: command.handles[0], number: 1)
        guard case .keyedHash(let data) = key.material else { throw TPMRC.type.atHandle(1) }
        guard key.attributes.isDisjoint(with: [.signEncrypt, .decrypt, .restricted]) else {
            throw TPMRC.attributes.atHandle(1)
        }
        return Response(outData: try TPM2BSensitiveData(data))
    }
}

/// TPM2_ObjectChangeAuth — Part 3, 12.6: a new private area for the same object with a new authValue (the
/// loaded object keeps the old one).
///
/// - TPM_RC_TYPE (handle 2): parentHandle is not the object's parent, or the object is not a key.
/// - TPM_RC_SIZE (parameter 1): newAuth longer than a nameAlg digest.
enum ObjectChangeAuth: TPMCommand {
    static let code = TPMCC.objectChangeAuth
    static let handles = [HandleSpec(.object, auth: .admin), HandleSpec(.object, auth: .none)]
    static let flags: CommandFlags = [.decryptCommand, .encryptResponse]

    struct Request: CommandRequest {
        var newAuth: TPM2BAuth
        init(parameters: inout ParameterReader) throws(TPMRC) { newAuth = try parameters.next() }
    }

    struct Response: CommandResponse {
        var outPrivate: TPM2BPrivate
        func marshal(into writer: inout TPMWriter) { outPrivate.marshal(into: &writer) }
    }

    static func run(_ request: Request, _ command: CommandInfo, _ tpm: inout TPMEngine) throws(TPMRC) -> Response {
        let (_, object) = try tpm.key(at: command.handles[0], number: 1)
        let (_, parent) = try tpm.key(at: command.handles[1], number: 2)
        guard var sensitive = object.sensitive, !object.isExternal else { throw TPMRC.type.atHandle(1) }
        let expected = KeyObject.qualifiedName(parent: parent.qualifiedName, name: object.name, hash: object.nameAlg)
        guard expected == object.qualifiedName, parent.isStorageParent else { throw TPMRC.type.atHandle(2) }
        guard let nameAlg = object.nameAlg,
            request.newAuth.buffer.withoutTrailingZeros.count <= nameAlg.digestSize
        else { throw TPMRC.size.atParameter(1) }
        sensitive.authValue = request.newAuth
        return Response(outPrivate: try OuterWrap(parent: parent).protect(sensitive, name: object.name))
    }
}
