// SPDX-License-Identifier: Apache-2.0

import TPMCrypto
import TPMEngine
import TPMWire
import Testing

/// Objects in the engine: primary derivation, Create/Load with private-area protection, sealing, contexts and
/// persistence, driven through marshalled commands.
@Suite struct ObjectTests {
    static let storageAttributes: TPMAObject = [
        .fixedTPM, .fixedParent, .sensitiveDataOrigin, .userWithAuth, .restricted, .decrypt,
    ]

    static func symmetricStorageTemplate() throws -> TPMTPublic {
        TPMTPublic(
            nameAlg: .sha256, objectAttributes: storageAttributes,
            details: .symCipher(
                TPMSSymCipherParms(sym: .aes(keyBits: try TPMIAESKeyBits(128), mode: try TPMIAlgSymMode(.cfb))),
                unique: .empty))
    }

    static func sealTemplate() -> TPMTPublic {
        TPMTPublic(
            nameAlg: .sha256, objectAttributes: [.fixedTPM, .fixedParent, .userWithAuth],
            details: .keyedHash(TPMSKeyedHashParms(scheme: nil), unique: .empty))
    }

    struct Created {
        var handle: TPMHandle
        var publicArea: TPMTPublic
        var name: [UInt8]
    }

    static func createPrimary(
        _ tpm: inout EngineHarness, _ template: TPMTPublic, hierarchy: TPMHandle = .owner,
        sensitive: TPMSSensitiveCreate = TPMSSensitiveCreate()
    ) throws -> Created {
        var parameters = TPMWriter()
        TPM2BSensitiveCreate(sensitive).marshal(into: &parameters)
        TPM2BPublic(template).marshal(into: &parameters)
        TPM2BData.empty.marshal(into: &parameters)
        try TPMLPCRSelection([]).marshal(into: &parameters)
        let response = tpm.send(.createPrimary, handles: [hierarchy], passwords: [[]], parameters: parameters.bytes)
        try #require(response.rc == .success, "CreatePrimary: \(response.rc)")
        var reader = TPMReader(response.body)
        let handle = try TPMHandle(unmarshalling: &reader)
        _ = try reader.readInteger(as: UInt32.self)
        let publicArea = try TPM2BPublic(unmarshalling: &reader).publicArea
        _ = try TPM2BCreationData(unmarshalling: &reader)
        _ = try TPM2BDigest(unmarshalling: &reader)
        _ = try TPMTTKCreation(unmarshalling: &reader)
        let name = try TPM2BName(unmarshalling: &reader).buffer
        return Created(handle: handle, publicArea: publicArea, name: name)
    }

    static func create(
        _ tpm: inout EngineHarness, parent: TPMHandle, _ template: TPMTPublic, sensitive: TPMSSensitiveCreate
    ) throws -> (TPM2BPrivate, TPMTPublic) {
        var parameters = TPMWriter()
        TPM2BSensitiveCreate(sensitive).marshal(into: &parameters)
        TPM2BPublic(template).marshal(into: &parameters)
        TPM2BData.empty.marshal(into: &parameters)
        try TPMLPCRSelection([]).marshal(into: &parameters)
        let response = tpm.send(.create, handles: [parent], passwords: [[]], parameters: parameters.bytes)
        try #require(response.rc == .success, "Create: \(response.rc)")
        var reader = TPMReader(response.body)
        _ = try reader.readInteger(as: UInt32.self)
        return (try TPM2BPrivate(unmarshalling: &reader), try TPM2BPublic(unmarshalling: &reader).publicArea)
    }

    static func load(
        _ tpm: inout EngineHarness, parent: TPMHandle, _ blob: TPM2BPrivate, _ publicArea: TPMTPublic
    ) -> EngineHarness.Response {
        var parameters = TPMWriter()
        blob.marshal(into: &parameters)
        TPM2BPublic(publicArea).marshal(into: &parameters)
        return tpm.send(.load, handles: [parent], passwords: [[]], parameters: parameters.bytes)
    }

