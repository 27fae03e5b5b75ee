// SPDX-License-Identifier: Apache-2.0

import TPMCrypto
import TPMWire

/// Part 3, 28: Context Management.
enum ContextCommands {
    static let all = [
        CommandDescriptor(FlushContext.self), CommandDescriptor(ContextSave.self),
        CommandDescriptor(ContextLoad.self, responseHandle: true), CommandDescriptor(EvictControl.self),
    ]
}

/// TPM2_FlushContext — Part 3, 28.4: removes a loaded object (or session) from the TPM.
///
/// - TPM_RC_HANDLE (parameter 1): nothing is loaded at the handle.
enum FlushContext: TPMCommand {
    static let code = TPMCC.flushContext
    static let flags: CommandFlags = [.noSessions]

    struct Request: CommandRequest {
        var flushHandle: TPMHandle
        init(parameters: inout ParameterReader) throws(TPMRC) {
            flushHandle = try parameters.next { reader throws(TPMRC) in
                let handle = try TPMHandle(unmarshalling: &reader)
                try TPMEngine.checkHandleType(handle, .context)
                return handle
            }
        }
    }

    static func run(_ request: Request, _ command: CommandInfo, _ tpm: inout TPMEngine) throws(TPMRC) -> NoParameters {
        let handle = request.flushHandle
        switch handle.type {
        case .transient where tpm.objects[handle] != nil:
            tpm.objects.remove(handle)
        case .hmacSession where tpm.sessions.isOccupied(handle), .policySession where tpm.sessions.isOccupied(handle):
            // The slot decides, not the handle's session type (ms-tpm SessionIsLoaded).
            tpm.sessions.remove(handle)
        default:
            throw TPMRC.handle.atParameter(1)
        }
        return NoParameters()
    }
}

/// TPM2_ContextSave — Part 3, 28.2: a protected copy of a loaded object that ContextLoad takes back.
///
/// - TPM_RC_TYPE (handle 1): a sequence object (its running hash cannot be exported from the hash library).
/// - TPM_RC_HANDLE (handle 1): a session; saving sessions is not implemented yet.
enum ContextSave: TPMCommand {
    static let code = TPMCC.contextSave
    static let handles = [HandleSpec(.context, auth: .none)]

    struct Response: CommandResponse {
        var context: TPMSContext
        func marshal(into writer: inout TPMWriter) { context.marshal(into: &writer) }
    }

    static func run(_ request: NoParameters, _ command: CommandInfo, _ tpm: inout TPMEngine) throws(TPMRC) -> Response {
        let handle = command.handles[0]
        guard handle.type == .transient else { throw TPMRC.handle.atHandle(1) }
        let (object, key) = try tpm.key(at: handle, number: 1)
        tpm.stateReset.objectContextID &+= 1
        let stClear = key.attributes.contains(.stClear)
        let saved = SavedObjectContext(
            sequence: tpm.stateReset.objectContextID,
            savedHandle: stClear ? SavedObjectContext.stClearObject : SavedObjectContext.object,
            hierarchy: object.hierarchy ?? .null)
        let blob = tpm.protectContext(saved, plaintext: SavedObjectContext.serialize(key))
        return Response(
            context: TPMSContext(
                sequence: saved.sequence, savedHandle: saved.savedHandle, hierarchy: saved.hierarchy,
                contextBlob: try TPM2BContextData(blob)))
    }
}

/// TPM2_ContextLoad — Part 3, 28.3: loads a saved object back.
///
/// - TPM_RC_INTEGRITY (parameter 1): the blob was changed, or saved before the last TPM Reset (or, for an
///   stClear object, TPM Restart), or by another TPM.
/// - TPM_RC_HIERARCHY (parameter 1): the object's hierarchy is disabled.
/// - TPM_RC_HANDLE (parameter 1): a saved session (not implemented yet) or an unknown saved handle.
/// - TPM_RC_OBJECT_MEMORY: every object slot is in use.
enum ContextLoad: TPMCommand {
    static let code = TPMCC.contextLoad

    struct Request: CommandRequest {
        var context: TPMSContext
        init(parameters: inout ParameterReader) throws(TPMRC) { context = try parameters.next() }
    }

    struct Response: CommandResponse {
        var loadedHandle: TPMHandle
        var responseHandle: TPMHandle? { loadedHandle }
        func marshal(into writer: inout TPMWriter) {}
    }

    static func run(_ request: Request, _ command: CommandInfo, _ tpm: inout TPMEngine) throws(TPMRC) -> Response {
        let context = request.context
        guard
            context.savedHandle == SavedObjectContext.object || context.savedHandle == SavedObjectContext.stClearObject
        else { throw TPMRC.handle.atParameter(1) }
        if context.hierarchy != .null {
            do throws(TPMRC) {
                try tpm.checkHierarchyEnabled(context.hierarchy, number: 0)
            } catch {
                throw TPMRC.hierarchy.atParameter(1)
            }
        }
        let saved = SavedObjectContext(
            sequence: context.sequence, savedHandle: context.savedHandle, hierarchy: context.hierarchy)
        let key: KeyObject
        do throws(TPMRC) {
            let plaintext = try tpm.unprotectContext(saved, blob: context.contextBlob.buffer)
            key = try SavedObjectContext.deserialize(plaintext)
        } catch {
            throw error.atParameter(1)
        }
        let handle = try tpm.objects.insert(LoadedObject(key: key, hierarchy: context.hierarchy))
        return Response(loadedHandle: handle)
    }
}

/// TPM2_EvictControl — Part 3, 28.5: makes a loaded object persistent at a chosen handle, or removes a
/// persistent object.
///
/// - TPM_RC_ATTRIBUTES (handle 2): an stClear, null-hierarchy, public-only or sequence object.
/// - TPM_RC_HANDLE (handle 2): a persistent object given with another persistentHandle.
/// - TPM_RC_HIERARCHY (handle 2): owner acting on a platform object, or platform persisting an object of
///   another hierarchy.
/// - TPM_RC_RANGE (parameter 1): a persistent handle outside the authorizing hierarchy's range.
/// - TPM_RC_NV_DEFINED: the persistent handle is taken. TPM_RC_NV_SPACE: no room for another object.
enum EvictControl: TPMCommand {
    static let code = TPMCC.evictControl
    static let handles = [
        HandleSpec(.permanent(allowed: [.owner, .platform]), auth: .user), HandleSpec(.object, auth: .none),
    ]
    static let flags: CommandFlags = [.nvWrite, .physicalPresence]

    /// Part 2, 7.3: owner persistent handles are 0x81000000–0x817FFFFF, platform ones 0x81800000–0x81FFFFFF.
    static let ownerRange: ClosedRange<UInt32> = 0x8100_0000...0x817F_FFFF
    static let platformRange: ClosedRange<UInt32> = 0x8180_0000...0x81FF_FFFF

    struct Request: CommandRequest {
        var persistentHandle: TPMHandle
        init(parameters: inout ParameterReader) throws(TPMRC) {
            persistentHandle = try parameters.next { reader throws(TPMRC) in
                let handle = try TPMHandle(unmarshalling: &reader)
                guard handle.type == .persistent else { throw .value }
                return handle
            }
        }
    }

    static func run(_ request: Request, _ command: CommandInfo, _ tpm: inout TPMEngine) throws(TPMRC) -> NoParameters {
        let auth = command.handles[0]
        let objectHandle = command.handles[1]
        let target = request.persistentHandle
        guard let object = tpm.objects[objectHandle] else { throw TPMRC.referenceHandle(1) }
        guard let key = object.key, let hierarchy = object.hierarchy, hierarchy != .null, !key.isExternal,
            key.sensitive != nil, !key.attributes.contains(.stClear)
        else { throw TPMRC.attributes.atHandle(2) }
        let isPersistent = objectHandle.type == .persistent
        guard !isPersistent || objectHandle == target else { throw TPMRC.handle.atHandle(2) }
        if auth == .platform {
            if !isPersistent {
                guard hierarchy == .platform else { throw TPMRC.hierarchy.atHandle(2) }
                guard Self.platformRange.contains(target.rawValue) else { throw TPMRC.range.atParameter(1) }
            }
        } else {
            guard hierarchy != .platform else { throw TPMRC.hierarchy.atHandle(2) }
            if !isPersistent {
                guard Self.ownerRange.contains(target.rawValue) else { throw TPMRC.range.atParameter(1) }
            }
        }
        if isPersistent {
            tpm.objects.remove(objectHandle)
            tpm.permanent.persistentObjects[objectHandle] = nil
        } else {
            guard tpm.objects[target] == nil else { throw .nvDefined }
            guard tpm.objects.persistentHandles.count < ObjectTable.persistentCapacity else { throw .nvSpace }
            tpm.objects[target] = object
            tpm.permanent.persistentObjects[target] = PersistentObject(hierarchy: hierarchy, key: key)
        }
        tpm.durableStateChanged = true
        return NoParameters()
    }
}