    static func loadedHandle(_ response: EngineHarness.Response) throws -> TPMHandle {
        try #require(response.rc == .success, "\(response.rc)")
        var reader = TPMReader(response.body)
        return try TPMHandle(unmarshalling: &reader)
    }

    static func unseal(_ tpm: inout EngineHarness, _ handle: TPMHandle, password: [UInt8]) -> EngineHarness.Response {
        tpm.send(.unseal, handles: [handle], passwords: [password])
    }

    static func unsealedData(_ response: EngineHarness.Response) throws -> [UInt8] {
        try #require(response.rc == .success, "Unseal: \(response.rc)")
        var reader = TPMReader(response.body)
        _ = try reader.readInteger(as: UInt32.self)
        return try TPM2BSensitiveData(unmarshalling: &reader).buffer
    }

    @Test func sealLoadUnseal() throws {
        var tpm = EngineHarness()
        let parent = try Self.createPrimary(&tpm, try Self.symmetricStorageTemplate())
        let secret = Array("the launch codes".utf8)
        let (blob, publicArea) = try Self.create(
            &tpm, parent: parent.handle, Self.sealTemplate(),
            sensitive: TPMSSensitiveCreate(
                userAuth: try TPM2BAuth(Array("pw".utf8)), data: try TPM2BSensitiveData(secret)))
        let handle = try Self.loadedHandle(Self.load(&tpm, parent: parent.handle, blob, publicArea))
        #expect(try Self.unsealedData(Self.unseal(&tpm, handle, password: Array("pw".utf8))) == secret)
        let wrong = Self.unseal(&tpm, handle, password: Array("no".utf8))
        #expect(wrong.rc.base == .authFail || wrong.rc.base == .badAuth, "\(wrong.rc)")
        #expect(wrong.bytes.count == 10)
    }

    @Test func tamperedPrivateAndWrongParentFailIntegrity() throws {
        var tpm = EngineHarness()
        let parent = try Self.createPrimary(&tpm, try Self.symmetricStorageTemplate())
        let other = try Self.createPrimary(
            &tpm, try Self.symmetricStorageTemplate(),
            hierarchy: .endorsement)
        let (blob, publicArea) = try Self.create(
            &tpm, parent: parent.handle, Self.sealTemplate(),
            sensitive: TPMSSensitiveCreate(data: try TPM2BSensitiveData([1, 2, 3, 4])))
        for index in [2, 10, blob.count - 1] {
            var bytes = blob.buffer
            bytes[index] ^= 0x01
            let response = Self.load(&tpm, parent: parent.handle, try TPM2BPrivate(bytes), publicArea)
            #expect(response.rc == TPMRC.integrity.atParameter(1), "byte \(index): \(response.rc)")
        }
        let wrongParent = Self.load(&tpm, parent: other.handle, blob, publicArea)
        #expect(wrongParent.rc == TPMRC.integrity.atParameter(1))
        var changed = publicArea
        changed.objectAttributes.remove(.userWithAuth)
        let wrongPublic = Self.load(&tpm, parent: parent.handle, blob, changed)
        #expect(wrongPublic.rc == TPMRC.integrity.atParameter(1))
    }

    @Test func primaryIsDeterministicAcrossRestartAndNullChangesOnReset() throws {
        var tpm = EngineHarness()
        let first = try Self.createPrimary(&tpm, try Self.symmetricStorageTemplate())
        let null = try Self.createPrimary(&tpm, try Self.symmetricStorageTemplate(), hierarchy: .null)
        tpm.send(.shutdown, parameters: TPMSU.clear.marshalled())
        tpm.engine.initialize()
        #expect(tpm.send(.startup, parameters: TPMSU.clear.marshalled()).rc == .success)
        let again = try Self.createPrimary(&tpm, try Self.symmetricStorageTemplate())
        #expect(again.name == first.name && again.publicArea == first.publicArea)
        let nullAgain = try Self.createPrimary(&tpm, try Self.symmetricStorageTemplate(), hierarchy: .null)
        #expect(nullAgain.name != null.name)
        let different = try Self.createPrimary(
            &tpm, try Self.symmetricStorageTemplate(),
            sensitive: TPMSSensitiveCreate(userAuth: try TPM2BAuth([1])))
        #expect(different.name == first.name, "userAuth is not part of the derivation")
    }

    @Test func contextSaveLoadAndEvictControl() throws {
        var tpm = EngineHarness()
        let parent = try Self.createPrimary(&tpm, try Self.symmetricStorageTemplate())
        let save = tpm.send(.contextSave, handles: [parent.handle])
        try #require(save.rc == .success, "\(save.rc)")
        let context = try TPMSContext(unmarshalling: save.body)
        #expect(tpm.send(.flushContext, parameters: parent.handle.marshalled()).rc == .success)
        let loaded = tpm.send(.contextLoad, parameters: context.marshalled())
        try #require(loaded.rc == .success, "\(loaded.rc)")
        let handle = try TPMHandle(unmarshalling: loaded.body)
        let read = tpm.send(.readPublic, handles: [handle])
        try #require(read.rc == .success)

        var tampered = context.contextBlob.buffer
        tampered[tampered.count - 1] ^= 1
        let bad = TPMSContext(
            sequence: context.sequence, savedHandle: context.savedHandle, hierarchy: context.hierarchy,
            contextBlob: try TPM2BContextData(tampered))
        #expect(tpm.send(.contextLoad, parameters: bad.marshalled()).rc == TPMRC.integrity.atParameter(1))

        let persistent = TPMHandle(0x8100_0001)
        let evict = tpm.send(
            .evictControl, handles: [.owner, handle], passwords: [[]], parameters: persistent.marshalled())
        #expect(evict.rc == .success, "\(evict.rc)")
        let again = tpm.send(
            .evictControl, handles: [.owner, handle], passwords: [[]], parameters: persistent.marshalled())
        #expect(again.rc == .nvDefined)
        #expect(tpm.engine.durableState().permanent.persistentObjects[persistent] != nil)

        // Durable state survives a power cycle: the persistent object is there, and the same key.
        var restarted = EngineHarness(restoring: tpm.engine.durableState())
        let readPersistent = restarted.send(.readPublic, handles: [persistent])
        try #require(readPersistent.rc == .success, "\(readPersistent.rc)")
        #expect(Array(readPersistent.body.dropFirst(0)) == Array(read.body))
        let remove = restarted.send(
            .evictControl, handles: [.owner, persistent], passwords: [[]], parameters: persistent.marshalled())
        #expect(remove.rc == .success)
        #expect(restarted.send(.readPublic, handles: [persistent]).rc == TPMRC.referenceHandle(0))
        // The transient context of the old power cycle does not load after a TPM Reset.
        #expect(restarted.send(.contextLoad, parameters: context.marshalled()).rc == TPMRC.integrity.atParameter(1))
    }

    @Test func templateChecks() throws {
        var tpm = EngineHarness()
        var bad = try Self.symmetricStorageTemplate()
        bad.objectAttributes.remove(.fixedParent)
        var parameters = TPMWriter()
        TPM2BSensitiveCreate(TPMSSensitiveCreate()).marshal(into: &parameters)
        TPM2BPublic(bad).marshal(into: &parameters)
        TPM2BData.empty.marshal(into: &parameters)
        try TPMLPCRSelection([]).marshal(into: &parameters)
        let response = tpm.send(.createPrimary, handles: [.owner], passwords: [[]], parameters: parameters.bytes)
        #expect(response.rc == TPMRC.attributes.atParameter(2))
    }
}

extension EngineHarness {
    init(restoring state: DurableState) {
        self.init(started: false)
        engine = TPMEngine(restoring: state, platform: platform)
        let rc = send(.startup, parameters: TPMSU.clear.marshalled()).rc
        precondition(rc == .success, "Startup failed: \(rc)")
    }
}
